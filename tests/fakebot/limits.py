"""Injected failures and Telegram-style flood control."""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass

from .errors import ApiError, BrokenAnswer, default_description, too_many_requests

FLOOD_CONTROLLED_PREFIX = "send"
FLOOD_EXEMPT = frozenset({"sendchataction"})


@dataclass
class Fault:
    method: str | None  # lower-case; None matches every method
    remaining: int
    status: int
    description: str | None
    retry_after: int | None
    broken: str | None = None  # "drop" or "garbage": no API answer at all

    def error(self) -> ApiError | BrokenAnswer:
        if self.broken:
            return BrokenAnswer(self.broken)
        retry_after = self.retry_after
        if self.status == 429 and retry_after is None:
            retry_after = 1
        description = self.description or default_description(self.status, retry_after)
        return ApiError(self.status, description, retry_after)


class FaultPlan:
    def __init__(self) -> None:
        self.faults: list[Fault] = []

    def add(self, fault: Fault) -> None:
        self.faults.append(fault)

    def take(self, method: str) -> ApiError | BrokenAnswer | None:
        for fault in self.faults:
            if fault.method in (None, method.lower()):
                fault.remaining -= 1
                if fault.remaining <= 0:
                    self.faults.remove(fault)
                return fault.error()
        return None


class _Bucket:
    """A token bucket holding one second's worth of sends, so short bursts pass like on Telegram."""

    def __init__(self, rate: float, burst: float, now: float) -> None:
        self.rate = rate
        self.capacity = max(1.0, burst)
        self.tokens = self.capacity
        self.updated = now

    def refill(self, now: float) -> None:
        self.tokens = min(self.capacity, self.tokens + (now - self.updated) * self.rate)
        self.updated = now

    def wait_time(self) -> float:
        return 0.0 if self.tokens >= 1 else (1 - self.tokens) / self.rate


class RateLimiter:
    def __init__(self, clock: Callable[[], float]) -> None:
        self.clock = clock
        self.per_second: float | None = None
        self.per_chat_per_second: float | None = None
        self._global: _Bucket | None = None
        self._chats: dict[object, _Bucket] = {}

    def configure(self, per_second: float | None, per_chat_per_second: float | None) -> None:
        self.per_second = per_second or None
        self.per_chat_per_second = per_chat_per_second or None
        self._global = None
        self._chats.clear()

    def check(self, method: str, chat_id: object) -> None:
        """Spend one send or raise 429 with the whole seconds until it would have passed."""
        lowered = method.lower()
        if not lowered.startswith(FLOOD_CONTROLLED_PREFIX) or lowered in FLOOD_EXEMPT:
            return
        now = self.clock()
        buckets: list[_Bucket] = []
        if self.per_second:
            if self._global is None:
                self._global = _Bucket(self.per_second, self.per_second, now)
            buckets.append(self._global)
        if self.per_chat_per_second and chat_id is not None:
            if chat_id not in self._chats:
                rate = self.per_chat_per_second
                self._chats[chat_id] = _Bucket(rate, rate, now)
            buckets.append(self._chats[chat_id])
        for bucket in buckets:
            bucket.refill(now)
        wait = max((bucket.wait_time() for bucket in buckets), default=0.0)
        if wait > 0:
            raise too_many_requests(max(1, math.ceil(wait)))
        for bucket in buckets:
            bucket.tokens -= 1
