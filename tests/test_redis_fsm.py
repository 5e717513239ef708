"""With REDIS_URL set, conversations live in the real Redis and survive a new process."""

from __future__ import annotations

import os
import uuid

import pytest
from aiogram.fsm.storage.redis import RedisEventIsolation, RedisStorage
from redis.asyncio import Redis
from redis.exceptions import ConnectionError as RedisConnectionError

from bot.factory import build_fsm
from tests.conftest import in_ci
from tests.support.app import running_app

REDIS_URL = os.environ.get("TEST_REDIS_URL", "redis://127.0.0.1:6379/15")
START_REDIS_HINT = (
    "start one with `redis-server --daemonize yes --port 6379 --save ''` "
    "or `docker run -d -p 6379:6379 redis:7`, or set TEST_REDIS_URL"
)


@pytest.fixture
async def redis_url():
    client = Redis.from_url(REDIS_URL)
    try:
        await client.ping()
    except (RedisConnectionError, OSError) as exc:
        message = f"Redis is not reachable at {REDIS_URL} ({exc}); {START_REDIS_HINT}"
        if in_ci():
            pytest.fail(message, pytrace=False)
        pytest.skip(message)
    finally:
        await client.aclose()
    yield REDIS_URL


async def test_redis_is_chosen_when_configured(settings, database, redis_url):
    configured = settings.model_copy(update={"redis_url": redis_url})
    storage, isolation = build_fsm(configured, database, clock=None)
    try:
        assert isinstance(storage, RedisStorage)
        assert isinstance(isolation, RedisEventIsolation)
    finally:
        await storage.close()


async def test_a_conversation_in_redis_survives_a_new_app(settings, database, clock, redis_url):
    settings = settings.model_copy(update={"redis_url": redis_url})
    user_id = 700_000 + uuid.uuid4().int % 100_000  # Redis is shared; keep keys apart
    async with running_app(settings, database, clock) as first:
        user = first.client.user(user_id)
        await user.send("/feedback")
        await user.click(user.last, text="Предложение")
        tg = first.tg
        await first.app.dispatcher.storage.close()

    async with running_app(settings, database, clock, tg=tg) as second:
        user = second.client.user(user_id)
        await user.send("Пусть бот напоминает о встречах")
        assert user.last.text.startswith("Проверьте сообщение:")
        assert "Предложение" in user.last.text
        await user.click(user.last, text="✖ Отмена")
        await second.app.dispatcher.storage.close()
