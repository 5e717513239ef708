"""Sending at Telegram's pace: an overall rate, one message a second per chat, and a pause
for everyone when Telegram answers 429."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar


class Pacer:
    def __init__(
        self,
        per_second: float,
        per_chat_interval: float = 1.0,
        monotonic: Callable[[], float] = time.monotonic,
    ) -> None:
        self.interval = 1.0 / per_second
        self.per_chat_interval = per_chat_interval
        self.monotonic = monotonic
        self.next_slot = 0.0
        self.paused_until = 0.0
        self.last_by_chat: dict[int, float] = {}

    def chat_wait(self, chat_id: int) -> float:
        """Seconds until this chat may get another message."""
        last = self.last_by_chat.get(chat_id)
        if last is None:
            return 0.0
        return max(0.0, last + self.per_chat_interval - self.monotonic())

    async def slot(self, chat_id: int) -> None:
        """Wait for the next overall slot and for the chat's own; then take both."""
        now = self.monotonic()
        start = max(now, self.next_slot, self.paused_until, now + self.chat_wait(chat_id))
        self.next_slot = start + self.interval
        if start > now:
            await asyncio.sleep(start - now)
        self.last_by_chat[chat_id] = self.monotonic()
        if len(self.last_by_chat) > 10_000:
            horizon = self.monotonic() - self.per_chat_interval
            self.last_by_chat = {c: t for c, t in self.last_by_chat.items() if t > horizon}

    def pause(self, seconds: float) -> None:
        """Telegram said "retry after": nothing goes out to anyone until then."""
        self.paused_until = max(self.paused_until, self.monotonic() + seconds)
        self.next_slot = max(self.next_slot, self.paused_until)


# The outbox paces itself; bot/middlewares/retry_after.py leaves its requests alone.
_paced_by_caller: ContextVar[bool] = ContextVar("paced_by_caller", default=False)


@contextmanager
def paced_by_caller() -> Iterator[None]:
    """Requests made inside answer a 429 to the caller at once: it keeps its own pacing."""
    token = _paced_by_caller.set(True)
    try:
        yield
    finally:
        _paced_by_caller.reset(token)


def is_paced_by_caller() -> bool:
    return _paced_by_caller.get()
