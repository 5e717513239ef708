"""An edit that changes nothing is refused by Telegram ("message is not modified"); the bot
takes it as done, in one place for every edit (bot/middlewares/unchanged_edits.py)."""

from __future__ import annotations

import pytest
from aiogram.exceptions import TelegramBadRequest

from storage.models.enums import Role
from tests.conftest import ADMIN_ID
from tests.fakebot.errors import NOT_MODIFIED
from tests.support.seed import add_person, build_tree, make_programme

MENTOR, MENTEE, SECOND_MENTEE, CURATOR = 41, 42, 43, 44
APOLOGY = "Извините, у нас что-то пошло не так."


@pytest.fixture
async def school(database, clock):
    now = clock.now()
    tree = await build_tree(database, now)
    mentor = await add_person(database, MENTOR, "Петров Иван", Role.mentor, tree.school_id, now)
    mentee = await add_person(database, MENTEE, "Иванова Анна", Role.mentee, tree.school_id, now)
    second = await add_person(
        database, SECOND_MENTEE, "Сидорова Вера", Role.mentee, tree.school_id, now
    )
    curator = await add_person(
        database, CURATOR, "Куратор Ольга", Role.curator, tree.school_id, now
    )
    await make_programme(database, tree, now, curator, mentor, [mentee])
    await make_programme(database, tree, now, curator, mentor, [second])
    return tree


def no_failure(harness, user) -> None:
    texts = [m.text or "" for m in user.replies]
    assert not any(text.startswith(APOLOGY) for text in texts), texts
    assert harness.tg.unanswered_callbacks() == []


async def test_today_then_yesterday_on_the_same_date_question(harness, school):
    mentor = harness.client.user(MENTOR)
    await mentor.send("/meeting")
    await mentor.click(mentor.last, text="Иванова Анна")
    question = mentor.last
    assert question.text.startswith("Когда была встреча?")
    await mentor.click(question, text="Сегодня, 23.11.2026")
    after_today = len(mentor.replies)
    # The keyboard is gone from the question; a second tap still reaches the bot.
    await mentor.press(question, text="Вчера")
    no_failure(harness, mentor)
    assert harness.tg.statuses[400] == 1, "Telegram refused the unchanged edit once"
    assert len(mentor.replies) == after_today + 1, "the next question is asked again"
    await mentor.click(mentor.last, text="Очно")
    await mentor.click(mentor.last, text="45 мин")
    await mentor.click(mentor.last, text="Консультация")
    assert "Дата: 22.11.2026" in mentor.last.text, "the later tap is the date kept"


async def test_a_pair_tapped_twice_in_programme(harness, school):
    curator = harness.client.user(CURATOR)
    await curator.send("/programme")
    chooser = curator.last
    [pair] = [b for b in chooser.buttons if "Иванова Анна" in b]
    await curator.click(chooser, text=pair)
    card = curator.last
    assert card.message_id == chooser.message_id and "Иванова Анна" in card.text
    await curator.press(chooser, text=pair)
    no_failure(harness, curator)
    assert harness.tg.statuses[400] == 1
    assert (curator.last.message_id, curator.last.text) == (card.message_id, card.text)


async def test_refresh_of_an_unchanged_outbox(harness, school):
    admin = harness.client.user(ADMIN_ID)
    await admin.send("/outbox")
    screen = admin.last
    await admin.click(screen, text="↻ Обновить")
    await admin.click(screen, text="↻ Обновить")
    no_failure(harness, admin)
    assert harness.tg.statuses[400] == 2
    assert (len(admin.replies), admin.last.text) == (1, screen.text)


async def test_only_the_not_modified_refusal_is_taken_as_done(harness):
    """Every other refusal of an edit, and a refusal of anything else, still fails."""
    harness.tg.user(7)
    bot = harness.bot
    sent = await bot.send_message(7, "Экран")
    assert await bot.edit_message_text("Экран", chat_id=7, message_id=sent.message_id) is True
    harness.tg.fail_next(
        "editMessageText", status=400, description="Bad Request: message to edit not found"
    )
    with pytest.raises(TelegramBadRequest, match="message to edit not found"):
        await bot.edit_message_text("Другой", chat_id=7, message_id=sent.message_id)
    harness.tg.fail_next("sendMessage", status=400, description=NOT_MODIFIED)
    with pytest.raises(TelegramBadRequest, match="message is not modified"):
        await bot.send_message(7, "Текст")
