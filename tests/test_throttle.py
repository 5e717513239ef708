"""The per-person throttle through the real dispatcher: a fast person is slowed and loses
nothing; a flood is refused, told once in the chat, and nobody else notices
(bot/middlewares/throttle.py)."""

from __future__ import annotations

import asyncio
from datetime import date

import pytest
from sqlalchemy import select

from storage.models.enums import Role
from storage.models.surveys import Campaign, SurveyResponse
from tests.support.app import running_app
from tests.support.seed import add_person, build_tree, make_programme
from tests.support.timing import VirtualTime

MENTOR, MENTEE, CURATOR, FLOODER, CALM = 61, 62, 63, 64, 65
RATE, WINDOW = 4, 5.0
NOTICE = "Вы отправляете быстрее, чем я успеваю"


@pytest.fixture
def throttled(settings):
    return settings.model_copy(update={"throttle_rate": RATE, "throttle_window": WINDOW})


@pytest.fixture
async def campaign(database, clock):
    now = clock.now()
    tree = await build_tree(database, now)
    mentor = await add_person(database, MENTOR, "Петров Иван", Role.mentor, tree.school_id, now)
    mentee = await add_person(database, MENTEE, "Кузнецова Анна", Role.mentee, tree.school_id, now)
    curator = await add_person(database, CURATOR, "Куратор", Role.curator, tree.school_id, now)
    await make_programme(database, tree, now, curator, mentor, [mentee])
    async with database.transaction() as s:
        s.add(
            Campaign(
                municipality_id=tree.municipality_id,
                period="2026-12",
                opens_on=date(2026, 11, 9),
                deadline=date(2026, 12, 20),
                created_at=now,
                updated_at=now,
            )
        )


def notices(user) -> list[str]:
    return [m.text for m in user.replies if m.text and m.text.startswith(NOTICE)]


async def test_a_fast_tapper_loses_no_answer_of_a_long_questionnaire(
    throttled, database, clock, campaign
):
    time = VirtualTime()
    async with running_app(throttled, database, clock, throttle_timer=time) as harness:
        user = harness.client.user(MENTEE)
        # Every tap comes at the same instant of the throttle's clock: as fast as can be.
        await user.send("/survey")
        await user.click(user.last, text="2. Заполнить")
        for scale in ("7", "9", "8"):
            await user.click(user.last, text=scale)
        await user.click(user.last, text="Пропустить ▶")  # group meetings
        for scale in ("6", "5", "4", "3"):
            await user.click(user.last, text=scale)
        await user.click(user.last, text="Да")
        await user.click(user.last, text="Нет")
        await user.send("Больше практики")
        await user.click(user.last, text="Пропустить ▶")
        await user.click(user.last, text="✔ Отправить")
        assert user.last.text.startswith("Спасибо! Ответы сохранены."), harness.tg.transcript(
            MENTEE
        )
        assert notices(user) == []
        # Fifteen events, four a window: the 5th, 9th and 13th waited for the next window.
        assert time.sleeps == [WINDOW] * 3, "the throttle slowed the person down"
        async with database.reading() as s:
            [response] = (await s.scalars(select(SurveyResponse))).all()
        answers = response.answers
        assert [v for v in answers.values() if type(v) is int] == [7, 9, 8, 6, 5, 4, 3]
        assert "Больше практики" in answers.values()
        assert harness.tg.unanswered_callbacks() == []


async def test_a_flood_is_refused_told_once_and_others_are_served(throttled, database, clock):
    time = VirtualTime()
    async with running_app(throttled, database, clock, throttle_timer=time) as harness:
        flooder = harness.client.user(FLOODER)
        # Sent without waiting for answers: RATE go through, RATE more wait their turn.
        flood = [flooder.send(f"сообщение {n}") for n in range(1, 4 * RATE + 1)]
        await asyncio.gather(*flood)
        texts = [m.text for m in flooder.replies]
        assert len(texts) == 2 * RATE + 1, texts
        assert notices(flooder) == [
            "Вы отправляете быстрее, чем я успеваю: я пропустил ваше сообщение «сообщение 9» и "
            "могу пропустить ещё что-то из отправленного в ближайшие секунды. Подождите "
            "немного и повторите."
        ]
        assert len(time.sleeps) == RATE, "those waiting their turn, and only they"
        assert harness.tg.statuses[400] == 0

        calm = harness.client.user(CALM)
        await calm.send("/help")
        assert calm.last.text.startswith("Что я умею")

        # Once the window has passed, the person is served again, and told again if needed.
        time.advance(WINDOW * 3)
        await flooder.send("/help")
        assert flooder.last.text.startswith("Что я умею")


async def test_the_tap_refused_is_named(throttled, database, clock):
    time = VirtualTime()
    async with running_app(throttled, database, clock, throttle_timer=time) as harness:
        user = harness.client.user(FLOODER)
        menus = []
        for _ in range(2 * RATE + 3):
            await user.send("/language")
            menus.append(user.last)
        time.advance(WINDOW * 3)
        # A tap on each menu at once (the same button twice would be one double tap):
        # RATE go through, RATE wait, one is told of and two are refused quietly.
        await asyncio.gather(*(user.press(menu, text="Русский") for menu in menus))
        assert notices(user) == [
            "Вы отправляете быстрее, чем я успеваю: я пропустил нажатие на «Русский» и могу "
            "пропустить ещё что-то из отправленного в ближайшие секунды. Подождите немного "
            "и повторите."
        ]
        assert harness.tg.unanswered_callbacks() == []
        toasts = [p.get("text") for _n, p in harness.tg.requests_for("answerCallbackQuery")]
        assert len(toasts) == 2 * RATE + 3
        assert toasts.count("Слишком много сразу. Подождите немного.") == 1
