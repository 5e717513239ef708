"""The production dispatcher wired to an in-process fake Telegram, for fast tests."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass

from aiogram import Bot

from bot.factory import App, build_app, build_bot
from bot.middlewares.throttle import Timer
from storage.clock import Clock
from storage.db import Database
from storage.settings import Settings
from tests.fakebot.botclient import BotClient
from tests.fakebot.core import FakeTelegram
from tests.fakebot.session import FakeSession
from tests.support.chat import FAILURE_MARKS


@dataclass
class Harness:
    app: App
    bot: Bot
    tg: FakeTelegram
    client: BotClient


@asynccontextmanager
async def running_app(
    settings: Settings,
    database: Database,
    clock: Clock,
    tg: FakeTelegram | None = None,
    throttle_timer: Timer | None = None,
    double_taps: bool = False,
) -> AsyncIterator[Harness]:
    tg = tg or FakeTelegram(token=settings.bot_token.get_secret_value())
    app = build_app(settings, database, clock, throttle_timer=throttle_timer)
    bot = build_bot(settings, session=FakeSession(tg))
    try:
        client = BotClient(
            app.dispatcher, bot, tg, double_taps=double_taps, failure_marks=FAILURE_MARKS
        )
        yield Harness(app=app, bot=bot, tg=tg, client=client)
    finally:
        await bot.session.close()
