"""The real bot process, driven through the fake Bot API over HTTP."""

from __future__ import annotations

import asyncio
import signal
import time

import pytest

from tests.conftest import ADMIN_ID

pytestmark = pytest.mark.e2e


async def test_start_and_help_answer_in_russian(bot_process, tg):
    await bot_process.start(tg)
    user = tg.user(5001, first_name="Ольга")
    user.send("/start")
    assert (await user.wait_reply()).text.startswith("Здравствуйте, Ольга!")
    user.send("/help")
    assert "/feedback — Написать администраторам" in (await user.wait_reply()).text
    menu = tg.commands(language_code="ru")
    assert {c["command"] for c in menu} >= {"start", "help", "cancel", "language"}
    assert await bot_process.stop() == 0


async def test_a_restart_mid_conversation_resumes_it(bot_process, tg):
    await bot_process.start(tg)
    user = tg.user(5002, first_name="Пётр", last_name="Сидоров")
    user.send("/feedback")
    question = await user.wait_reply()
    user.click(question, text="Что-то не работает")
    await tg.wait_for(5002, lambda m: m.text.startswith("Тема: Что-то не работает."))

    started = time.monotonic()
    assert await bot_process.stop(signal.SIGTERM) == 0
    assert time.monotonic() - started < 30

    await bot_process.start(tg)
    user.send("Не приходит напоминание")
    preview = await user.wait_reply()
    assert preview.text.startswith("Проверьте сообщение:"), tg.transcript(5002)
    user.click(preview, text="Отправить")
    await user.wait_reply()
    to_admin = await tg.wait_for(ADMIN_ID, lambda m: "Не приходит напоминание" in m.text)
    assert "Пётр Сидоров" in to_admin.text
    assert await bot_process.stop() == 0


async def test_a_killed_process_loses_nothing_that_was_answered(bot_process, tg):
    await bot_process.start(tg)
    user = tg.user(5003)
    user.send("/language")
    user.click(await user.wait_reply(), text="English")
    await tg.wait_for(5003, lambda m: m.text == "The interface language is now English.")
    user.send("/feedback")
    await user.wait_reply()
    await bot_process.kill()

    await bot_process.start(tg)
    user.click(user.last, text="A question")
    # The answer edits the question in place rather than sending a new message.
    await tg.wait_for(5003, lambda m: m.text.startswith("Topic: A question."))
    assert await bot_process.stop() == 0


async def test_sigterm_lets_the_update_in_flight_finish(bot_process, tg):
    await bot_process.start(tg)
    tg.set_latency(1.5)
    user = tg.user(5004)
    user.send("/help")
    deadline = time.monotonic() + 10
    while not tg.requests_for("sendMessage"):
        assert time.monotonic() < deadline, bot_process.log
        await asyncio.sleep(0.02)
    assert await bot_process.stop(signal.SIGTERM) == 0
    assert user.last is not None and user.last.text.startswith("Что я умею")


async def test_a_redelivered_update_is_answered_once(bot_process, tg):
    await bot_process.start(tg)
    user = tg.user(5005)
    update = user.send("/help")
    await user.wait_reply()
    tg.inject_duplicate(update["update_id"])
    user.send("/start")
    await tg.wait_for(5005, lambda m: m.text.startswith("Здравствуйте"))
    assert [m.text[:10] for m in user.messages] == ["Что я умею", "Здравствуй"]
    assert await bot_process.stop() == 0


async def test_telegram_errors_are_survived(bot_process, tg):
    await bot_process.start(tg)
    user = tg.user(5006)
    tg.fail_next("sendMessage", status=400, description="Bad Request: can't parse entities")
    user.send("/help")
    apology = await user.wait_reply()
    assert apology.text.startswith("Извините, у нас что-то пошло не так.")
    user.send("/help")
    assert (await user.wait_reply()).text.startswith("Что я умею")
    assert "update" in bot_process.log and "failed" in bot_process.log
    assert "TEST-token" not in bot_process.log, "the token is never logged"
    assert await bot_process.stop() == 0
