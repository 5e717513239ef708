"""The new value of an organisation's field: typed or chosen, checked, shown with what it
changes (for a time zone: which reminders move and that deadlines stay on their dates),
then saved on confirmation, once, from the value the person saw.

The change under way is kept in the FSM data (EDIT_KEY); the scope is checked again at
each step, since a coordinator may lose a role in the meantime.
"""

from __future__ import annotations

import secrets
from datetime import datetime
from html import escape
from typing import Any

from aiogram import F, Router
from aiogram.fsm.context import FSMContext
from aiogram.types import CallbackQuery, InlineKeyboardMarkup, Message
from aiogram.utils.i18n import gettext as _
from aiogram.utils.i18n import ngettext
from sqlalchemy.ext.asyncio import AsyncSession

from handlers.access import Allowed
from handlers.forms.typed import REJECTED, parse_typed
from handlers.orgs.edit import inherited_zone, value_text
from handlers.orgs.edit_common import (
    DONE_KEY,
    EDIT_KEY,
    OrgConfirm,
    OrgEditing,
    OrgValue,
    OrgView,
    button,
    field_of,
    org_in_care,
)
from handlers.orgs.fields import INHERIT, KIND, offset_minutes, utc_offset, zone_title
from handlers.system.cancel import cancel_button
from handlers.ui.screens import replace_screen
from storage.clock import Clock
from storage.models.orgs import Organization
from storage.orgs.changes import (
    Applied,
    OrgChangeProblem,
    Problem,
    ZoneMove,
    apply_change,
    check_change,
    zone_move,
)
from storage.people.actor import Actor
from storage.settings import Settings


def shift_phrase(minutes: int) -> str:
    """How much earlier (east) or later (west) 10:00 local comes after the change."""
    if minutes == 0:
        return _("at the same moment as before")
    hours, rest = divmod(abs(minutes), 60)
    if rest:
        if minutes > 0:
            return _("{hours} h {minutes} min earlier than before").format(
                hours=hours, minutes=rest
            )
        return _("{hours} h {minutes} min later than before").format(hours=hours, minutes=rest)
    if minutes > 0:
        text = ngettext(
            "{count} hour earlier than before", "{count} hours earlier than before", hours
        )
    else:
        text = ngettext("{count} hour later than before", "{count} hours later than before", hours)
    return text.format(count=hours)


def zone_consequences(move: ZoneMove, now: datetime) -> list[str]:
    """What a change of time zone moves, said before it is confirmed."""
    if not move.moves:
        return [
            _("The zone in effect stays {zone}: no reminder or deadline moves.").format(
                zone=zone_title(move.new, now)
            )
        ]
    lines = []
    below = len(move.org_ids) - 1
    if below:
        lines.append(
            ngettext(
                "It also applies to {count} organisation below that has no zone of its own.",
                "It also applies to {count} organisations below that have no zone of their own.",
                below,
            ).format(count=below)
        )
    shift = offset_minutes(move.new, now) - offset_minutes(move.old, now)
    lines.append(
        _("• Reminders go at 10:00 local time: from now on at 10:00 {offset}, {shift}.").format(
            offset=utc_offset(move.new, now), shift=shift_phrase(shift)
        )
    )
    if move.reminders:
        lines.append(
            ngettext(
                "• {count} reminder already planned and waiting to be sent moves with it and "
                "keeps its local time.",
                "• {count} reminders already planned and waiting to be sent move with it and "
                "keep their local time.",
                move.reminders,
            ).format(count=move.reminders)
        )
    else:
        lines.append(_("• No reminder is waiting to be sent right now."))
    if move.announcements:
        lines.append(
            ngettext(
                "• {count} announcement waiting to be sent keeps its time; quiet hours "
                "(21:00–09:00) follow the new zone.",
                "• {count} announcements waiting to be sent keep their time; quiet hours "
                "(21:00–09:00) follow the new zone.",
                move.announcements,
            ).format(count=move.announcements)
        )
    lines.append(
        _(
            "• Dates do not move: campaign deadlines and opening days, programme end dates and "
            "meeting dates stay the same calendar dates; a deadline day now ends at midnight "
            "{offset}."
        ).format(offset=utc_offset(move.new, now))
    )
    lines.append(_("• Messages already sent stay as they are."))
    return lines


async def _question(
    session: AsyncSession,
    settings: Settings,
    clock: Clock,
    org: Organization,
    key: str,
    old: str | None,
    new: str | None,
) -> str:
    now = clock.now()
    name = escape(org.name)
    if key == "name":
        return _(
            "Rename «{old}» to «{new}»?\n\nLists, summaries, reports and exports show the new "
            "name from now on; invitations already sent keep working. Files downloaded earlier "
            "keep the old name."
        ).format(old=name, new=escape(new or ""))
    if key == "school_kind":
        return _("Change the kind of «{name}»: {old} → {new}?").format(
            name=name, old=KIND.label_of(old or ""), new=KIND.label_of(new or "")
        )
    inherited = await inherited_zone(session, org, settings)
    move = await zone_move(session, org, new, settings.default_timezone)
    lines = [
        _("Change the time zone of «{name}»: {old} → {new}?").format(
            name=name,
            old=escape(value_text(key, old, inherited, now)),
            new=escape(value_text(key, new, inherited, now)),
        ),
        "",
        *zone_consequences(move, now),
    ]
    return "\n".join(lines)


def problem_text(problem: Problem, org: Organization, value: str | None) -> str:
    if problem == Problem.unchanged:
        return _(
            "That is the current value; nothing to change. Choose or send another, or /cancel."
        )
    if problem == Problem.duplicate:
        return _(
            "Another organisation there is already called «{name}». Send another name, or /cancel."
        ).format(name=escape(value or ""))
    if problem == Problem.name_length:
        return _("A name is 2 to 300 characters. Send another one, or /cancel.")
    if problem == Problem.changed_meanwhile:
        return _(
            "Someone else has just changed «{name}»; nothing was saved. Open it again with /orgs."
        ).format(name=escape(org.name))
    return _("This button is no longer active.")


async def _current(
    session: AsyncSession, actor: Actor, state: FSMContext
) -> tuple[dict[str, Any], Organization] | None:
    edit = (await state.get_data()).get(EDIT_KEY)
    if not edit:
        return None
    org = await org_in_care(session, actor, edit["org_id"])
    return (edit, org) if org is not None else None


async def _propose(
    value: str | None,
    session: AsyncSession,
    actor: Actor,
    settings: Settings,
    clock: Clock,
    state: FSMContext,
) -> tuple[str, InlineKeyboardMarkup | None]:
    """The question that confirms the change, or why the value cannot be taken (no keyboard:
    nothing changes and the question for a value stays open)."""
    current = await _current(session, actor, state)
    if current is None:
        await state.set_state(None)
        return _("This organisation is not yours to change."), None
    edit, org = current
    key = edit["field"]
    new = None if value == INHERIT else value
    try:
        new = await check_change(session, org, key, new)
    except OrgChangeProblem as problem:
        return problem_text(problem.problem, org, new), None
    edit.update(old=getattr(org, key), new=new, key=secrets.token_hex(4))
    await state.update_data({EDIT_KEY: edit})
    await state.set_state(OrgEditing.confirming)
    text = await _question(session, settings, clock, org, key, edit["old"], new)
    markup = InlineKeyboardMarkup(
        inline_keyboard=[
            [button(_("✔ Change"), OrgConfirm(key=edit["key"]))],
            [button(_("◀ Back"), OrgView(org_id=org.id)), cancel_button()],
        ]
    )
    return text, markup


async def value_typed(
    message: Message,
    session: AsyncSession,
    actor: Actor,
    settings: Settings,
    clock: Clock,
    state: FSMContext,
) -> None:
    current = await _current(session, actor, state)
    field = field_of(current[1], current[0]["field"]) if current is not None else None
    if field is None:
        await state.set_state(None)
        await message.answer(_("This organisation is not yours to change."))
        return
    value = await parse_typed(message, field, clock.now().date())
    if value is REJECTED:
        return
    text, markup = await _propose(value, session, actor, settings, clock, state)
    await message.answer(text, reply_markup=markup)


async def value_pressed(
    query: CallbackQuery,
    callback_data: OrgValue,
    session: AsyncSession,
    actor: Actor,
    settings: Settings,
    clock: Clock,
    state: FSMContext,
) -> None:
    current = await _current(session, actor, state)
    message = query.message
    if current is None or not isinstance(message, Message):
        await query.answer(_("This organisation is not yours to change."), show_alert=True)
        return
    edit, org = current
    field = field_of(org, edit["field"])
    if field is None or callback_data.value not in {c.value for c in field.choices}:
        await query.answer(_("This button is no longer active."), show_alert=True)
        return
    text, markup = await _propose(callback_data.value, session, actor, settings, clock, state)
    if markup is None:  # refused: the choices stay for another one
        await query.answer(text, show_alert=True)
        return
    await query.answer()
    chosen = escape(field.label_of(callback_data.value))
    await replace_screen(message, f"{message.html_text}\n\n→ <b>{chosen}</b>", None)
    await message.answer(text, reply_markup=markup)


def result_text(org: Organization, key: str, applied: Applied, now: datetime) -> str:
    name = escape(org.name)
    if key == "name":
        return _("Saved: «{old}» is now «{new}».").format(old=escape(applied.old or ""), new=name)
    if key == "school_kind":
        return _("Saved: «{name}» is now {kind}.").format(
            name=name, kind=KIND.label_of(applied.new or "")
        )
    text = _("Saved: the time zone of «{name}» has changed.").format(name=name)
    if applied.rezoned is not None and applied.rezoned.reminders:
        count = applied.rezoned.reminders
        text += "\n" + ngettext(
            "{count} waiting reminder now goes by the new zone.",
            "{count} waiting reminders now go by the new zone.",
            count,
        ).format(count=count)
    return text


async def confirm_pressed(
    query: CallbackQuery,
    callback_data: OrgConfirm,
    session: AsyncSession,
    actor: Actor,
    settings: Settings,
    clock: Clock,
    state: FSMContext,
) -> None:
    data = await state.get_data()
    edit = data.get(EDIT_KEY)
    message = query.message
    if not edit or edit.get("key") != callback_data.key or not isinstance(message, Message):
        if data.get(DONE_KEY) == callback_data.key:
            await query.answer(_("Saved."))  # a repeated tap: the first one saved it
        else:
            await query.answer(_("This button is no longer active."), show_alert=True)
        return
    org = await org_in_care(session, actor, edit["org_id"], query)
    if org is None:
        await state.set_state(None)
        return
    key = edit["field"]
    try:
        applied = await apply_change(
            session,
            org_id=org.id,
            field=key,
            expected=edit["old"],
            new=edit["new"],
            by=actor.person_id,
            now=clock.now(),
            default_zone=settings.default_timezone,
        )
    except OrgChangeProblem as problem:
        await state.set_state(None)
        await state.update_data({EDIT_KEY: None})
        await query.answer()
        await replace_screen(message, problem_text(problem.problem, org, edit["new"]), None)
        return
    await state.set_state(None)
    await state.update_data({EDIT_KEY: None, DONE_KEY: callback_data.key})
    await query.answer(_("Saved."))
    markup = InlineKeyboardMarkup(
        inline_keyboard=[[button(_("◀ To the organisation"), OrgView(org_id=org.id))]]
    )
    await replace_screen(message, result_text(org, key, applied, clock.now()), markup)


async def confirming_typed(message: Message) -> None:
    await message.answer(_("Please confirm or cancel with the buttons above."))


def build_router() -> Router:
    router = Router(name="orgs_edit_value")
    allowed = Allowed("orgs")
    not_command = ~F.text.startswith("/")
    router.message.register(value_typed, OrgEditing.value, not_command, allowed)
    router.callback_query.register(value_pressed, OrgEditing.value, OrgValue.filter(), allowed)
    router.message.register(confirming_typed, OrgEditing.confirming, not_command, allowed)
    # Any state: a repeated tap arrives after the first one has left the conversation.
    router.callback_query.register(confirm_pressed, OrgConfirm.filter(), allowed)
    return router
