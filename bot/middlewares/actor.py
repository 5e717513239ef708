"""Load the person behind the update once, as an Actor value for every handler."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

from aiogram import BaseMiddleware
from aiogram.types import TelegramObject, User

from bot.actor import Actor
from bot.clock import Clock
from storage.people import get_or_create_person


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
            person = await get_or_create_person(data["session"], user.id, self.clock.now())
            data["actor"] = Actor(
                person_id=person.id,
                telegram_id=user.id,
                locale=person.locale,
                is_admin=user.id in self.admin_ids,
            )
        return await handler(event, data)
