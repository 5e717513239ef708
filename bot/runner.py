"""What every way of running the bot shares: a clean start and a bounded, graceful stop.

`Runtime` opens the database (migrating it), builds the dispatcher and the Bot, and
registers the dispatcher's startup and shutdown hooks; long polling (here) and the webhook
server (bot/webhook.py) only differ in how updates arrive. The ticker and the outbox
sender run in the leader instance only (scheduler/leader.py).
"""

from __future__ import annotations

import logging
from functools import partial

from aiogram.exceptions import TelegramAPIError, TelegramUnauthorizedError
from aiogram.types import User

from bot.factory import App, build_app, build_bot
from handlers import outbox_renderers
from handlers.commands import set_default_commands
from scheduler.campaigns import CampaignJob
from scheduler.heartbeat import record_uptime
from scheduler.leader import Leadership, lock_key, migrations_lock
from scheduler.maintenance import run_maintenance
from scheduler.outbox_sender import OutboxSender
from scheduler.registers import RegistersJob
from scheduler.reminder_job import ReminderJob
from scheduler.ticker import Ticker
from storage.db import Database
from storage.migrate import upgrade_to_head
from storage.settings import Settings

log = logging.getLogger("bot")


class StartupError(SystemExit):
    """A problem the operator must fix; printed as one line, exit code 1."""


async def migrate(settings: Settings) -> list[str]:
    database = Database(settings.database_url)
    try:
        async with migrations_lock(settings.database_url):
            return await upgrade_to_head(database.engine)
    finally:
        await database.dispose()


def build_ticker(app: App, settings: Settings) -> Ticker:
    clock = app.dispatcher["clock"]
    ticker = Ticker(clock, settings.tick_seconds)
    # First, so a slow job later in the tick does not look like the bot being down.
    ticker.add("uptime", partial(record_uptime, app.database, clock))
    ticker.add(
        "maintenance",
        partial(run_maintenance, app.database, clock, settings.processed_updates_days),
    )
    ticker.add("campaigns", CampaignJob(app.database, clock, settings.default_timezone))
    ticker.add("reminders", ReminderJob(app.database, clock, settings.default_timezone))
    ticker.add(
        "registers",
        RegistersJob(
            app.database, clock, settings.default_timezone, settings.pending_retention_days
        ),
    )
    return ticker


class Runtime:
    """The database, the dispatcher, the Bot and the leader's jobs of one process."""

    def __init__(self, settings: Settings, database: Database) -> None:
        self.settings = settings
        self.database = database
        self.app = build_app(settings, database)
        self.bot = build_bot(settings)
        self.dispatcher = self.app.dispatcher
        self.leadership = Leadership(
            settings.database_url,
            lock_key(settings.bot_id),
            self._start_leading,
            self._stop_leading,
        )
        self.ticker: Ticker | None = None
        self.sender: OutboxSender | None = None
        self.dispatcher.startup.register(self.on_startup)
        self.dispatcher.shutdown.register(self.on_shutdown)

    @classmethod
    async def open(cls, settings: Settings) -> Runtime:
        database = Database(settings.database_url)
        try:
            async with migrations_lock(settings.database_url):
                applied = await upgrade_to_head(database.engine)
            if applied:
                log.info("applied migrations: %s", ", ".join(applied))
            return cls(settings, database)
        except BaseException:
            await database.dispose()
            raise

    async def identify(self) -> User:
        try:
            return await self.bot.get_me()
        except TelegramUnauthorizedError:
            raise StartupError("configuration error: BOT_TOKEN was rejected by Telegram") from None

    async def on_startup(self) -> None:
        try:
            await set_default_commands(self.bot, self.app.i18n)
        except TelegramAPIError as exc:
            log.warning("could not set the command menu: %s", exc)
        self.leadership.start()

    async def on_shutdown(self) -> None:
        inflight = self.app.inflight
        log.info("stopping: waiting for %s update(s) in flight", inflight.count)
        if not await inflight.drained(self.settings.shutdown_timeout):
            log.warning(
                "%s update(s) still in flight after %.0f s; stopping anyway",
                inflight.count,
                self.settings.shutdown_timeout,
            )
        await self.leadership.stop()

    async def _start_leading(self) -> None:
        # Fresh ones each time: a stopped scheduler or sender is not started again.
        self.ticker = build_ticker(self.app, self.settings)
        self.sender = OutboxSender(
            self.database,
            self.bot,
            self.app.i18n,
            self.dispatcher["clock"],
            self.settings.send_rate,
            self.settings.default_locale,
            renderers=outbox_renderers(),
        )
        self.ticker.start()
        self.sender.start()

    async def _stop_leading(self) -> None:
        if self.ticker is not None:
            self.ticker.stop()
        if self.sender is not None:
            # The message in flight finishes and its outcome is recorded; the rest wait in
            # the outbox for the next leader.
            await self.sender.stop()
        self.ticker = self.sender = None

    async def close(self) -> None:
        try:
            await self.bot.session.close()
        finally:
            await self.database.dispose()
            log.info("stopped")


async def run_polling(settings: Settings) -> None:
    runtime = await Runtime.open(settings)
    try:
        me = await runtime.identify()
        log.info("starting as @%s on %s", me.username, runtime.database.engine.dialect.name)
        await runtime.bot.delete_webhook(drop_pending_updates=False)
        await runtime.dispatcher.start_polling(
            runtime.bot,
            handle_signals=True,
            close_bot_session=True,
            allowed_updates=runtime.dispatcher.resolve_used_update_types(),
        )
    finally:
        await runtime.close()
