"""`python -m bot webhook`: the real process serves Telegram's POSTs behind the fake Bot API."""

from __future__ import annotations

import asyncio
import signal
from collections.abc import AsyncIterator

import pytest
from sqlalchemy import func, select

from bot.webhook import app_version
from storage.db import Database
from storage.models import ProcessedUpdate
from tests.conftest import ADMIN_ID
from tests.fakebot import FakeTelegram, WebhookDelivery
from tests.support.webhook_process import PUBLIC_URL, SECRET, WebhookBotProcess

pytestmark = pytest.mark.e2e


@pytest.fixture
async def webhook_bot(fake_api, db_url: str, tmp_path) -> AsyncIterator[WebhookBotProcess]:
    process = WebhookBotProcess(fake_api.url, db_url, tmp_path, ADMIN_IDS=str(ADMIN_ID))
    yield process
    if process.process is not None and process.process.returncode is None:
        await process.kill()


@pytest.fixture
async def delivery(tg: FakeTelegram, webhook_bot) -> AsyncIterator[WebhookDelivery]:
    delivery = WebhookDelivery(tg, [webhook_bot.url])
    delivery.start()
    yield delivery
    await delivery.stop()


async def handled(db_url: str) -> int:
    database = Database(db_url)
    try:
        async with database.reading() as session:
            return await session.scalar(select(func.count()).select_from(ProcessedUpdate))
    finally:
        await database.dispose()


async def test_updates_arrive_by_webhook_and_health_answers(webhook_bot, delivery, tg, db_url):
    await webhook_bot.start(tg)
    (registered,) = [params for _, params in tg.requests_for("setWebhook")]
    assert registered["url"] == f"{PUBLIC_URL}/telegram"
    assert registered["secret_token"] == SECRET
    assert {"message", "callback_query"} <= set(registered["allowed_updates"])
    assert tg.requests_for("getUpdates") == []

    user = tg.user(7101, first_name="Ольга")
    user.send("/start")
    assert (await user.wait_reply()).text.startswith("Здравствуйте, Ольга!")
    user.send("/language")
    user.click(await user.wait_reply(), text="English")
    await tg.wait_for(7101, lambda m: m.text == "The interface language is now English.")

    status, health = await webhook_bot.health()
    assert status == 200
    assert health["database"] is True and health["leader"] is True
    assert health["version"] == app_version() != "unknown" and health["status"] == "ok"

    assert await webhook_bot.stop() == 0
    # The webhook stays for the other instances; a stopping instance does not remove it.
    assert tg.requests_for("deleteWebhook") == []
    assert await handled(db_url) == 3


async def test_a_request_without_the_secret_is_refused_and_changes_nothing(webhook_bot, tg, db_url):
    await webhook_bot.start(tg)
    user = tg.user(7102, first_name="Глеб")
    forged = tg.take_update(user.send("/start")["update_id"])
    assert await webhook_bot.post(forged, secret=None) == 401
    assert await webhook_bot.post(forged, secret="not-the-secret") == 401
    assert await webhook_bot.post(forged, secret=SECRET + "x") == 401
    assert await handled(db_url) == 0
    # The same update with the right secret is handled (and only then).
    assert await webhook_bot.post(forged) == 200
    assert (await user.wait_reply()).text.startswith("Здравствуйте, Глеб!")
    assert await handled(db_url) == 1
    assert tg.sent_to(7102)[0].text.startswith("Здравствуйте")
    assert len(tg.sent_to(7102)) == 1
    assert await webhook_bot.stop() == 0


async def test_sigterm_lets_the_update_in_flight_finish(webhook_bot, delivery, tg, db_url):
    await webhook_bot.start(tg)
    tg.set_latency(1.5)  # every Bot API answer takes 1.5 s: the reply is still in flight
    user = tg.user(7103)
    update = user.send("/help")
    for _ in range(200):
        if tg.requests_for("sendMessage"):
            break
        await asyncio.sleep(0.05)
    assert tg.requests_for("sendMessage"), webhook_bot.log
    assert await webhook_bot.stop(signal.SIGTERM) == 0
    assert user.last is not None and user.last.text.startswith("Что я умею")
    # The update was answered 200 only once handled, and is marked as handled.
    assert delivery.statuses(update["update_id"]) == [200]
    assert await handled(db_url) == 1
    assert "stopping: no longer accepting updates" in webhook_bot.log
    assert "stopping: waiting for 1 update(s) in flight" in webhook_bot.log
