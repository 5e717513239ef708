"""/announce: a curator or coordinator writes to chosen roles in their scope — the scope, the
roles with ticks, the text, a preview with the number of recipients, then confirmation.

Delivery goes through the outbox (paced, quiet hours, blocked people marked); the author
watches delivered, blocked, failed and waiting counts on a screen with a refresh button.
The draft lives in the FSM data; the scope and roles are checked again when it is sent.
"""

from __future__ import annotations

import secrets
from html import escape
from typing import Any

from aiogram import F, Router
from aiogram.filters import Command
from aiogram.filters.callback_data import CallbackData
from aiogram.fsm.context import FSMContext
from aiogram.fsm.state import State, StatesGroup
from aiogram.types import CallbackQuery, InlineKeyboardButton, InlineKeyboardMarkup, Message
from aiogram.utils.i18n import gettext as _
from aiogram.utils.i18n import ngettext
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from handlers.access import Allowed
from handlers.outbox_texts import announcement as render_announcement
from handlers.programmes.common import show_date
from handlers.system.cancel import cancel_button
from handlers.ui.screens import replace_screen
from storage.clock import Clock
from storage.community import announcements
from storage.models.community import Announcement
from storage.models.enums import OrgLevel, Role
from storage.models.orgs import Organization
from storage.orgs.scope import descendants
from storage.people.actor import Actor
from storage.settings import Settings

KEY = "announce"
SCHOOLS_PAGE = 10


class AnScope(CallbackData, prefix="an_s"):
    org: int


class AnSchools(CallbackData, prefix="an_c"):
    parent: int  # a coordinated organisation whose schools to list
    page: int = 0


class AnRole(CallbackData, prefix="an_r"):
    role: str  # a role to tick or untick; "next" to go on


class AnStep(CallbackData, prefix="an_p"):
    step: str  # scopes, roles, text, send, history
    key: str = ""  # the draft's key on "send": a repeated tap finds what was sent


class AnStatus(CallbackData, prefix="an_v"):
    announcement_id: int


class Announcing(StatesGroup):
    scope = State()
    roles = State()
    text = State()
    preview = State()


def _button(label: str, data: CallbackData) -> InlineKeyboardButton:
    return InlineKeyboardButton(text=label, callback_data=data.pack())


def _markup(rows: list[list[InlineKeyboardButton]]) -> InlineKeyboardMarkup:
    return InlineKeyboardMarkup(inline_keyboard=rows)


def _short(name: str, limit: int = 45) -> str:
    return name if len(name) <= limit else name[: limit - 1] + "…"


async def allowed_orgs(session: AsyncSession, actor: Actor) -> dict[int, Organization]:
    """Where the actor may announce: curated schools; coordinated organisations and all below."""
    ids = actor.org_ids(Role.curator) | await descendants(session, actor.org_ids(Role.coordinator))
    if not ids:
        return {}
    rows = await session.scalars(select(Organization).where(Organization.id.in_(ids)))
    return {org.id: org for org in rows.all()}


def _roles_for(org: Organization) -> list[Role]:
    # A school has no coordinators of its own.
    if org.level == OrgLevel.school:
        return [Role.mentor, Role.mentee, Role.curator]
    return list(announcements.ROLES)


async def _draft(state: FSMContext) -> dict[str, Any]:
    return dict((await state.get_data()).get(KEY) or {})


async def _scopes_screen(session: AsyncSession, actor: Actor) -> tuple[str, InlineKeyboardMarkup]:
    rows = []
    for school_id in sorted(actor.org_ids(Role.curator)):
        org = await session.get(Organization, school_id)
        if org is not None:
            rows.append([_button(f"🏫 {_short(org.name)}", AnScope(org=org.id))])
    for org_id in sorted(actor.org_ids(Role.coordinator)):
        org = await session.get(Organization, org_id)
        if org is None:
            continue
        rows.append(
            [_button(_("🏛 All of {name}").format(name=_short(org.name)), AnScope(org=org.id))]
        )
        rows.append(
            [
                _button(
                    _("🏫 One school of {name}").format(name=_short(org.name)),
                    AnSchools(parent=org.id),
                )
            ]
        )
    if await announcements.recent(session, actor.person_id, 1):
        rows.append([_button(_("📊 Sent announcements"), AnStep(step="history"))])
    rows.append([cancel_button()])
    return _("<b>Announcement</b>\nWhom is it for? Choose the organisation."), _markup(rows)


async def announce_requested(
    message: Message, state: FSMContext, session: AsyncSession, actor: Actor
) -> None:
    await state.clear()
    await state.set_state(Announcing.scope)
    await state.update_data({KEY: {"key": secrets.token_hex(8), "roles": []}})
    text, markup = await _scopes_screen(session, actor)
    await message.answer(text, reply_markup=markup)


async def schools_pressed(
    query: CallbackQuery, callback_data: AnSchools, session: AsyncSession, actor: Actor
) -> None:
    allowed = await allowed_orgs(session, actor)
    if callback_data.parent not in actor.org_ids(Role.coordinator):
        await query.answer(_("This organisation is not in your scope."), show_alert=True)
        return
    await query.answer()
    below = await descendants(session, {callback_data.parent})
    schools = sorted(
        (org for org in allowed.values() if org.id in below and org.level == OrgLevel.school),
        key=lambda org: org.name,
    )
    page = max(callback_data.page, 0)
    shown = schools[page * SCHOOLS_PAGE : (page + 1) * SCHOOLS_PAGE]
    rows = [[_button(f"🏫 {_short(org.name)}", AnScope(org=org.id))] for org in shown]
    navigation = []
    if page > 0:
        navigation.append(_button("◀", AnSchools(parent=callback_data.parent, page=page - 1)))
    if (page + 1) * SCHOOLS_PAGE < len(schools):
        navigation.append(_button("▶", AnSchools(parent=callback_data.parent, page=page + 1)))
    if navigation:
        rows.append(navigation)
    rows.append([_button(_("◀ Back"), AnStep(step="scopes"))])
    text = _("Which school?") if schools else _("There are no schools here yet.")
    if isinstance(query.message, Message):
        await replace_screen(query.message, text, _markup(rows))


def _roles_screen(org: Organization, chosen: list[str]) -> tuple[str, InlineKeyboardMarkup]:
    rows = []
    for role in _roles_for(org):
        mark = "✅" if role in chosen else "▫️"
        rows.append([_button(f"{mark} {_plural_role(role)}", AnRole(role=role))])
    rows.append([_button(_("Next ▶"), AnRole(role="next"))])
    rows.append([_button(_("◀ Back"), AnStep(step="scopes")), cancel_button()])
    text = _("<b>{name}</b>\nWho receives it? Tick the roles.").format(name=escape(org.name))
    return text, _markup(rows)


def _plural_role(role: str) -> str:
    return {
        Role.mentor: _("mentors"),
        Role.mentee: _("mentees"),
        Role.curator: _("curators"),
        Role.coordinator: _("coordinators"),
    }[Role(role)]


async def scope_pressed(
    query: CallbackQuery,
    callback_data: AnScope,
    state: FSMContext,
    session: AsyncSession,
    actor: Actor,
) -> None:
    org = (await allowed_orgs(session, actor)).get(callback_data.org)
    if org is None:
        await query.answer(_("This organisation is not in your scope."), show_alert=True)
        return
    await query.answer()
    draft = await _draft(state)
    draft.update(org=org.id, roles=[r for r in draft.get("roles", []) if r in _roles_for(org)])
    await state.update_data({KEY: draft})
    await state.set_state(Announcing.roles)
    text, markup = _roles_screen(org, draft["roles"])
    if isinstance(query.message, Message):
        await replace_screen(query.message, text, markup)


async def role_pressed(
    query: CallbackQuery,
    callback_data: AnRole,
    state: FSMContext,
    session: AsyncSession,
    actor: Actor,
) -> None:
    draft = await _draft(state)
    org = (await allowed_orgs(session, actor)).get(draft.get("org", 0))
    message = query.message if isinstance(query.message, Message) else None
    if org is None:
        await query.answer(_("This organisation is not in your scope."), show_alert=True)
        return
    roles = list(draft.get("roles", []))
    if callback_data.role == "next":
        if not roles:
            await query.answer(_("Tick at least one role."), show_alert=True)
            return
        await query.answer()
        await state.set_state(Announcing.text)
        if message:
            await message.edit_reply_markup(reply_markup=None)
            await _ask_text(message)
        return
    if callback_data.role not in _roles_for(org):
        await query.answer(_("This button is no longer active."), show_alert=True)
        return
    await query.answer()
    if callback_data.role in roles:
        roles.remove(callback_data.role)
    else:
        roles.append(callback_data.role)
    draft["roles"] = roles
    await state.update_data({KEY: draft})
    if message:
        text, markup = _roles_screen(org, roles)
        await replace_screen(message, text, markup)


async def _ask_text(message: Message) -> None:
    low, high = announcements.TEXT_LENGTH
    await message.answer(
        ngettext(
            "Write the text of the announcement ({min}–{max} character).",
            "Write the text of the announcement ({min}–{max} characters).",
            high,
        ).format(min=low, max=high),
        reply_markup=_markup([[cancel_button()]]),
    )


def sender_of(actor: Actor, org: Organization) -> str:
    return f"{actor.full_name or '—'}, {org.name}"


async def text_typed(
    message: Message, state: FSMContext, session: AsyncSession, actor: Actor
) -> None:
    text = (message.text or "").strip()
    low, high = announcements.TEXT_LENGTH
    if not low <= len(text) <= high:
        await message.answer(
            ngettext(
                "The announcement must be {min} to {max} character long; yours has {count}. "
                "Please write it again.",
                "The announcement must be {min} to {max} characters long; yours has {count}. "
                "Please write it again.",
                high,
            ).format(min=low, max=high, count=len(text))
        )
        return
    draft = await _draft(state)
    org = (await allowed_orgs(session, actor)).get(draft.get("org", 0))
    if org is None:
        await state.clear()
        await message.answer(_("This organisation is not in your scope."))
        return
    draft["text"] = text
    await state.update_data({KEY: draft})
    await state.set_state(Announcing.preview)
    await _preview(message, session, actor, org, draft)


async def _preview(
    message: Message, session: AsyncSession, actor: Actor, org: Organization, draft: dict
) -> None:
    found = await announcements.recipients(session, org.id, draft["roles"], exclude=actor.person_id)
    roles = ", ".join(_plural_role(r) for r in draft["roles"])
    rendered = render_announcement({"text": draft["text"], "sender": sender_of(actor, org)})
    lines = [
        _("<b>Preview</b> · {name} · {roles}").format(name=escape(org.name), roles=roles),
        _("Recipients: {count}").format(count=len(found)),
        "",
        rendered.text,
    ]
    rows = []
    if found:
        rows.append(
            [
                _button(
                    _("✔ Send to {count}").format(count=len(found)),
                    AnStep(step="send", key=draft["key"]),
                )
            ]
        )
    else:
        lines += ["", _("Nobody to send it to: choose other roles or another organisation.")]
    rows.append(
        [
            _button(_("✎ Change the text"), AnStep(step="text")),
            _button(_("◀ Recipients"), AnStep(step="roles")),
        ]
    )
    rows.append([cancel_button()])
    await message.answer("\n".join(lines), reply_markup=_markup(rows))


async def step_pressed(
    query: CallbackQuery,
    callback_data: AnStep,
    state: FSMContext,
    session: AsyncSession,
    actor: Actor,
    clock: Clock,
    settings: Settings,
) -> None:
    message = query.message if isinstance(query.message, Message) else None
    step = callback_data.step
    if step == "history":
        await query.answer()
        if message:
            await _history(message, session, actor)
        return
    if step == "send":
        await _send(query, callback_data.key, state, session, actor, clock, settings)
        return
    draft = await _draft(state)
    if not draft:
        await query.answer(
            _("This button is no longer active. Send /help to start again."), show_alert=True
        )
        return
    await query.answer()
    if not message:
        return
    if step == "scopes":
        await state.set_state(Announcing.scope)
        text, markup = await _scopes_screen(session, actor)
        await replace_screen(message, text, markup)
    elif step == "roles":
        org = (await allowed_orgs(session, actor)).get(draft.get("org", 0))
        if org is None:
            return
        await state.set_state(Announcing.roles)
        await message.edit_reply_markup(reply_markup=None)
        text, markup = _roles_screen(org, draft.get("roles", []))
        await message.answer(text, reply_markup=markup)
    elif step == "text":
        await state.set_state(Announcing.text)
        await message.edit_reply_markup(reply_markup=None)
        await _ask_text(message)


async def _send(
    query: CallbackQuery,
    key: str,
    state: FSMContext,
    session: AsyncSession,
    actor: Actor,
    clock: Clock,
    settings: Settings,
) -> None:
    message = query.message if isinstance(query.message, Message) else None
    draft = await _draft(state)
    sent = await announcements.find(session, key) if key else None
    if sent is not None and sent.author_id == actor.person_id:
        # A repeated tap: it went once; the counts are under "Sent announcements".
        await query.answer(_("This announcement has been sent already."), show_alert=True)
        return
    if sent is not None or draft.get("key") != key or not draft.get("text"):
        await query.answer(
            _("This button is no longer active. Send /help to start again."), show_alert=True
        )
        return
    org = (await allowed_orgs(session, actor)).get(draft.get("org", 0))
    roles = [r for r in draft.get("roles", []) if org and r in _roles_for(org)]
    if org is None or not roles:
        await query.answer(_("This organisation is not in your scope."), show_alert=True)
        return
    sent = await announcements.send(
        session,
        key=key,
        author_id=actor.person_id,
        org_id=org.id,
        roles=roles,
        text=draft["text"],
        sender=sender_of(actor, org),
        now=clock.now(),
        default_timezone=settings.default_timezone,
    )
    await state.clear()
    await query.answer()
    if message:
        await message.edit_reply_markup(reply_markup=None)
        text, markup = await status_screen(session, sent)
        await message.answer(text, reply_markup=markup)


async def status_screen(
    session: AsyncSession, sent: Announcement
) -> tuple[str, InlineKeyboardMarkup]:
    progress = await announcements.progress(session, sent.id)
    org = await session.get(Organization, sent.org_id)
    lines = [
        _("<b>Announcement of {date}</b> · {name}").format(
            date=show_date(sent.created_at.date()), name=escape(org.name if org else "—")
        ),
        _("Roles: {roles}").format(roles=", ".join(_plural_role(r) for r in sent.roles)),
        _("Recipients: {count}").format(count=sent.recipients),
        "",
        _("✅ delivered: {count}").format(count=progress.delivered),
        _("🚫 blocked the bot: {count}").format(count=progress.blocked),
        _("⚠ failed: {count}").format(count=progress.failed),
        _("⏳ waiting: {count}").format(count=progress.waiting),
    ]
    if progress.waiting:
        lines += [
            "",
            _(
                "Messages go out at Telegram's pace and never at night in the recipient's time "
                "zone (pupils: not after 20:00)."
            ),
        ]
    rows = [[_button(_("↻ Refresh"), AnStatus(announcement_id=sent.id))]]
    return "\n".join(lines), _markup(rows)


async def status_pressed(
    query: CallbackQuery, callback_data: AnStatus, session: AsyncSession, actor: Actor
) -> None:
    sent = await session.get(Announcement, callback_data.announcement_id)
    if sent is None or sent.author_id != actor.person_id:
        await query.answer(_("This announcement is not yours."), show_alert=True)
        return
    await query.answer()
    if isinstance(query.message, Message):
        text, markup = await status_screen(session, sent)
        await replace_screen(query.message, text, markup)


async def _history(message: Message, session: AsyncSession, actor: Actor) -> None:
    rows = []
    for sent in await announcements.recent(session, actor.person_id):
        label = f"{show_date(sent.created_at.date())} · {_short(sent.text, 35)}"
        rows.append([_button(label, AnStatus(announcement_id=sent.id))])
    rows.append([_button(_("◀ Back"), AnStep(step="scopes"))])
    await replace_screen(message, _("Your latest announcements:"), _markup(rows))


async def buttons_expected(message: Message) -> None:
    await message.answer(_("Please answer with the buttons under the question."))


def build_router() -> Router:
    router = Router(name="announce")
    allowed = Allowed("announce")
    text = ~F.text.startswith("/")
    router.message.register(announce_requested, Command("announce"), allowed)
    router.callback_query.register(schools_pressed, AnSchools.filter(), allowed)
    router.callback_query.register(scope_pressed, Announcing.scope, AnScope.filter(), allowed)
    router.callback_query.register(role_pressed, Announcing.roles, AnRole.filter(), allowed)
    router.callback_query.register(step_pressed, AnStep.filter(), allowed)
    router.callback_query.register(status_pressed, AnStatus.filter(), allowed)
    router.message.register(text_typed, Announcing.text, text, allowed)
    router.message.register(buttons_expected, Announcing.scope, text)
    router.message.register(buttons_expected, Announcing.roles, text)
    router.message.register(buttons_expected, Announcing.preview, text)
    return router
