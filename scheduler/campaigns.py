"""The ticker's campaign job: every municipality has its next campaigns, and campaigns whose
deadline has passed (in the municipality's time zone) are sealed: their figures published,
their response links erased.

The work is cheap but there is no point doing it every 30 seconds: it runs on the first tick
and then once an hour by the injected clock, so a day's change in any time zone is seen
within the hour. Sealing is idempotent, so a missed hour only delays it.
"""

from __future__ import annotations

import logging
from datetime import datetime
from zoneinfo import ZoneInfo

from sqlalchemy import select

from storage.campaigns.changes import ensure_upcoming, seal_due
from storage.clock import Clock
from storage.db import Database
from storage.models.enums import OrgLevel
from storage.models.orgs import Organization
from storage.orgs.scope import effective_timezone

log = logging.getLogger(__name__)


async def run_campaigns(database: Database, clock: Clock, default_timezone: str) -> int:
    """One pass over every municipality; the number of campaigns sealed."""
    now = clock.now()
    sealed = 0
    async with database.reading() as session:
        municipalities = (
            await session.scalars(
                select(Organization.id).where(Organization.level == OrgLevel.municipality)
            )
        ).all()
    for municipality_id in municipalities:
        # One short transaction per municipality: sealing publishes the campaign's figures
        # (a few tenths of a second for a large municipality), and a region's municipalities
        # mostly pass their deadline in the same hour.
        async with database.transaction() as session:
            zone = await effective_timezone(session, municipality_id, default_timezone)
            today = now.astimezone(ZoneInfo(zone)).date()
            await ensure_upcoming(session, municipality_id, today, now)
            sealed += await seal_due(session, municipality_id, today, now)
    if sealed:
        log.info("campaigns: sealed %s campaign(s) past their deadline", sealed)
    return sealed


class CampaignJob:
    """The ticker calls this every tick; it works at most once per clock hour."""

    def __init__(self, database: Database, clock: Clock, default_timezone: str) -> None:
        self.database = database
        self.clock = clock
        self.default_timezone = default_timezone
        self.last_hour: datetime | None = None

    async def __call__(self) -> None:
        hour = self.clock.now().replace(minute=0, second=0, microsecond=0)
        if hour == self.last_hour:
            return
        await run_campaigns(self.database, self.clock, self.default_timezone)
        self.last_hour = hour
