"""Closing a programme (the mentor or the curator): the actual end date, the results, a link
to a case or review, the completion mark, a summary to confirm. The members are told."""

from __future__ import annotations

from datetime import date
from typing import Any

from aiogram import Bot, F, Router
from aiogram.fsm.context import FSMContext
from aiogram.types import CallbackQuery, Message
from aiogram.utils.i18n import I18n
from aiogram.utils.i18n import gettext as _
from sqlalchemy.ext.asyncio import AsyncSession

from handlers.access import Allowed
from handlers.forms.fields import Field, text
from handlers.forms.typed import REJECTED, parse_typed
from handlers.programmes.card import show_card
from handlers.programmes.close_steps import (
    CLOSE_KEY,
    CloseButton,
    Closing,
    ask_completed,
    ask_link,
    ask_results,
    current_step,
    link_parser,
    markup,
    summary,
)
from handlers.programmes.common import (
    ProgrammeAction,
    checked,
    date_parser,
    school_today,
    show_date,
)
from handlers.programmes.notify import on_programme_closed, tell_members_of_closing
from storage.clock import Clock
from storage.people.actor import Actor
from storage.programmes.content import (
    RESULTS_LENGTH,
    ContentError,
    close_programme,
)
from storage.settings import Settings


async def close_pressed(
    query: CallbackQuery,
    callback_data: ProgrammeAction,
    session: AsyncSession,
    actor: Actor,
    clock: Clock,
    settings: Settings,
    state: FSMContext,
) -> None:
    access = await checked(query, session, actor, callback_data.programme_id, "closes")
    if access is None or not isinstance(query.message, Message):
        return
    await query.answer()
    p = access.programme
    today = await school_today(session, settings, clock, p.school_id)
    await state.set_state(Closing.ended_on)
    await state.update_data({CLOSE_KEY: {"pid": p.id, "today": today.isoformat()}})
    await query.message.answer(
        _(
            "Closing the programme. When did it actually end? Send the date as DD.MM.YYYY "
            "(from {start} to {today}) or press «Today»."
        ).format(start=show_date(min(p.starts_on, today)), today=show_date(today)),
        reply_markup=markup((_("Today"), "today")),
    )


async def typed(message: Message, session: AsyncSession, actor: Actor, state: FSMContext) -> None:
    current = await current_step(message, session, actor, state)
    if current is None:
        return
    data, p = current
    step = await state.get_state()
    today = date.fromisoformat(data["today"])
    # A pair dissolved before its start ends on the day it is closed.
    parsers = {
        Closing.ended_on.state: date_parser(min(p.starts_on, today), today),
        Closing.results.state: text(*RESULTS_LENGTH),
        Closing.link.state: link_parser,
    }
    value = await parse_typed(message, Field(step, step, step, parse=parsers[step]), today)
    if value is REJECTED:
        return
    if step == Closing.ended_on.state:
        await ask_results(message, state, {**data, "ended_on": value})
    elif step == Closing.results.state:
        await ask_link(message, state, {**data, "results": value})
    else:
        await ask_completed(message, state, {**data, "link": value})


async def pressed(
    query: CallbackQuery,
    callback_data: CloseButton,
    session: AsyncSession,
    actor: Actor,
    clock: Clock,
    settings: Settings,
    state: FSMContext,
    bot: Bot,
    i18n: I18n,
) -> None:
    message = query.message
    if not isinstance(message, Message):
        return
    step, action = await state.get_state(), callback_data.action
    expected = {
        "today": Closing.ended_on.state,
        "nolink": Closing.link.state,
        "yes": Closing.completed.state,
        "no": Closing.completed.state,
        "confirm": Closing.confirm.state,
    }
    if expected.get(action) != step:
        await query.answer(_("This button is no longer active."), show_alert=True)
        return
    await query.answer()
    await message.edit_reply_markup(reply_markup=None)
    current = await current_step(message, session, actor, state)
    if current is None:
        return
    data = current[0]
    if action == "today":
        await ask_results(message, state, {**data, "ended_on": data["today"]})
    elif action == "nolink":
        await ask_completed(message, state, {**data, "link": None})
    elif action in ("yes", "no"):
        data["completed"] = action == "yes"
        await state.set_state(Closing.confirm)
        await state.update_data({CLOSE_KEY: data})
        await message.answer(
            summary(data), reply_markup=markup((_("✔ Close the programme"), "confirm"))
        )
    else:
        await _close(message, session, actor, clock, settings, state, bot, i18n, data)


async def buttons_expected(message: Message) -> None:
    await message.answer(_("Please answer with the buttons under the question."))


async def _close(
    message: Message,
    session: AsyncSession,
    actor: Actor,
    clock: Clock,
    settings: Settings,
    state: FSMContext,
    bot: Bot,
    i18n: I18n,
    data: dict[str, Any],
) -> None:
    await state.update_data({CLOSE_KEY: None})
    await state.set_state(None)
    try:
        programme = await close_programme(
            session,
            data["pid"],
            actor.person_id,
            date.fromisoformat(data["ended_on"]),
            data["results"],
            data["link"],
            data["completed"],
            clock.now(),
        )
    except ContentError:  # someone else closed it a moment earlier
        await message.answer(_("The programme is closed; it can no longer be changed."))
        return
    await message.answer(_("The programme is closed."))
    await show_card(message, session, actor, programme.id, edit=False)
    await tell_members_of_closing(bot, i18n, session, settings, programme)
    await on_programme_closed(session, programme, actor.person_id, bot, i18n)


def build_router() -> Router:
    router = Router(name="programme_close")
    allowed = Allowed("programme")
    router.callback_query.register(
        close_pressed, ProgrammeAction.filter(F.action == "close"), allowed
    )
    for step in (Closing.ended_on, Closing.results, Closing.link):
        router.message.register(typed, step, ~F.text.startswith("/"), allowed)
    for step in (Closing.completed, Closing.confirm):
        router.message.register(buttons_expected, step, ~F.text.startswith("/"), allowed)
    router.callback_query.register(pressed, CloseButton.filter(), allowed)
    return router
