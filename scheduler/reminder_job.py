"""The ticker job that plans reminders; importing it registers every kind."""

from __future__ import annotations

import logging
from datetime import datetime, timedelta

import scheduler.reminders_campaigns
import scheduler.reminders_pairs  # noqa: F401  (registers the pair and meeting kinds)
from scheduler.reminders import plan_and_enqueue
from storage.clock import Clock
from storage.db import Database

log = logging.getLogger(__name__)

PLAN_EVERY = timedelta(minutes=10)


class ReminderJob:
    """The ticker job: plans at most every PLAN_EVERY (the ticker itself runs every 30 s)."""

    def __init__(self, database: Database, clock: Clock, default_timezone: str) -> None:
        self.database, self.clock, self.default_timezone = database, clock, default_timezone
        self.last_run: datetime | None = None

    async def __call__(self) -> None:
        now = self.clock.now()
        if self.last_run is not None and now - self.last_run < PLAN_EVERY:
            return
        self.last_run = now
        async with self.database.transaction() as session:
            written = await plan_and_enqueue(session, now, self.default_timezone)
        if written:
            log.info("reminders: %s new message(s) in the outbox", written)
