"""Webhook mode: `python -m bot webhook` serves Telegram's POSTs with aiohttp.

Each update is handled before the request is answered (not in the background), so a 200
means the update's transaction has committed; if the process dies first, Telegram (or the
proxy) gets no 200 and delivers the update again, and the database claim drops a second
delivery of an update that was handled. Several instances behind one proxy therefore
handle each update once.

SIGTERM: the listening socket closes (the proxy sends new updates to the other instances),
the updates in flight finish (up to SHUTDOWN_TIMEOUT), the leader's ticker and outbox
sender stop, and the process exits 0. The webhook stays registered for the other
instances.
"""

from __future__ import annotations

import asyncio
import json
import logging
import signal
from importlib.metadata import PackageNotFoundError, version

from aiogram.webhook.aiohttp_server import SimpleRequestHandler, setup_application
from aiohttp import web
from sqlalchemy import text

from bot.runner import Runtime
from storage.settings import Settings

log = logging.getLogger("bot")

HEALTH_PATH = "/healthz"
HEALTH_DB_TIMEOUT = 3.0


def app_version() -> str:
    try:
        return version("mentorship-bot")
    except PackageNotFoundError:
        return "unknown"


def build_web_app(runtime: Runtime) -> web.Application:
    settings = runtime.settings
    assert settings.webhook_secret is not None
    app = web.Application()
    # Startup and shutdown first: on shutdown the dispatcher drains the updates in flight
    # before the request handler closes the Bot's HTTP session they answer through.
    setup_application(app, runtime.dispatcher, bot=runtime.bot)
    SimpleRequestHandler(
        runtime.dispatcher,
        runtime.bot,
        handle_in_background=False,
        secret_token=settings.webhook_secret.get_secret_value(),
    ).register(app, path=settings.webhook_path)

    async def healthz(request: web.Request) -> web.Response:
        database_ok = await _database_reachable(runtime)
        body = {
            "status": "ok" if database_ok else "degraded",
            "database": database_ok,
            "leader": runtime.leadership.leading,
            "in_flight": runtime.app.inflight.count,
            "version": app_version(),
        }
        return web.json_response(body, status=200 if database_ok else 503, dumps=json.dumps)

    app.router.add_get(HEALTH_PATH, healthz)
    return app


async def _database_reachable(runtime: Runtime) -> bool:
    async def probe() -> None:
        async with runtime.database.reading() as session:
            await session.execute(text("SELECT 1"))

    try:
        await asyncio.wait_for(probe(), HEALTH_DB_TIMEOUT)
    except Exception as exc:
        log.warning("healthz: the database is unreachable: %s: %s", type(exc).__name__, exc)
        return False
    return True


async def run_webhook(settings: Settings) -> None:
    settings.require_webhook()
    assert settings.webhook_secret is not None
    runtime = await Runtime.open(settings)
    try:
        me = await runtime.identify()
        runner = web.AppRunner(
            build_web_app(runtime),
            handle_signals=False,
            access_log=None,
            # aiohttp's own wait for the requests in flight; the dispatcher's shutdown hook
            # waits for their updates with the same bound.
            shutdown_timeout=settings.shutdown_timeout,
        )
        await runner.setup()  # runs the dispatcher's startup: commands, leadership
        try:
            site = web.TCPSite(runner, settings.webhook_host, settings.webhook_port)
            await site.start()
            log.info(
                "starting as @%s on %s, listening on %s:%s%s",
                me.username,
                runtime.database.engine.dialect.name,
                settings.webhook_host,
                settings.webhook_port,
                settings.webhook_path,
            )
            await runtime.bot.set_webhook(
                settings.webhook_endpoint,
                secret_token=settings.webhook_secret.get_secret_value(),
                allowed_updates=runtime.dispatcher.resolve_used_update_types(),
                drop_pending_updates=False,
            )
            await _until_signalled()
            log.info("stopping: no longer accepting updates")
        finally:
            # Stops listening, lets the requests in flight finish, then the dispatcher's
            # shutdown drains the updates and stops the leader's jobs.
            await runner.cleanup()
    finally:
        await runtime.close()


async def _until_signalled() -> None:
    loop = asyncio.get_running_loop()
    stop = asyncio.Event()
    for sig in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(sig, stop.set)
    try:
        await stop.wait()
    finally:
        for sig in (signal.SIGTERM, signal.SIGINT):
            loop.remove_signal_handler(sig)
