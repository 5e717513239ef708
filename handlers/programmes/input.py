"""Typed answers for the programme: a text field, a comment, a plan item and its due date.

The programme and the change come from FSM data; the actor's right is checked again on
every answer, since the programme may have closed or the role changed in the meantime.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from aiogram import Bot, F, Router
from aiogram.fsm.context import FSMContext
from aiogram.types import CallbackQuery, InlineKeyboardMarkup, Message
from aiogram.utils.i18n import I18n
from aiogram.utils.i18n import gettext as _
from sqlalchemy.ext.asyncio import AsyncSession

from handlers.access import Allowed
from handlers.forms.fields import Field, text
from handlers.forms.typed import REJECTED, parse_typed
from handlers.programmes.card import show_card
from handlers.programmes.common import (
    INPUT_KEY,
    Access,
    InputButton,
    ProgrammeInput,
    button,
    date_parser,
    programme_access,
    refusal,
    show_date,
)
from handlers.programmes.notify import tell_mentors_of_comment
from handlers.system.cancel import cancel_button
from storage.clock import Clock
from storage.people.actor import Actor
from storage.programmes.content import (
    COMMENT_LENGTH,
    TEXT_LENGTH,
    TITLE_LENGTH,
    add_comment,
    add_plan_item,
    set_text,
)
from storage.settings import Settings


def _field(key: str, parse: Any) -> Field:
    # Only `parse` matters to parse_typed; the labels are never shown.
    return Field(key=key, label=key, prompt=key, parse=parse)


async def _current(
    message: Message, session: AsyncSession, actor: Actor, state: FSMContext, need: str
) -> tuple[dict[str, Any], Access] | None:
    data = (await state.get_data()).get(INPUT_KEY) or {}
    access = await programme_access(session, actor, data.get("pid", 0))
    if access is None or not getattr(access, need):
        await _finish(state)
        await message.answer(
            refusal(access) if access else _("This programme is not available to you.")
        )
        return None
    return data, access


async def _finish(state: FSMContext) -> None:
    await state.update_data({INPUT_KEY: None})
    await state.set_state(None)


async def text_typed(
    message: Message,
    session: AsyncSession,
    actor: Actor,
    clock: Clock,
    settings: Settings,
    state: FSMContext,
    bot: Bot,
    i18n: I18n,
) -> None:
    field = ((await state.get_data()).get(INPUT_KEY) or {}).get("field")
    need = "comments" if field == "comment" else "edits"
    current = await _current(message, session, actor, state, need)
    if current is None:
        return
    data, _access = current
    bounds = COMMENT_LENGTH if field == "comment" else TEXT_LENGTH
    value = await parse_typed(message, _field("text", text(*bounds)), clock.now().date())
    if value is REJECTED:
        return
    if field == "comment":
        await add_comment(session, data["pid"], actor.person_id, value, clock.now())
        await _finish(state)
        await message.answer(_("Your comment is saved; the mentor will see it."))
        await tell_mentors_of_comment(bot, i18n, session, settings, actor, data["pid"], value)
    else:
        await set_text(session, data["pid"], field, value, clock.now())
        await _finish(state)
        await message.answer(_("Saved."))
    await show_card(message, session, actor, data["pid"], edit=False)


async def title_typed(
    message: Message, session: AsyncSession, actor: Actor, clock: Clock, state: FSMContext
) -> None:
    current = await _current(message, session, actor, state, "edits")
    if current is None:
        return
    data, access = current
    value = await parse_typed(message, _field("title", text(*TITLE_LENGTH)), clock.now().date())
    if value is REJECTED:
        return
    await state.set_state(ProgrammeInput.plan_due)
    await state.update_data({INPUT_KEY: {**data, "title": value}})
    p = access.programme
    prompt = _(
        "By what date? Send it as DD.MM.YYYY, from {start} to {end}, or press «No date»."
    ).format(start=show_date(p.starts_on), end=show_date(p.planned_end_on))
    markup = InlineKeyboardMarkup(
        inline_keyboard=[[button(_("No date"), InputButton(action="nodate"))], [cancel_button()]]
    )
    await message.answer(prompt, reply_markup=markup)


async def due_typed(
    message: Message, session: AsyncSession, actor: Actor, clock: Clock, state: FSMContext
) -> None:
    current = await _current(message, session, actor, state, "edits")
    if current is None:
        return
    data, access = current
    p = access.programme
    parse = date_parser(p.starts_on, p.planned_end_on)
    value = await parse_typed(message, _field("due_on", parse), clock.now().date())
    if value is REJECTED:
        return
    await _add_item(message, session, actor, clock, state, data, date.fromisoformat(value))


async def no_date_pressed(
    query: CallbackQuery, session: AsyncSession, actor: Actor, clock: Clock, state: FSMContext
) -> None:
    message = query.message
    if not isinstance(message, Message):
        return
    await query.answer()
    await message.edit_reply_markup(reply_markup=None)
    current = await _current(message, session, actor, state, "edits")
    if current is not None:
        await _add_item(message, session, actor, clock, state, current[0], None)


async def _add_item(
    message: Message,
    session: AsyncSession,
    actor: Actor,
    clock: Clock,
    state: FSMContext,
    data: dict[str, Any],
    due_on: date | None,
) -> None:
    await add_plan_item(session, data["pid"], data["title"], due_on, clock.now())
    await _finish(state)
    await message.answer(_("The activity is added to the plan."))
    await show_card(message, session, actor, data["pid"], edit=False)


def build_router() -> Router:
    router = Router(name="programme_input")
    allowed = Allowed("programme")
    typed = ~F.text.startswith("/")  # commands pass through: /cancel and /help keep working
    router.message.register(text_typed, ProgrammeInput.text, typed, allowed)
    router.message.register(title_typed, ProgrammeInput.plan_title, typed, allowed)
    router.message.register(due_typed, ProgrammeInput.plan_due, typed, allowed)
    router.callback_query.register(
        no_date_pressed, ProgrammeInput.plan_due, InputButton.filter(F.action == "nodate"), allowed
    )
    return router
