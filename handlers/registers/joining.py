"""Joining through a personal invitation from the registers: the person opens the link,
sees what the school's register says about them, agrees to the processing of their data,
and confirms (or corrects) the fields: three taps in the usual case.

A minor is left awaiting the guardian's consent exactly as after registration. Opening a
link records who opened it, so the curator can remind those who did not finish; declining
the consent clears that again.
"""

from __future__ import annotations

import re
from html import escape
from typing import Any

from aiogram import Bot, F, Router
from aiogram.filters import CommandObject, CommandStart, Filter
from aiogram.fsm.context import FSMContext
from aiogram.fsm.state import State, StatesGroup
from aiogram.types import CallbackQuery, InlineKeyboardMarkup, Message
from aiogram.utils.i18n import I18n
from aiogram.utils.i18n import gettext as _
from sqlalchemy import update
from sqlalchemy.ext.asyncio import AsyncSession

from handlers.commands import set_personal_commands
from handlers.forms.engine import review_form
from handlers.forms.fields import Form
from handlers.registers.common import JoinConsent, button
from handlers.registers.proposals import ask_formed
from handlers.registration.flow import consent_text
from handlers.registration.forms import MENTEE_FORM, MENTOR_FORM
from handlers.ui.labels import role_title
from handlers.ui.notify import tell
from storage.clock import Clock
from storage.models.enums import MembershipStatus, Role
from storage.models.orgs import Organization
from storage.models.registers import RegisterEntry
from storage.pairing.people import recipients
from storage.people.actor import Actor, load_actor
from storage.people.memberships import find_membership
from storage.people.registration import has_consent, record_consent
from storage.registers.entries import by_code, mark_opened
from storage.registers.joining import join
from storage.registers.pairs import form_ready
from storage.settings import Settings

CODE = re.compile(r"[A-Za-z0-9_-]{20,32}")
# The registration forms under names of their own: confirming ends in join_submitted.
FORMS = {
    Role.mentor: Form("register_join_mentor", MENTOR_FORM.fields),
    Role.mentee: Form("register_join_mentee", MENTEE_FORM.fields),
}


class Joining(StatesGroup):
    consent = State()


class PersonalLink(Filter):
    """/start CODE whose code is a personal invitation from the registers; the entry is
    handed to the handler. Other codes go on to the ordinary registration."""

    async def __call__(
        self, message: Message, command: CommandObject, session: AsyncSession
    ) -> bool | dict[str, Any]:
        code = (command.args or "").strip()
        if not CODE.fullmatch(code):
            return False
        entry = await by_code(session, code)
        return {"entry": entry} if entry is not None else False


def _prefilled(entry: RegisterEntry, form: Form) -> dict[str, Any]:
    """The register's values; optional fields it lacks count as skipped, required ones are
    asked."""
    known = {"full_name": entry.full_name, **(entry.fields or {})}
    answers: dict[str, Any] = {}
    for field in form.fields:
        if known.get(field.key) not in (None, ""):
            answers[field.key] = known[field.key]
        elif field.optional:
            answers[field.key] = [] if field.multiple else None
    return answers


def _register_lines(entry: RegisterEntry, form: Form) -> list[str]:
    answers = _prefilled(entry, form)
    lines = []
    for field in form.visible(answers):
        value = answers.get(field.key)
        if value not in (None, "", []):
            lines.append(f"<b>{field.label}</b>: {escape(field.render(value))}")
    return lines


async def link_opened(
    message: Message,
    entry: RegisterEntry,
    state: FSMContext,
    session: AsyncSession,
    actor: Actor,
    clock: Clock,
) -> None:
    org = await session.get(Organization, entry.school_id)
    role = Role(entry.role)
    if entry.person_id is not None:
        await message.answer(
            _("You have already joined «{org}» with this invitation.").format(org=escape(org.name))
            if entry.person_id == actor.person_id
            else _(
                "This personal invitation has already been used. If it was not you, tell your "
                "school's curator."
            )
        )
        return
    if entry.expires_at <= clock.now():
        await message.answer(
            _("This personal invitation has expired. Ask your school's curator for a new one.")
        )
        return
    membership = await find_membership(session, actor.person_id, entry.school_id, role)
    if membership is not None and membership.status != MembershipStatus.deactivated:
        await message.answer(
            _("You are already registered as {role} in «{org}».").format(
                role=role_title(role), org=escape(org.name)
            )
        )
        return
    await mark_opened(session, entry.id, actor.person_id)
    await state.clear()
    context = {"entry_id": entry.id, "role": role.value, "org_name": org.name}
    form = FORMS[role]
    intro = [
        _("You are invited as {role} of «{org}». The school's register has:").format(
            role=role_title(role), org=escape(org.name)
        ),
        "",
        *_register_lines(entry, form),
    ]
    if await has_consent(session, actor.person_id):
        await message.answer("\n".join(intro))
        await review_form(message, state, form, context, _prefilled(entry, form))
        return
    await state.set_state(Joining.consent)
    await state.set_data({"context": context})
    await message.answer(
        "\n".join(intro) + "\n\n" + consent_text(org.name),
        reply_markup=InlineKeyboardMarkup(
            inline_keyboard=[
                [button(_("✔ I agree"), JoinConsent(agree=True))],
                [button(_("✖ I do not agree"), JoinConsent(agree=False))],
            ]
        ),
    )


async def consent_answered(
    query: CallbackQuery,
    callback_data: JoinConsent,
    state: FSMContext,
    session: AsyncSession,
    actor: Actor,
    clock: Clock,
) -> None:
    data = await state.get_data()
    message = query.message
    await query.answer()
    if not isinstance(message, Message):
        return
    await message.edit_reply_markup(reply_markup=None)
    context = data["context"]
    entry = await session.get(RegisterEntry, context["entry_id"])
    if not callback_data.agree or entry is None:
        await state.clear()
        await session.execute(
            update(RegisterEntry)
            .where(
                RegisterEntry.id == context["entry_id"],
                RegisterEntry.opened_by == actor.person_id,
            )
            .values(opened_by=None)
        )
        await message.answer(
            _(
                "Understood. Without consent we cannot register you, and nothing about you has "
                "been stored. If you change your mind, open the invitation link again."
            )
        )
        return
    await record_consent(session, actor.person_id, clock.now())
    form = FORMS[Role(context["role"])]
    await review_form(message, state, form, context, _prefilled(entry, form))


async def consent_typed(message: Message) -> None:
    await message.answer(_("Please answer with the buttons under the consent text."))


async def join_submitted(
    query: CallbackQuery, answers: dict[str, Any], context: dict[str, Any], data: dict[str, Any]
) -> None:
    session: AsyncSession = data["session"]
    actor: Actor = data["actor"]
    clock: Clock = data["clock"]
    state: FSMContext = data["state"]
    settings: Settings = data["settings"]
    i18n: I18n = data["i18n"]
    bot: Bot = data["bot"]
    message = query.message
    assert isinstance(message, Message)
    await state.clear()
    await query.answer()
    now = clock.now()
    joined = await join(session, context["entry_id"], actor.person_id, answers, now)
    if joined is None:
        await message.answer(
            _(
                "This personal invitation can no longer be used: it was used, renewed or has "
                "expired. Ask your school's curator for a new one."
            )
        )
        return
    role = joined.role
    text = _("Done! You are registered as {role} of «{org}».").format(
        role=role_title(role), org=escape(context["org_name"])
    )
    if joined.status == MembershipStatus.awaiting_guardian:
        text += "\n\n" + _(
            "Because you are under 18, your curator must first record the written consent of "
            "your parent or legal representative. Until then the bot does not collect your "
            "meetings or answers, and only the curator sees your name."
        )
    text += "\n\n" + _("Send /help to see what you can do now.")
    await message.answer(text)
    refreshed = await load_actor(session, actor.telegram_id, settings.admin_ids, now)
    await set_personal_commands(bot, i18n, refreshed)
    if joined.created_by is not None:
        await tell(
            bot,
            i18n,
            await recipients(session, [joined.created_by]),
            lambda: _("{name} has joined «{org}» from the registers as {role}.").format(
                name=escape(answers["full_name"]),
                org=escape(context["org_name"]),
                role=role_title(role),
            ),
        )
    formed = await form_ready(session, now, joined.school_id)
    await ask_formed(session, formed, {"bot": bot, "i18n": i18n})


# The forms this conversation runs through the engine (see handlers.engine_forms).
ENGINE_FORMS = {form.name: (form, join_submitted) for form in FORMS.values()}


def build_router() -> Router:
    router = Router(name="registers_join")
    router.message.register(link_opened, CommandStart(deep_link=True), PersonalLink())
    router.callback_query.register(consent_answered, Joining.consent, JoinConsent.filter())
    router.message.register(consent_typed, Joining.consent, ~F.text.startswith("/"))
    return router
