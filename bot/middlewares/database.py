"""One database session per update, and the drop of updates Telegram delivers twice."""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from typing import Any

from aiogram import BaseMiddleware
from aiogram.types import TelegramObject, Update

from bot.clock import Clock
from storage.db import Database, current_session
from storage.updates import claim_update

log = logging.getLogger(__name__)


class DatabaseMiddleware(BaseMiddleware):
    def __init__(self, database: Database, clock: Clock) -> None:
        self.database = database
        self.clock = clock

    async def __call__(
        self,
        handler: Callable[[TelegramObject, dict[str, Any]], Awaitable[Any]],
        event: TelegramObject,
        data: dict[str, Any],
    ) -> Any:
        assert isinstance(event, Update)
        async with self.database.sessions() as session:
            token = current_session.set(session)
            try:
                bot_id = data["bot"].id
                if not await claim_update(session, bot_id, event.update_id, self.clock.now()):
                    log.info("update %s was handled before; dropped", event.update_id)
                    await session.rollback()
                    return None
                data["session"] = session
                result = await handler(event, data)
                await session.commit()
                return result
            except BaseException:
                await session.rollback()
                raise
            finally:
                current_session.reset(token)
