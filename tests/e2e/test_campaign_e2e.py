"""Campaigns through the real process: a coordinator moves the dates, closes early and
reopens (told first that figures already shown stay); the curator's results say "too few
answers" over two mentees and, once three more answered after a reopen, show the aggregate
over five, without ever showing one answer."""

from __future__ import annotations

import secrets
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import select

from storage.campaigns.core import CampaignRules, next_deadline
from storage.db import Database
from storage.models.enums import Role
from storage.models.surveys import Campaign, SurveyResponse
from tests.support.chat import Person
from tests.support.seed import Tree, add_person, build_tree

pytestmark = pytest.mark.e2e

COORDINATOR, CURATOR = 301, 302
SENTINEL = "SENTINEL-одного-наставляемого"
ANSWERS = [
    {"effectiveness": 3, "communication": 3, "overall": 3, "continue": False, "valuable": SENTINEL},
    {"effectiveness": 9, "communication": 9, "overall": 9, "continue": True, "valuable": "Б"},
    {"effectiveness": 6, "communication": 6, "overall": 6, "continue": True, "valuable": "В"},
    {"effectiveness": 6, "communication": 6, "overall": 6, "continue": True, "valuable": "Г"},
    {"effectiveness": 6, "communication": 6, "overall": 6, "continue": True, "valuable": "Д"},
]


def day(value) -> str:
    return value.strftime("%d.%m.%Y")


async def seed(db_url: str) -> Tree:
    database = Database(db_url)
    now = datetime.now(UTC)
    try:
        tree = await build_tree(database, now)
        await add_person(
            database, COORDINATOR, "Соболева Зинаида", Role.coordinator, tree.municipality_id, now
        )
        await add_person(database, CURATOR, "Иванченко Ольга", Role.curator, tree.school_id, now)
        return tree
    finally:
        await database.dispose()


async def add_response(db_url: str, school_id: int, municipality_id: int, answers: dict) -> None:
    database = Database(db_url)
    try:
        async with database.transaction() as s:
            campaign = await s.scalar(
                select(Campaign)
                .where(Campaign.municipality_id == municipality_id)
                .order_by(Campaign.opens_on)
                .limit(1)
            )
            s.add(
                SurveyResponse(
                    id=secrets.token_hex(16),
                    questionnaire="monitoring_mentee",
                    version=1,
                    campaign_id=campaign.id,
                    school_id=school_id,
                    respondent_role="mentee",
                    late=False,
                    link=None,
                    answers=answers,
                )
            )
    finally:
        await database.dispose()


async def reopen(coordinator: Person, card):
    confirm = await coordinator.tap_edit("↺ Открыть снова", card)
    assert confirm.text.startswith("Открыть снова: Кампания со сроком")
    assert "Уже показанные цифры останутся прежними" in confirm.text
    assert "ответят ещё как минимум 3 человека" in confirm.text
    card = await coordinator.tap_edit("Да, открыть снова", confirm)
    assert "— идёт приём ответов" in card.text
    return card


async def results(person: Person) -> str:
    """/results: a heading and one message per questionnaire (mentee, mentor, curator)."""
    message = await person.say("/results")
    texts = [message.text]
    for _ in range(3):
        message = await person.tg.wait_for(person.id, after=message)
        texts.append(message.text)
    return "\n".join(texts)


async def test_campaign_dates_and_results_over_k(bot_process, tg, db_url):
    tree = await seed(db_url)
    await bot_process.start(tg)
    today = datetime.now(ZoneInfo("Europe/Moscow")).date()
    deadline = next_deadline(CampaignRules(), today)
    coordinator = Person(tg, COORDINATOR, "Зинаида")
    curator = Person(tg, CURATOR, "Ольга")

    screen = await coordinator.say("/campaign")
    assert "Мониторинг: Сальский район" in screen.text
    title = f"Кампания со сроком {day(deadline)}"
    assert title in screen.text
    card = await coordinator.tap_edit(f"⚙ {title}")

    # The window opens today and the deadline moves three days later.
    await coordinator.tap("Изменить дату начала", card)
    await coordinator.say(day(today))
    card = await tg.wait_for(COORDINATOR, lambda m: "Приём ответов:" in m.text, after=card)
    assert f"Приём ответов: {day(today)} – {day(deadline)}" in card.text
    assert "— идёт приём ответов" in card.text
    await coordinator.tap("Изменить срок", card)
    refused = await coordinator.say(day(today - timedelta(days=1)))
    assert refused.text.startswith("Приём ответов должен начинаться раньше срока.")
    moved = deadline + timedelta(days=3)
    await coordinator.say(day(moved))
    card = await tg.wait_for(COORDINATOR, lambda m: "Приём ответов:" in m.text, after=refused)
    assert f"Кампания со сроком {day(moved)} — идёт приём ответов" in card.text

    # While answers may still change, the curator sees counts, not figures.
    for answers in ANSWERS[:2]:
        await add_response(db_url, tree.school_id, tree.municipality_id, answers)
    seen = await results(curator)
    assert "Цифры появятся после срока или после закрытия кампании" in seen
    assert "Ответили: 0 из 0 ожидаемых" in seen  # the responses were put in directly
    assert SENTINEL not in seen and "Слишком мало" not in seen

    # Closed early, with a confirmation: two answers are too few.
    confirm = await coordinator.tap_edit("✖ Закрыть досрочно", card)
    assert confirm.text.startswith("Закрыть досрочно:")
    card = await coordinator.tap_edit("Да, закрыть", confirm)
    assert "— завершена" in card.text
    seen = await results(curator)
    assert "Слишком мало ответов (2 при минимуме 3)." in seen
    assert SENTINEL not in seen and "Удовлетворённость: " not in seen

    # Reopened, with a confirmation that says what happens to the figures already shown;
    # three more answer (k = 3): the school's figures are published anew, over five, with
    # the formula beside the satisfaction figure and the texts shuffled.
    card = await reopen(coordinator, card)
    for answers in ANSWERS[2:]:
        await add_response(db_url, tree.school_id, tree.municipality_id, answers)
    confirm = await coordinator.tap_edit("✖ Закрыть досрочно", card)
    await coordinator.tap_edit("Да, закрыть", confirm)
    seen = await results(curator)
    assert "Удовлетворённость: 60,0 % (среднее по вопросам удовлетворённости ÷ 10 × 100)" in seen
    listed = await tg.wait_for(CURATOR, lambda m: SENTINEL in m.text)
    assert "ответы в случайном порядке" in listed.text
