"""The middlewares every update passes: dedup, commit-before-send, errors, in-flight (the
throttle: tests/test_throttle.py)."""

from __future__ import annotations

import asyncio

from aiogram.client.session.middlewares.base import BaseRequestMiddleware
from sqlalchemy import func, select

from storage.db import current_session
from storage.models import Feedback, ProcessedUpdate


async def test_an_update_delivered_twice_is_handled_once(harness):
    user = harness.client.user(3001)
    update = user.fake.send("/help")
    await harness.client.feed(update)
    again = harness.tg.inject_duplicate(update["update_id"])
    assert await harness.client.feed(again) is None
    assert len(user.replies) == 1
    async with harness.app.database.reading() as session:
        count = await session.scalar(select(func.count()).select_from(ProcessedUpdate))
    assert count == 1


async def test_update_ids_that_jump_are_not_mistaken_for_duplicates(harness):
    user = harness.client.user(3002)
    for update_id in (10**9, 5, 10**9 + 7):
        await harness.client.feed_raw({**user.fake.send("/help"), "update_id": update_id})
    assert len(user.replies) == 3


class TransactionProbe(BaseRequestMiddleware):
    def __init__(self) -> None:
        self.open_during_request: list[str] = []

    async def __call__(self, make_request, bot, method):
        session = current_session.get()
        if session is not None and session.in_transaction():
            self.open_during_request.append(type(method).__name__)
        return await make_request(bot, method)


async def test_no_transaction_is_open_while_telegram_is_called(harness):
    probe = TransactionProbe()
    harness.bot.session.middleware(probe)  # runs after the commit-before-send guard
    user = harness.client.user(3005)
    await user.send("/feedback")
    await user.click(user.last, text="Вопрос")
    await user.send("Когда сдавать мониторинг?")
    await user.click(user.last, text="Отправить")
    assert probe.open_during_request == []
    assert len(harness.tg.requests_for("sendMessage")) >= 4


async def test_a_failed_handler_is_reported_in_the_persons_language_and_keeps_earlier_steps(
    harness,
):
    user = harness.client.user(3006)
    await user.send("/feedback")
    await user.click(user.last, text="Предложение")
    harness.tg.fail_next("sendMessage", status=400, description="Bad Request: can't parse entities")
    await user.send("Сделайте тёмную тему")
    assert user.last.text.startswith("Извините, у нас что-то пошло не так.")
    # The step that failed is repeated; the topic chosen before it is still there.
    await user.send("Сделайте тёмную тему")
    assert user.last.text.startswith("Проверьте сообщение:")
    assert "Предложение" in user.last.text


async def test_a_failure_after_a_commit_keeps_what_was_committed(harness):
    user = harness.client.user(3007)
    await user.send("/feedback")
    await user.click(user.last, text="Вопрос")
    await user.send("Вопрос про отчёт")
    harness.tg.fail_next(
        "answerCallbackQuery", status=400, description="Bad Request: query is too old"
    )
    await user.click(user.last, text="Отправить")
    assert user.last.text.startswith("Извините, у нас что-то пошло не так.")
    async with harness.app.database.reading() as session:
        assert await session.scalar(select(func.count()).select_from(Feedback)) == 1, (
            "the save committed before the failing call is kept, as the person may have seen it"
        )


async def test_in_flight_updates_are_counted_until_they_finish(harness):
    inflight = harness.app.inflight
    harness.tg.set_latency(0.2)
    user = harness.client.user(3008)
    task = asyncio.create_task(user.send("/help"))
    await asyncio.sleep(0.05)
    assert inflight.count == 1
    assert not await inflight.drained(timeout=0.01)
    assert await inflight.drained(timeout=5)
    await task
    assert user.last.text.startswith("Что я умею")
