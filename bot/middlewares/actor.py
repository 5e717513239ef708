"""Load the person behind the update and their roles once, as an Actor for every handler."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

from aiogram import BaseMiddleware
from aiogram.types import TelegramObject, User

from bot.actor import load_actor
from bot.clock import Clock


class ActorMiddleware(BaseMiddleware):
    def __init__(self, clock: Clock, admin_ids: frozenset[int]) -> None:
        self.clock = clock
        self.admin_ids = admin_ids

    async def __call__(
        self,
        handler: Callable[[TelegramObject, dict[str, Any]], Awaitable[Any]],
        event: TelegramObject,
        data: dict[str, Any],
    ) -> Any:
        user: User | None = data.get("event_from_user")
        if user is not None and not user.is_bot:
            data["actor"] = await load_actor(
                data["session"], user.id, self.admin_ids, self.clock.now()
            )
        return await handler(event, data)
