"""What the /survey screens share: callback data, states, the draft, finding an item again.

The draft of a questionnaire under way lives in the FSM data under DRAFT (durable, JSON only),
so a restart loses nothing; /cancel discards it. Every item that comes back in callback or FSM
data is looked up again among the person's own items (`find_item`), so a forged or stale id
reaches nothing.
"""

from __future__ import annotations

from typing import Any

from aiogram.filters.callback_data import CallbackData
from aiogram.fsm.state import State, StatesGroup
from aiogram.types import InlineKeyboardButton
from sqlalchemy.ext.asyncio import AsyncSession

from handlers.programmes.common import school_today, show_date
from storage.clock import Clock
from storage.people.actor import Actor
from storage.settings import Settings
from storage.surveys.pending import Grant, Item, items_for
from storage.surveys.questionnaires.builtin import find, latest
from storage.surveys.questionnaires.model import Question, Questionnaire

DRAFT = "survey"


class SurveyFilling(StatesGroup):
    answering = State()
    confirming = State()


class SurveyOpen(CallbackData, prefix="sv_o"):
    """Start, continue or change one questionnaire of the person."""

    occasion: str
    programme_id: int = 0
    school_id: int = 0
    campaign_id: int = 0


class SurveyAct(CallbackData, prefix="sv"):
    # pick, toggle, done, skip, back (a question); send, edit, jump, summary (the summary)
    action: str
    key: str = ""
    value: str = ""


def open_data(item: Item) -> SurveyOpen:
    target = item.target
    return SurveyOpen(
        occasion=item.occasion.value,
        programme_id=target.programme_id or 0,
        school_id=target.school_id,
        campaign_id=target.campaign.id if target.campaign is not None else 0,
    )


def grants_of(actor: Actor) -> list[Grant]:
    return [Grant(g.role.value, g.organization_id, g.status.value) for g in actor.grants]


async def person_items(
    session: AsyncSession, actor: Actor, settings: Settings, clock: Clock
) -> list[Item]:
    async def today_of(school_id: int):
        return await school_today(session, settings, clock, school_id)

    return await items_for(session, actor.person_id, grants_of(actor), today_of, clock.now())


async def find_item(
    session: AsyncSession, actor: Actor, settings: Settings, clock: Clock, wanted: SurveyOpen
) -> Item | None:
    """The person's own item matching the callback; None for anything else."""
    for item in await person_items(session, actor, settings, clock):
        if open_data(item) == wanted:
            return item
    return None


async def item_by_scope(
    session: AsyncSession, actor: Actor, settings: Settings, clock: Clock, scope: str
) -> Item | None:
    for item in await person_items(session, actor, settings, clock):
        if item.scope == scope:
            return item
    return None


def questionnaire_of(draft: dict[str, Any]) -> Questionnaire:
    """The version the draft was started with (kept after a newer one is published)."""
    return find(draft["q"], draft["v"]) or latest(draft["q"])


def questions_of(draft: dict[str, Any]) -> list[Question]:
    return questionnaire_of(draft).for_category(draft.get("cat"))


def button(text: str, data: CallbackData) -> InlineKeyboardButton:
    return InlineKeyboardButton(text=text, callback_data=data.pack())


def act(text: str, action: str, key: str = "", value: str = "") -> InlineKeyboardButton:
    return button(text, SurveyAct(action=action, key=key, value=value))


def deadline_text(item: Item) -> str:
    return show_date(item.campaign.deadline) if item.campaign is not None else "—"
