"""A participant's card for the curator: roles, consents, register fields, and the actions."""

from __future__ import annotations

from datetime import datetime
from html import escape
from typing import Any
from zoneinfo import ZoneInfo

from aiogram import Router
from aiogram.fsm.context import FSMContext
from aiogram.types import CallbackQuery, InlineKeyboardButton, InlineKeyboardMarkup, Message
from aiogram.utils.i18n import get_i18n
from aiogram.utils.i18n import gettext as _
from babel.dates import format_date
from sqlalchemy.ext.asyncio import AsyncSession

from handlers.access import Allowed
from handlers.forms.fields import Field
from handlers.people.common import (
    CardOpened,
    FieldMenu,
    GuardianConsent,
    StatusChange,
    button,
    checked_participant,
    display_name,
    list_position,
)
from handlers.registration.forms import FORM_BY_ROLE
from handlers.ui.labels import role_title, status_title
from handlers.ui.screens import replace_screen
from storage.models.enums import MembershipStatus, Role
from storage.models.orgs import Organization
from storage.orgs.scope import effective_timezone
from storage.people.actor import Actor
from storage.people.admin import Participant, profile_answers
from storage.settings import Settings

PROFILE_ROLES = (Role.mentor, Role.mentee)
# Not shown as register fields: the name has its own line, and the free-text "other
# difficulties" is stored inside the list of difficulties.
NOT_REGISTER_KEYS = {"full_name", "difficulties_other"}


def local_date(moment: datetime, zone: str) -> str:
    local = moment.astimezone(ZoneInfo(zone)).date()
    return format_date(local, "d MMM y", locale=get_i18n().current_locale)


def register_title(role: Role) -> str:
    return {Role.mentor: _("Mentor register"), Role.mentee: _("Mentee register")}[role]


def memberships_line(person: Participant) -> str:
    return "; ".join(f"{role_title(m.role)}: {status_title(m.status)}" for m in person.memberships)


def consent_lines(person: Participant, zone: str) -> list[str]:
    if person.consent_at is None:
        lines = [_("consent to take part: not given")]
    else:
        lines = [
            _("consent to take part: given on {date}").format(
                date=local_date(person.consent_at, zone)
            )
        ]
    if person.guardian_consent_at is not None:
        lines.append(
            _("guardian's consent: recorded on {date}").format(
                date=local_date(person.guardian_consent_at, zone)
            )
        )
    elif person.awaiting_guardian:
        lines.append(_("guardian's consent: awaiting"))
    return lines


async def register_fields(
    session: AsyncSession, person: Participant
) -> list[tuple[Role, Field, dict[str, Any]]]:
    """The visible register fields of each profile role the person holds in this school."""
    roles = {Role(m.role) for m in person.memberships}
    found = []
    for role in PROFILE_ROLES:
        if role not in roles:
            continue
        answers = await profile_answers(session, person.person.id, role)
        if not answers:
            continue
        for field in FORM_BY_ROLE[role].visible(answers):
            if field.key not in NOT_REGISTER_KEYS:
                found.append((role, field, answers))
    return found


async def render_card(
    session: AsyncSession,
    settings: Settings,
    actor: Actor,
    person: Participant,
    school_id: int,
    state: FSMContext,
) -> tuple[str, InlineKeyboardMarkup]:
    school = await session.get(Organization, school_id)
    zone = await effective_timezone(session, school_id, settings.default_timezone)
    lines = [f"<b>{escape(display_name(person.person.full_name))}</b>", f"«{escape(school.name)}»"]
    lines += [f"• {role_title(m.role)} — {status_title(m.status)}" for m in person.memberships]
    lines += consent_lines(person, zone)
    if person.person.blocked_at is not None:
        # Reminders and announcements no longer reach them; the curator can call instead.
        lines.append(
            _("🚫 has blocked the bot since {date}: messages do not reach them").format(
                date=local_date(person.person.blocked_at, zone)
            )
        )
    shown_role = None
    for role, field, answers in await register_fields(session, person):
        if role != shown_role:
            shown_role = role
            lines += ["", f"<b>{register_title(role)}</b>"]
        lines.append(f"{field.label}: {escape(field.render(answers.get(field.key)))}")

    ids = {"school_id": school_id, "person_id": person.person.id}
    rows: list[list[InlineKeyboardButton]] = []
    if person.awaiting_guardian:
        rows.append([button(_("✍ Record guardian's consent"), GuardianConsent(**ids))])
    for m in person.memberships:
        role = role_title(m.role)
        if m.role not in (Role.mentor, Role.mentee):
            continue  # curators are appointed and removed by the coordinator, not by a peer
        if m.status == MembershipStatus.deactivated:
            if person.person.erased_at is not None:
                continue  # someone who erased their data comes back only through an invitation
            target, text = MembershipStatus.active, _("Activate: {role}").format(role=role)
        elif m.role == Role.curator and person.person.id == actor.person_id:
            continue  # a curator does not switch themselves off; the coordinator does
        else:
            target, text = MembershipStatus.deactivated, _("Deactivate: {role}").format(role=role)
        rows.append([button(text, StatusChange(**ids, membership_id=m.id, status=target))])
    if person.person.erased_at is None:
        rows.append([button(_("✎ Correct a field"), FieldMenu(**ids))])
    rows.append([button(_("◀ Back to the list"), await list_position(state, school_id))])
    return "\n".join(lines), InlineKeyboardMarkup(inline_keyboard=rows)


async def show_card(
    message: Message,
    session: AsyncSession,
    settings: Settings,
    actor: Actor,
    person: Participant,
    school_id: int,
    state: FSMContext,
    *,
    edit: bool,
) -> None:
    text, markup = await render_card(session, settings, actor, person, school_id, state)
    if edit:
        await replace_screen(message, text, markup)
    else:
        await message.answer(text, reply_markup=markup)


async def card_opened(
    query: CallbackQuery,
    callback_data: CardOpened,
    session: AsyncSession,
    actor: Actor,
    settings: Settings,
    state: FSMContext,
) -> None:
    school_id = callback_data.school_id
    person = await checked_participant(query, session, actor, school_id, callback_data.person_id)
    if person is None:
        return
    await query.answer()
    if isinstance(query.message, Message):
        await show_card(
            query.message, session, settings, actor, person, school_id, state, edit=True
        )


def build_router() -> Router:
    router = Router(name="people_card")
    router.callback_query.register(card_opened, CardOpened.filter(), Allowed("people"))
    return router
