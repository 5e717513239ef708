"""End-to-end fixtures: the fake Bot API on loopback and the real `python -m bot` process."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest

from tests.conftest import ADMIN_ID, TEST_TOKEN
from tests.fakebot import FakeTelegram, start_fake_server
from tests.support.botprocess import BotProcess


@pytest.fixture
async def tg() -> AsyncIterator[FakeTelegram]:
    yield FakeTelegram(token=TEST_TOKEN)


@pytest.fixture
async def fake_api(tg: FakeTelegram):
    async with await start_fake_server(tg) as server:
        yield server


@pytest.fixture
async def bot_process(fake_api, db_url: str, tmp_path) -> AsyncIterator[BotProcess]:
    process = BotProcess(fake_api.url, db_url, tmp_path, ADMIN_IDS=str(ADMIN_ID))
    yield process
    if process.process is not None and process.process.returncode is None:
        await process.kill()
