"""/campaign: a coordinator sees the municipality's current and next monitoring campaigns
with their response counts, moves dates, closes early, reopens, extends, and sets the rules.

A regional coordinator chooses a municipality or changes the nearest campaign (or the rules)
of all of them at once; such a change is checked for every municipality first and made for
all or none. Campaigns are ensured when the screen opens, so there is always one to see.
"""

from __future__ import annotations

from datetime import timedelta

from aiogram import Router
from aiogram.filters import Command
from aiogram.fsm.context import FSMContext
from aiogram.types import CallbackQuery, Message
from aiogram.utils.i18n import gettext as _
from sqlalchemy.ext.asyncio import AsyncSession

from handlers.access import Allowed
from handlers.campaigns.common import (
    ALL,
    CHOOSE,
    CampAct,
    CampOpen,
    CampSet,
    checked_targets,
    chosen_campaigns,
    local_today,
)
from handlers.campaigns.input import ask_value, finish_input, problem_text
from handlers.campaigns.results import send_results
from handlers.campaigns.screen import (
    campaign_title,
    card_screen,
    choice_screen,
    confirm_close_screen,
    confirm_reopen_screen,
    municipality_screen,
    screen_of,
    settings_screen,
)
from handlers.catalogue.common import municipalities, show
from storage.campaigns.changes import (
    CampaignProblem,
    change_rules,
    check_dates,
    check_rules,
    close_early,
    is_superseded,
    reopen,
    set_dates,
)
from storage.campaigns.core import rules_for
from storage.clock import Clock
from storage.people.actor import Actor
from storage.settings import Settings


async def campaign_requested(
    message: Message,
    session: AsyncSession,
    actor: Actor,
    state: FSMContext,
    clock: Clock,
    settings: Settings,
) -> None:
    await finish_input(state)
    found = await municipalities(session, actor)
    if not found:
        await message.answer(_("There are no municipalities in your scope yet."))
        return
    if len(found) == 1:
        today = await local_today(session, settings, clock, found[0].id)
        text, keyboard = await municipality_screen(session, found[0], today, clock.now(), False)
    else:
        text, keyboard = choice_screen(found)
    await message.answer(text, reply_markup=keyboard)


async def open_pressed(
    query: CallbackQuery,
    callback_data: CampOpen,
    session: AsyncSession,
    actor: Actor,
    clock: Clock,
    settings: Settings,
) -> None:
    if callback_data.m == CHOOSE:
        found = await municipalities(session, actor)
        await query.answer()
        await show(query, *choice_screen(found, callback_data.page))
        return
    found = await checked_targets(query, session, actor, callback_data.m)
    if found is None:
        return
    await query.answer()
    await show(query, *await screen_of(session, settings, clock, actor, callback_data.m, found))


async def act_pressed(
    query: CallbackQuery,
    callback_data: CampAct,
    session: AsyncSession,
    actor: Actor,
    clock: Clock,
    settings: Settings,
    state: FSMContext,
) -> None:
    m, period, action = callback_data.m, callback_data.period, callback_data.action
    found = await checked_targets(query, session, actor, m)
    if found is None:
        return
    if m != ALL and not period:
        await query.answer(_("This button is no longer active."))
        return
    chosen = await chosen_campaigns(session, settings, clock, found, period)
    if not chosen:
        await query.answer(_("This campaign no longer exists."), show_alert=True)
        return
    now = clock.now()
    if action == "card" and m != ALL:
        org, campaign, today = chosen[0]
        await query.answer()
        await show(query, *await card_screen(session, org, campaign, today))
        return
    if action == "results" and m != ALL:
        org, campaign, today = chosen[0]
        await query.answer()
        await send_results(query, session, org, campaign, today)
        return
    if action in ("deadline", "opens"):
        await query.answer()
        await ask_value(query, state, m, period, action)
        return
    if action == "close":
        what = campaign_title(chosen[0][1]) if m != ALL else _("the nearest campaigns")
        await query.answer()
        await show(query, *confirm_close_screen(m, period, what))
        return
    closed = [(org, c, t) for org, c, t in chosen if c.closed_at is not None]
    if action in ("reopen", "reopen_ok"):
        for org, campaign, today in closed:
            if await is_superseded(session, campaign, today):
                await query.answer(
                    _("{name}: the next campaign has already opened.").format(name=org.name),
                    show_alert=True,
                )
                return
        if closed and action == "reopen":
            what = campaign_title(chosen[0][1]) if m != ALL else _("the nearest campaigns")
            # The smallest k of the municipalities: "only if at least k more" holds for all.
            k = min([(await rules_for(session, org.id)).min_respondents for org, _c, _t in closed])
            await query.answer()
            await show(query, *confirm_reopen_screen(m, period, what, k))
            return
    try:
        if action == "extend":
            for _org, campaign, _today in chosen:
                await check_dates(session, campaign, None, campaign.deadline + timedelta(days=7))
            for _org, campaign, today in chosen:
                new = campaign.deadline + timedelta(days=7)
                await set_dates(
                    session, campaign, deadline=new, today=today, now=now, actor_id=actor.person_id
                )
            notice = _("The deadline is now {deadline}.").format(
                deadline=chosen[0][1].deadline.strftime("%d.%m.%Y")
            )
        elif action == "close_ok":
            still_open = [c for _o, c, _t in chosen if c.closed_at is None]
            for campaign in still_open:
                await close_early(session, campaign, now, actor.person_id)
            notice = _("Closed.") if still_open else _("Already closed.")
        elif action in ("reopen", "reopen_ok"):
            for _org, campaign, today in closed:
                await reopen(session, campaign, today, now, actor.person_id)
            notice = _("Reopened.") if closed else _("Already open.")
        else:
            await query.answer(_("This button is no longer active."))
            return
    except CampaignProblem as error:
        await query.answer(problem_text(error.problem), show_alert=True)
        return
    await query.answer(notice)
    if m == ALL:
        await show(query, *await screen_of(session, settings, clock, actor, m, found))
    else:
        org, campaign, today = chosen[0]
        await show(query, *await card_screen(session, org, campaign, today))


async def set_pressed(
    query: CallbackQuery,
    callback_data: CampSet,
    session: AsyncSession,
    actor: Actor,
    clock: Clock,
    settings: Settings,
    state: FSMContext,
) -> None:
    m, what = callback_data.m, callback_data.what
    found = await checked_targets(query, session, actor, m)
    if found is None:
        return
    if what == "menu":
        await query.answer()
        await show(query, *await settings_screen(session, m, found))
        return
    if what in ("window", "winter", "spring", "k"):
        await query.answer()
        await ask_value(query, state, m, "", what)
        return
    if what != "formula":
        await query.answer(_("This button is no longer active."))
        return
    try:
        for org in found:
            await check_rules(session, org.id, satisfaction_formula=callback_data.value)
        for org in found:
            today = await local_today(session, settings, clock, org.id)
            await change_rules(
                session,
                org.id,
                today,
                clock.now(),
                actor.person_id,
                satisfaction_formula=callback_data.value,
            )
    except CampaignProblem as error:
        await query.answer(problem_text(error.problem), show_alert=True)
        return
    await query.answer(_("Saved."))
    await show(query, *await settings_screen(session, m, found))


def build_router() -> Router:
    router = Router(name="campaign")
    allowed = Allowed("campaign")
    router.message.register(campaign_requested, Command("campaign"), allowed)
    router.callback_query.register(open_pressed, CampOpen.filter(), allowed)
    router.callback_query.register(act_pressed, CampAct.filter(), allowed)
    router.callback_query.register(set_pressed, CampSet.filter(), allowed)
    return router
