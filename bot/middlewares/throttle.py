"""Pace one person who sends fast, refuse a flood, and leave everyone else alone.

Up to `rate` events per person within `window` seconds go straight through. More wait their
turn (in order) until the window allows them, up to `backlog` waiting at once: a person
tapping through a questionnaire as fast as they can is slowed a little and loses nothing.
Beyond that it is a flood: the event is refused before any database work, and the first
refusal of a window is told in the chat, naming what was skipped (ThrottleNotice, which
runs once the person's language is known). Later refusals of the window stay silent, except
that a tap still gets its answer, so the button stops spinning.

The waiting happens before the database session and the person's lock are taken, so a
waiting event holds no transaction, connection or lock. The counters live in this process:
a flood spread over several instances is throttled per instance, which is enough to
protect the database.
"""

from __future__ import annotations

import asyncio
import time
from collections import defaultdict, deque
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from html import escape
from typing import Any, Protocol

from aiogram import BaseMiddleware
from aiogram.types import CallbackQuery, Message, TelegramObject, Update, User
from aiogram.utils.i18n import gettext as _

Handler = Callable[[TelegramObject, dict[str, Any]], Awaitable[Any]]
# Events waiting their turn wake this far apart, so they go on in the order they came.
SPACING = 0.001
QUOTE_LIMIT = 40


class Timer(Protocol):
    def monotonic(self) -> float: ...

    async def sleep(self, seconds: float) -> None: ...


class RealTimer:
    def monotonic(self) -> float:
        return time.monotonic()

    async def sleep(self, seconds: float) -> None:
        await asyncio.sleep(seconds)


@dataclass(frozen=True)
class Refused:
    """Put into the event's data for the one refusal of a window the person is told of."""


class ThrottleMiddleware(BaseMiddleware):
    """An outer middleware of updates, before the database session (see bot/factory.py)."""

    def __init__(
        self, rate: int, window: float, backlog: int | None = None, timer: Timer | None = None
    ) -> None:
        self.rate = rate
        self.window = window
        self.backlog = rate if backlog is None else backlog
        self.timer = timer or RealTimer()
        self._starts: defaultdict[int, deque[float]] = defaultdict(deque)
        self._told_at: dict[int, float] = {}

    async def __call__(self, handler: Handler, event: TelegramObject, data: dict[str, Any]) -> Any:
        user: User | None = data.get("event_from_user")
        paced = isinstance(event, Update) and (
            event.message is not None or event.callback_query is not None
        )
        if user is None or not paced:
            return await handler(event, data)
        delay = self._admit(user.id)
        if delay is None:
            if not self._tell(user.id):
                await _answer_quietly(event)
                return None
            data["throttle_refused"] = Refused()
        elif delay > 0:
            await self.timer.sleep(delay)
        return await handler(event, data)

    def _admit(self, user_id: int) -> float | None:
        """Seconds to wait before handling the event, or None when it is refused."""
        now = self.timer.monotonic()
        starts = self._starts[user_id]
        while starts and starts[0] <= now - self.window:
            starts.popleft()
        slot = max(now, starts[-1]) if starts else now
        if len(starts) >= self.rate:
            slot = max(slot, starts[-self.rate] + self.window)
        if slot > now:
            waiting = sum(1 for start in starts if start > now)
            if waiting >= self.backlog:
                return None
            if starts and slot <= starts[-1]:
                slot = starts[-1] + SPACING
        starts.append(slot)
        if len(self._starts) > 10_000:
            self._forget_quiet(now)
        return slot - now

    def _tell(self, user_id: int) -> bool:
        """True for the first refusal of a window: that one is told in the chat."""
        now = self.timer.monotonic()
        told = self._told_at.get(user_id)
        if told is not None and now - told < self.window:
            return False
        self._told_at[user_id] = now
        return True

    def _forget_quiet(self, now: float) -> None:
        for user_id in [u for u, s in self._starts.items() if not s or s[-1] <= now - self.window]:
            del self._starts[user_id]
            self._told_at.pop(user_id, None)


async def _answer_quietly(update: Update) -> None:
    if update.callback_query is not None:
        await update.callback_query.answer()


class ThrottleNotice(BaseMiddleware):
    """For messages and taps: a refused event is told in the person's language, not handled."""

    async def __call__(self, handler: Handler, event: TelegramObject, data: dict[str, Any]) -> Any:
        if "throttle_refused" not in data:
            return await handler(event, data)
        if isinstance(event, Message) and event.chat.type != "private":
            return None  # groups are ignored (bot/factory.py), refusals there too
        text = _(
            "You are sending faster than I can take: I skipped {what}, and I may skip more of "
            "what you send in the next few seconds. Please wait a moment, then repeat it."
        ).format(what=_skipped(event))
        if isinstance(event, CallbackQuery):
            await event.answer(_("Too much at once. Please wait a moment."))
            if isinstance(event.message, Message):
                await event.message.answer(text)
        elif isinstance(event, Message):
            await event.answer(text)
        return None


def _skipped(event: TelegramObject) -> str:
    """What was refused, in the person's words: their text, or the label they tapped."""
    if isinstance(event, CallbackQuery):
        label = _label(event)
        if label:
            return _("the tap on «{label}»").format(label=escape(label))
        return _("a tap on a button")
    if isinstance(event, Message) and event.text:
        quoted = event.text if len(event.text) <= QUOTE_LIMIT else event.text[:QUOTE_LIMIT] + "…"
        return _("your message «{text}»").format(text=escape(quoted))
    return _("your message")


def _label(query: CallbackQuery) -> str | None:
    markup = query.message.reply_markup if isinstance(query.message, Message) else None
    for row in markup.inline_keyboard if markup else []:
        for button in row:
            if button.callback_data == query.data:
                return button.text
    return None
