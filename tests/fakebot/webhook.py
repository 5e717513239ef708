"""Telegram's side of a webhook: POST each update to the bot until it answers 2xx.

The URL the bot registers with setWebhook is public (https://…); in a test it stands for a
reverse proxy in front of the bot's instances, so the delivery is given the instances'
loopback URLs as `targets` and plays the proxy too:
- "round-robin": each update goes to the next instance; one that refuses or fails is
  skipped and the update goes to the next one, as a load balancer retries;
- "fan-out": each update goes to every instance at once, as a retrying proxy that gave up
  waiting on one instance and asked another might; the bot must handle it once.

Nothing is delivered until the bot has called setWebhook; each request carries the
secret_token the bot gave as X-Telegram-Bot-Api-Secret-Token. Every attempt is recorded.
"""

from __future__ import annotations

import asyncio
import contextlib
import itertools
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import aiohttp

if TYPE_CHECKING:
    from .core import FakeTelegram

SECRET_HEADER = "X-Telegram-Bot-Api-Secret-Token"


@dataclass(frozen=True)
class Attempt:
    update_id: int
    target: str
    status: int  # 0: no answer (refused, reset, timed out)


class WebhookDelivery:
    def __init__(
        self,
        tg: FakeTelegram,
        targets: list[str],
        *,
        mode: str = "round-robin",
        concurrency: int = 8,
        retry_seconds: float = 0.2,
        request_timeout: float = 60.0,
    ) -> None:
        if mode not in ("round-robin", "fan-out"):
            raise ValueError(f"unknown delivery mode {mode!r}")
        self.tg = tg
        self.targets = list(targets)
        self.mode = mode
        self.concurrency = concurrency
        self.retry_seconds = retry_seconds
        self.request_timeout = request_timeout
        self.attempts: list[Attempt] = []
        self.delivered: set[int] = set()
        self._next_target = itertools.cycle(range(len(self.targets)))
        self._queue: asyncio.Queue[dict[str, Any]] = asyncio.Queue()
        self._tasks: list[asyncio.Task[None]] = []
        self._session: aiohttp.ClientSession | None = None

    def start(self) -> None:
        self._session = aiohttp.ClientSession(
            timeout=aiohttp.ClientTimeout(total=self.request_timeout)
        )
        self._tasks = [asyncio.create_task(self._feed(), name="webhook-feed")]
        self._tasks += [
            asyncio.create_task(self._worker(), name=f"webhook-{n}")
            for n in range(self.concurrency)
        ]

    async def stop(self) -> None:
        for task in self._tasks:
            task.cancel()
        for task in self._tasks:
            with contextlib.suppress(asyncio.CancelledError):
                await task
        self._tasks = []
        if self._session is not None:
            await self._session.close()
            self._session = None

    def statuses(self, update_id: int) -> list[int]:
        return [a.status for a in self.attempts if a.update_id == update_id]

    async def _feed(self) -> None:
        """Move updates from the queue Telegram keeps to the workers, once a webhook is set."""
        queue = self.tg.updates
        while True:
            if self.tg.webhook.get("url"):
                ready = queue.redeliveries + queue.pending
                queue.redeliveries, queue.pending = [], []
                for raw in ready:
                    self._queue.put_nowait(raw)
            await queue.changed.wait(0.2)

    async def _worker(self) -> None:
        while True:
            raw = await self._queue.get()
            try:
                await self._deliver(raw)
            finally:
                self._queue.task_done()

    async def _deliver(self, raw: dict[str, Any]) -> None:
        while True:
            if self.mode == "fan-out":
                statuses = await asyncio.gather(*(self._post(t, raw) for t in self.targets))
                ok = any(200 <= status < 300 for status in statuses)
            else:
                ok = False
                for _ in self.targets:
                    status = await self._post(self.targets[next(self._next_target)], raw)
                    if 200 <= status < 300:
                        ok = True
                        break
            if ok:
                self.delivered.add(raw["update_id"])
                return
            await asyncio.sleep(self.retry_seconds)

    async def _post(self, target: str, raw: dict[str, Any]) -> int:
        assert self._session is not None
        headers = {}
        secret = self.tg.webhook.get("params", {}).get("secret_token")
        if secret:
            headers[SECRET_HEADER] = str(secret)
        try:
            async with self._session.post(target, json=raw, headers=headers) as response:
                await response.read()
                status = response.status
        except (aiohttp.ClientError, TimeoutError, OSError):
            status = 0
        self.attempts.append(Attempt(raw["update_id"], target, status))
        return status
