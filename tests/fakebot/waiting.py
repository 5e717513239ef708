"""A wake-up signal that binds to whichever event loop is waiting.

asyncio.Condition would tie the fake to the loop that first used it; pytest-asyncio gives
each test its own loop, and a FakeTelegram may be built outside any loop at all.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from typing import TypeVar

T = TypeVar("T")


class Notifier:
    def __init__(self) -> None:
        self._waiters: list[asyncio.Future[None]] = []

    def notify(self) -> None:
        waiters, self._waiters = self._waiters, []
        for waiter in waiters:
            if not waiter.done():
                waiter.set_result(None)

    async def wait(self, seconds: float) -> None:
        waiter = asyncio.get_running_loop().create_future()
        self._waiters.append(waiter)
        try:
            async with asyncio.timeout(max(seconds, 0)):
                await waiter
        except TimeoutError:
            pass
        finally:
            if waiter in self._waiters:
                self._waiters.remove(waiter)

    async def wait_until(self, check: Callable[[], T | None], seconds: float) -> T | None:
        """The first non-None `check()`, re-evaluated on every notify, or None at the deadline."""
        loop = asyncio.get_running_loop()
        deadline = loop.time() + seconds
        while True:
            result = check()
            if result is not None:
                return result
            remaining = deadline - loop.time()
            if remaining <= 0:
                return None
            await self.wait(remaining)
