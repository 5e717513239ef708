"""Slow down one person who floods the bot, without touching anyone else."""

from __future__ import annotations

import time
from collections import defaultdict, deque
from collections.abc import Awaitable, Callable
from typing import Any

from aiogram import BaseMiddleware
from aiogram.types import CallbackQuery, Message, TelegramObject, User
from aiogram.utils.i18n import gettext as _


class ThrottleMiddleware(BaseMiddleware):
    """At most `rate` events per person within `window` seconds; the rest are dropped.

    The person is told once per window, so the warning itself cannot become a flood.
    The counters live in this process: a flood spread over several instances is
    throttled per instance, which is enough to protect the database.
    """

    def __init__(self, rate: int, window: float, monotonic: Callable[[], float] = time.monotonic):
        self.rate = rate
        self.window = window
        self.monotonic = monotonic
        self._seen: defaultdict[int, deque[float]] = defaultdict(deque)
        self._warned_at: dict[int, float] = {}

    async def __call__(
        self,
        handler: Callable[[TelegramObject, dict[str, Any]], Awaitable[Any]],
        event: TelegramObject,
        data: dict[str, Any],
    ) -> Any:
        user: User | None = data.get("event_from_user")
        if user is None or self._allow(user.id):
            return await handler(event, data)
        await self._warn_once(user.id, event)
        return None

    def _allow(self, user_id: int) -> bool:
        now = self.monotonic()
        seen = self._seen[user_id]
        while seen and now - seen[0] >= self.window:
            seen.popleft()
        if len(seen) >= self.rate:
            return False
        seen.append(now)
        if len(self._seen) > 10_000:
            self._forget_quiet(now)
        return True

    def _forget_quiet(self, now: float) -> None:
        for user_id in [u for u, s in self._seen.items() if not s or now - s[-1] >= self.window]:
            del self._seen[user_id]
            self._warned_at.pop(user_id, None)

    async def _warn_once(self, user_id: int, event: TelegramObject) -> None:
        now = self.monotonic()
        if now - self._warned_at.get(user_id, -self.window) < self.window:
            if isinstance(event, CallbackQuery):
                await event.answer()
            return
        self._warned_at[user_id] = now
        text = _("Too many messages at once. Please wait a couple of seconds and try again.")
        if isinstance(event, CallbackQuery):
            await event.answer(text)
        elif isinstance(event, Message):
            await event.answer(text)
