"""What the /campaign and /results modules share: callback data, the actor's scope, numbers.

Every callback carries a municipality id (or ALL) and a campaign's period; each handler
checks the municipality against the actor's scope again and finds the campaign inside it,
so a forged callback cannot reach another municipality's campaigns.
"""

from __future__ import annotations

from datetime import date
from zoneinfo import ZoneInfo

from aiogram.filters.callback_data import CallbackData
from aiogram.types import CallbackQuery, InlineKeyboardButton, InlineKeyboardMarkup
from aiogram.utils.i18n import get_i18n
from aiogram.utils.i18n import gettext as _
from babel.numbers import format_decimal
from sqlalchemy.ext.asyncio import AsyncSession

from handlers.catalogue.common import municipalities
from storage.campaigns.changes import find_campaign, in_view
from storage.campaigns.core import CampaignState
from storage.clock import Clock
from storage.models.orgs import Organization
from storage.models.surveys import Campaign
from storage.orgs.scope import effective_timezone
from storage.people.actor import Actor
from storage.settings import Settings
from storage.surveys.questionnaires.model import Audience, Occasion, Questionnaire

CHOOSE = 0  # the list of municipalities
ALL = -1  # every municipality of the coordinator's scope at once


class CampOpen(CallbackData, prefix="cp_o"):
    m: int  # municipality id, CHOOSE or ALL
    page: int = 0  # of the list of municipalities (CHOOSE)


class CampAct(CallbackData, prefix="cp_a"):
    m: int  # municipality id or ALL
    period: str  # the campaign's period (YYYY-MM); empty with ALL: each one's nearest
    # card, deadline, opens, extend, close, close_ok, reopen, reopen_ok, results
    action: str


class CampSet(CallbackData, prefix="cp_s"):
    m: int  # municipality id or ALL
    what: str  # menu, window, winter, spring, k, formula
    value: str = ""  # the formula chosen


class ResOpen(CallbackData, prefix="rs_o"):
    org: int  # a school (curators) or a municipality (coordinators); 0: the list of them
    period: str = ""  # empty: the latest campaign with results
    page: int = 0  # of the list; -1: the list as a new message (under the results)


def button(label: str, data: CallbackData) -> InlineKeyboardButton:
    return InlineKeyboardButton(text=label, callback_data=data.pack())


def markup(rows: list[list[InlineKeyboardButton]]) -> InlineKeyboardMarkup:
    return InlineKeyboardMarkup(inline_keyboard=rows)


async def targets(session: AsyncSession, actor: Actor, m: int) -> list[Organization] | None:
    """The municipalities an action on `m` touches (all of the scope for ALL), or None
    when `m` is not in the actor's scope."""
    found = await municipalities(session, actor)
    if m == ALL:
        return found if len(found) > 1 else None
    chosen = [org for org in found if org.id == m]
    return chosen or None


async def checked_targets(
    query: CallbackQuery, session: AsyncSession, actor: Actor, m: int
) -> list[Organization] | None:
    found = await targets(session, actor, m)
    if found is None:
        await query.answer(_("This municipality is not in your scope."), show_alert=True)
    return found


def number(value: float) -> str:
    """One decimal, the way the reader's language writes it: 88,9 in Russian."""
    return format_decimal(value, format="0.0", locale=get_i18n().current_locale)


def percent(value: float | None) -> str:
    return "—" if value is None else f"{number(value)} %"


def show_day(value: date) -> str:
    return value.strftime("%d.%m.%Y")


def state_title(state: CampaignState) -> str:
    return {
        CampaignState.upcoming: _("not open yet"),
        CampaignState.open: _("accepting answers"),
        CampaignState.late: _("past the deadline: answers are marked late"),
        CampaignState.closed: _("closed"),
    }[state]


def audience_title(audience: Audience) -> str:
    return {
        Audience.mentee: _("mentees"),
        Audience.mentor: _("mentors"),
        Audience.curator: _("curators"),
    }[audience]


def campaign_questionnaires() -> list[Questionnaire]:
    """The newest version of each questionnaire answered in a campaign: mentee, mentor, curator."""
    try:
        from storage.surveys.questionnaires import builtin
    except ImportError:  # the built-in definitions are not installed yet
        return []

    found = [builtin.latest(key) for key in builtin.keys()]
    order = {Audience.mentee: 0, Audience.mentor: 1, Audience.curator: 2}
    return sorted(
        (q for q in found if q.occasion in (Occasion.monitoring, Occasion.conditions)),
        key=lambda q: order[q.audience],
    )


async def local_today(
    session: AsyncSession, settings: Settings, clock: Clock, municipality_id: int
) -> date:
    zone = await effective_timezone(session, municipality_id, settings.default_timezone)
    return clock.now().astimezone(ZoneInfo(zone)).date()


async def chosen_campaigns(
    session: AsyncSession,
    settings: Settings,
    clock: Clock,
    found: list[Organization],
    period: str,
) -> list[tuple[Organization, Campaign, date]]:
    """The campaign of `period` in each municipality, or with no period (ALL) the nearest
    one each works on: the latest opened, else the next."""
    chosen = []
    for org in found:
        today = await local_today(session, settings, clock, org.id)
        if period:
            campaign = await find_campaign(session, org.id, period)
        else:
            shown = await in_view(session, org.id, today, clock.now())
            campaign = shown[0] if shown else None
        if campaign is not None:
            chosen.append((org, campaign, today))
    return chosen
