"""APScheduler runs one short interval job; the database says what is due.

A cron trigger missed while the bot was down is simply skipped by APScheduler, so
nothing here is scheduled for a wall-clock moment: every tick asks the database what
is due now (by the injected clock) and does it.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime, timedelta

from apscheduler.schedulers.asyncio import AsyncIOScheduler

from storage.clock import Clock

log = logging.getLogger(__name__)

TickJob = Callable[[], Awaitable[None]]


class Ticker:
    def __init__(self, clock: Clock, interval_seconds: float) -> None:
        self.clock = clock
        self.interval_seconds = interval_seconds
        self.jobs: list[tuple[str, TickJob]] = []
        self.scheduler = AsyncIOScheduler(timezone="UTC")

    def add(self, name: str, job: TickJob) -> None:
        self.jobs.append((name, job))

    async def tick(self) -> None:
        """One pass over every job; a failing job is logged and does not stop the others."""
        for name, job in self.jobs:
            try:
                await job()
            except Exception:
                log.exception("tick job %s failed", name)

    def start(self) -> None:
        self.scheduler.add_job(
            self.tick,
            "interval",
            seconds=self.interval_seconds,
            id="ticker",
            max_instances=1,
            coalesce=True,
            # APScheduler runs on real time; only what is due follows the injected clock.
            next_run_time=datetime.now(UTC) + timedelta(seconds=1),
        )
        self.scheduler.start()

    def stop(self) -> None:
        if self.scheduler.running:
            self.scheduler.shutdown(wait=False)
