"""Long polling with a clean start and a bounded, graceful stop."""

from __future__ import annotations

import logging
from functools import partial

from aiogram import Bot
from aiogram.exceptions import TelegramAPIError, TelegramUnauthorizedError

from bot.commands import set_default_commands
from bot.config import Settings
from bot.factory import App, build_app, build_bot
from scheduler.campaigns import CampaignJob
from scheduler.maintenance import run_maintenance
from scheduler.outbox_sender import OutboxSender
from scheduler.reminder_job import ReminderJob
from scheduler.ticker import Ticker
from storage.db import Database
from storage.migrate import upgrade_to_head

log = logging.getLogger("bot")


class StartupError(SystemExit):
    """A problem the operator must fix; printed as one line, exit code 1."""


async def migrate(settings: Settings) -> list[str]:
    database = Database(settings.database_url)
    try:
        return await upgrade_to_head(database.engine)
    finally:
        await database.dispose()


def build_ticker(app: App, settings: Settings) -> Ticker:
    clock = app.dispatcher["clock"]
    ticker = Ticker(clock, settings.tick_seconds)
    ticker.add(
        "maintenance",
        partial(run_maintenance, app.database, clock, settings.processed_updates_days),
    )
    ticker.add("campaigns", CampaignJob(app.database, clock, settings.default_timezone))
    ticker.add("reminders", ReminderJob(app.database, clock, settings.default_timezone))
    return ticker


async def run_polling(settings: Settings) -> None:
    database = Database(settings.database_url)
    applied = await upgrade_to_head(database.engine)
    if applied:
        log.info("applied migrations: %s", ", ".join(applied))
    app = build_app(settings, database)
    bot = build_bot(settings)
    ticker = build_ticker(app, settings)
    dispatcher = app.dispatcher
    sender = OutboxSender(
        database,
        bot,
        app.i18n,
        dispatcher["clock"],
        settings.send_rate,
        settings.default_locale,
    )

    async def on_startup(bot: Bot) -> None:
        try:
            await set_default_commands(bot, app.i18n)
        except TelegramAPIError as exc:
            log.warning("could not set the command menu: %s", exc)
        ticker.start()
        sender.start()

    async def on_shutdown() -> None:
        log.info("stopping: waiting for %s update(s) in flight", app.inflight.count)
        if not await app.inflight.drained(settings.shutdown_timeout):
            log.warning(
                "%s update(s) still in flight after %.0f s; stopping anyway",
                app.inflight.count,
                settings.shutdown_timeout,
            )
        ticker.stop()
        # The message in flight finishes and its outcome is recorded; the rest wait in the
        # outbox for the next start.
        await sender.stop()

    dispatcher.startup.register(on_startup)
    dispatcher.shutdown.register(on_shutdown)
    try:
        try:
            me = await bot.get_me()
        except TelegramUnauthorizedError:
            raise StartupError("configuration error: BOT_TOKEN was rejected by Telegram") from None
        log.info("starting as @%s on %s", me.username, database.engine.dialect.name)
        await bot.delete_webhook(drop_pending_updates=False)
        await dispatcher.start_polling(
            bot,
            handle_signals=True,
            close_bot_session=True,
            allowed_updates=dispatcher.resolve_used_update_types(),
        )
    finally:
        await bot.session.close()
        await database.dispose()
        log.info("stopped")
