"""Replies that meet Telegram's 429 wait `retry_after` and go again, within bounds; the
outbox keeps its own pacing (bot/middlewares/retry_after.py)."""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy import select

from bot.middlewares.retry_after import MAX_ATTEMPTS, MAX_WAIT
from handlers import outbox_renderers
from scheduler.outbox_sender import OutboxSender
from scheduler.pacing import Pacer
from storage.models.outbox import OutboxMessage
from storage.outbox import queue as outbox
from storage.people.lookup import get_or_create_person

APOLOGY = "Извините, у нас что-то пошло не так."
START = datetime(2026, 11, 23, 7, 0, tzinfo=UTC)


def sent(harness, method: str = "sendMessage") -> int:
    return len(harness.tg.requests_for(method))


async def test_a_reply_that_meets_429_waits_and_goes_again(harness):
    user = harness.client.user(6001)
    harness.tg.fail_next("sendMessage", status=429, retry_after=1)
    await user.send("/help")
    assert [m.text[:10] for m in user.replies] == ["Что я умею"]
    assert sent(harness) == 2, "refused once, then sent"
    assert harness.tg.statuses[429] == 1


async def test_an_edit_and_a_callback_answer_wait_as_well(harness):
    user = harness.client.user(6002)
    await user.send("/feedback")
    question = user.last
    harness.tg.fail_next("answerCallbackQuery", status=429, retry_after=1)
    harness.tg.fail_next("editMessageText", status=429, retry_after=1)
    await user.click(question, text="Вопрос")
    assert user.last.message_id == question.message_id
    assert user.last.text.startswith("Тема: Вопрос."), harness.tg.transcript(6002)
    assert harness.tg.unanswered_callbacks() == []
    assert harness.tg.statuses[429] == 2
    assert not any((m.text or "").startswith(APOLOGY) for m in user.replies)


async def test_a_wait_longer_than_the_bound_is_not_waited(harness):
    user = harness.client.user(6003)
    harness.tg.fail_next("sendMessage", status=429, retry_after=int(MAX_WAIT) + 1)
    await user.send("/help")
    assert [m.text[:36] for m in user.replies] == [APOLOGY], "given up at once, as before"
    assert sent(harness) == 2, "the reply once, then the apology"


async def test_attempts_are_bounded(harness):
    user = harness.client.user(6004)
    harness.tg.fail_next("sendMessage", n=MAX_ATTEMPTS, status=429, retry_after=1)
    await user.send("/help")
    assert [m.text[:36] for m in user.replies] == [APOLOGY]
    assert sent(harness) == MAX_ATTEMPTS + 1


async def test_the_outbox_meets_429_once_and_pauses_itself(harness, database, clock):
    clock.set(START)
    harness.tg.user(6005)
    async with database.transaction() as s:
        person = await get_or_create_person(s, 6005, START)
        await outbox.enqueue(
            s,
            kind="announcement",
            subject="a",
            person_id=person.id,
            due_at=START,
            timezone="Europe/Moscow",
            now=START,
            params={"text": "Собрание", "sender": "Куратор"},
        )
    sender = OutboxSender(
        database,
        harness.bot,
        harness.app.i18n,
        clock,
        send_rate=1000,
        default_locale="ru",
        renderers=outbox_renderers(),
        pacer=Pacer(1000, per_chat_interval=0),
    )
    harness.tg.fail_next("sendMessage", status=429, retry_after=5)
    await sender.drain_once()
    assert sent(harness) == 1, "no second request behind the outbox's back"
    assert sender.pacer.paused_until > 0, "the outbox's own pause"
    async with database.reading() as s:
        row = await s.scalar(select(OutboxMessage))
        assert (row.state, row.attempts) == ("pending", 0)
