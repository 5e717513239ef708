"""Values a coordinator types in /campaign: a campaign's dates, the window, the default
deadlines, the minimum of respondents.

What is being changed lives in the FSM data; when the value arrives the scope and the
campaign are looked up again, every municipality concerned is checked first, and the
change is made for all of them or for none. A refused value changes nothing and the
question stays open, so the person can type it again or /cancel.
"""

from __future__ import annotations

import re
from datetime import date, timedelta
from html import escape

from aiogram import F, Router
from aiogram.fsm.context import FSMContext
from aiogram.fsm.state import State, StatesGroup
from aiogram.types import CallbackQuery, Message
from aiogram.utils.i18n import gettext as _
from sqlalchemy.ext.asyncio import AsyncSession

from handlers.access import Allowed
from handlers.campaigns.common import ALL, chosen_campaigns, local_today, markup, targets
from handlers.campaigns.screen import card_screen, screen_of, settings_screen
from handlers.forms.fields import FieldError, integer
from handlers.programmes.common import date_parser
from handlers.system.cancel import cancel_button
from storage.campaigns.changes import (
    MAX_MIN_RESPONDENTS,
    MAX_WINDOW_DAYS,
    CampaignProblem,
    Problem,
    change_rules,
    check_dates,
    check_rules,
    set_dates,
)
from storage.campaigns.core import MIN_RESPONDENTS_FLOOR
from storage.clock import Clock
from storage.people.actor import Actor
from storage.settings import Settings

INPUT_KEY = "campaign_input"


class CampaignInput(StatesGroup):
    value = State()


def problem_text(problem: Problem) -> str:
    return {
        Problem.opens_after_deadline: _("The window must open before the deadline."),
        Problem.overlaps: _(
            "These dates overlap another campaign of the municipality; move that one first."
        ),
        Problem.superseded: _("The next campaign has already opened; this one cannot reopen."),
        Problem.not_closed: _("The campaign is open already."),
        Problem.closed: _("The campaign is closed already."),
        Problem.window: _("The window is from 1 to 60 days."),
        Problem.deadlines_too_close: _(
            "The two deadlines must be further apart than the window, or the campaigns overlap."
        ),
        Problem.min_respondents: _(
            "The minimum is from 3 to 50: fewer than three respondents could be recognised."
        ),
        Problem.formula: _("This button is no longer active."),
    }[problem]


def prompt(what: str) -> str:
    return {
        "deadline": _("New deadline? Answers on that day still count."),
        "opens": _("New opening date of the window?"),
        "window": _("How many days before the deadline should the window open? From 1 to 60."),
        "winter": _("Default deadline of the winter campaign, as DD.MM (e.g. 20.12)?"),
        "spring": _("Default deadline of the spring campaign, as DD.MM (e.g. 20.05)?"),
        "k": _(
            "Results are shown over at least how many respondents? From 3 to 50; "
            "below that the report says there are too few answers."
        ),
    }[what]


async def ask_value(
    query: CallbackQuery, state: FSMContext, m: int, period: str, what: str
) -> None:
    await state.set_state(CampaignInput.value)
    await state.update_data({INPUT_KEY: {"m": m, "period": period, "what": what}})
    text = prompt(what)
    if what in ("deadline", "opens"):
        hint = _("As DD.MM.YYYY, e.g. 25.12.2026.")
        text = f"{text}\n<i>{hint}</i>"
    if isinstance(query.message, Message):
        await query.message.answer(text, reply_markup=markup([[cancel_button()]]))


async def finish_input(state: FSMContext) -> None:
    if await state.get_state() != CampaignInput.value.state:
        return
    data = await state.get_data()
    data.pop(INPUT_KEY, None)
    await state.set_data(data)
    await state.set_state(None)


def day_month(raw: str, _today: date) -> str:
    """DD.MM of any year (29 February is refused: not every year has it) → MM-DD."""
    found = re.fullmatch(r"(\d{1,2})\.(\d{1,2})\.?", raw.strip())
    try:
        value = date(2001, int(found[2]), int(found[1])) if found else None
    except ValueError:
        value = None
    if value is None:
        raise FieldError(_("Expected a day and a month as DD.MM, e.g. 20.12."))
    return value.strftime("%m-%d")


async def value_typed(
    message: Message,
    session: AsyncSession,
    actor: Actor,
    clock: Clock,
    settings: Settings,
    state: FSMContext,
) -> None:
    task = (await state.get_data()).get(INPUT_KEY) or {}
    m, period, what = task.get("m", 0), task.get("period", ""), task.get("what", "")
    found = await targets(session, actor, m)
    if found is None or what not in ("deadline", "opens", "window", "winter", "spring", "k"):
        await finish_input(state)
        await message.answer(_("This municipality is not in your scope."))
        return
    today = clock.now().date()
    parse = {
        "deadline": date_parser(today - timedelta(days=366), today + timedelta(days=731)),
        "opens": date_parser(today - timedelta(days=366), today + timedelta(days=731)),
        "window": integer(1, MAX_WINDOW_DAYS),
        "k": integer(MIN_RESPONDENTS_FLOOR, MAX_MIN_RESPONDENTS),
        "winter": day_month,
        "spring": day_month,
    }[what]
    try:
        value = parse(message.text or "", today)
    except FieldError as error:
        again = _("Please try again.")
        await message.answer(f"{escape(str(error))}\n{again}")
        return
    now = clock.now()
    try:
        if what in ("deadline", "opens"):
            chosen = await chosen_campaigns(session, settings, clock, found, period)
            if not chosen:
                await finish_input(state)
                await message.answer(_("This campaign no longer exists."))
                return
            day = date.fromisoformat(value)
            change = {"deadline": day} if what == "deadline" else {"opens_on": day}
            for _org, campaign, _today in chosen:
                await check_dates(session, campaign, change.get("opens_on"), change.get("deadline"))
            for _org, campaign, local in chosen:
                await set_dates(
                    session, campaign, today=local, now=now, actor_id=actor.person_id, **change
                )
        else:
            field = {
                "window": "window_days",
                "k": "min_respondents",
                "winter": "winter_deadline",
                "spring": "spring_deadline",
            }[what]
            for org in found:
                await check_rules(session, org.id, **{field: value})
            for org in found:
                local = await local_today(session, settings, clock, org.id)
                await change_rules(session, org.id, local, now, actor.person_id, **{field: value})
    except CampaignProblem as error:
        again = _("Please try again.")
        await message.answer(f"{problem_text(error.problem)}\n{again}")
        return
    await finish_input(state)
    await message.answer(_("Saved."))
    if what in ("deadline", "opens") and m != ALL:
        org, campaign, local = chosen[0]
        text, keyboard = await card_screen(session, org, campaign, local)
    elif what in ("deadline", "opens"):
        text, keyboard = await screen_of(session, settings, clock, actor, m, found)
    else:
        text, keyboard = await settings_screen(session, m, found)
    await message.answer(text, reply_markup=keyboard)


def build_router() -> Router:
    router = Router(name="campaign_input")
    # Commands pass through, so /cancel and /help work while a value is awaited.
    router.message.register(
        value_typed, CampaignInput.value, ~F.text.startswith("/"), Allowed("campaign")
    )
    return router
