"""Virtual time for what waits in the bot's own process (the throttle): no real sleeping."""

from __future__ import annotations

import asyncio


class VirtualTime:
    """A monotonic clock that moves only when something sleeps on it.

    A sleeper yields once, then moves the clock to the end of its sleep; events that arrive
    together are decided at the same instant, whatever the machine's speed.
    """

    def __init__(self, start: float = 1000.0) -> None:
        self.now = start
        self.sleeps: list[float] = []

    def monotonic(self) -> float:
        return self.now

    async def sleep(self, seconds: float) -> None:
        self.sleeps.append(seconds)
        wake = self.now + seconds
        await asyncio.sleep(0)
        self.now = max(self.now, wake)

    def advance(self, seconds: float) -> None:
        self.now += seconds
