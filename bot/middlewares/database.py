"""One database session per update, and the drop of updates Telegram delivers twice.

Two middlewares, because aiogram's FSM middleware must sit between them: the session is
opened first (no query yet), so the FSM state is read inside the update's own transaction
after the per-person lock is taken; the update id is claimed after that lock, so the
lock order is always "person, then database" and two updates of one person never wait
for each other in opposite orders.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from typing import Any

from aiogram import BaseMiddleware
from aiogram.types import TelegramObject, Update

from storage.clock import Clock
from storage.conversations import write_pending
from storage.db import Database, current_session, has_pending_work
from storage.updates import claim_update

log = logging.getLogger(__name__)
Handler = Callable[[TelegramObject, dict[str, Any]], Awaitable[Any]]


class SessionMiddleware(BaseMiddleware):
    def __init__(self, database: Database) -> None:
        self.database = database

    async def __call__(self, handler: Handler, event: TelegramObject, data: dict[str, Any]) -> Any:
        async with self.database.sessions() as session:
            token = current_session.set(session)
            data["session"] = session
            try:
                result = await handler(event, data)
                if has_pending_work(session):
                    await session.commit()
                return result
            except BaseException:
                await session.rollback()
                raise
            finally:
                current_session.reset(token)


class ClaimUpdateMiddleware(BaseMiddleware):
    def __init__(self, clock: Clock) -> None:
        self.clock = clock

    async def __call__(self, handler: Handler, event: TelegramObject, data: dict[str, Any]) -> Any:
        assert isinstance(event, Update)
        session = data["session"]
        if not await claim_update(session, data["bot"].id, event.update_id, self.clock.now()):
            log.info("update %s was handled before; dropped", event.update_id)
            await session.rollback()
            return None
        result = await handler(event, data)
        # Commit while the person's lock (held by the FSM middleware around us) is still
        # taken, so their next update never reads the state from before this one.
        await write_pending(session)
        if has_pending_work(session):
            await session.commit()
        return result
