"""The reminder planner: a ticker job that asks the database what each person is owed today
and puts it in the outbox.

Every kind is a planner function returning `Owed` items with the local date that triggers
them; the job enqueues those whose date has come (in the school's own time zone) and is not
older than the lookback, at 10:00 local. Enqueueing is idempotent (one row per kind, subject
and recipient), so a repeated tick, a restart or two instances owe each reminder once; and a
reminder whose day passed while the bot was down is still enqueued for up to LOOKBACK days,
goes out with the outbox's "sent late" wording, and expires past the outbox's cutoff. A
reminder planned after its hour while the bot was running (a coordinator moved a date to
today) is not late: lateness is decided from the bot's uptime (storage/uptime.py).
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Iterable
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from storage.models.profiles import MenteeProfile, MentorProfile
from storage.orgs.scope import effective_timezone
from storage.outbox.queue import enqueue, local_moment

LOOKBACK = timedelta(days=3)


@dataclass(frozen=True)
class Owed:
    kind: str
    subject: str
    person_id: int
    school_id: int  # whose time zone and whose coordinator's /outbox it belongs to
    trigger: date  # the local day it is due
    params: dict[str, Any] = field(default_factory=dict)


class Zones:
    """Each school's zone and local date, looked up once per planning pass."""

    def __init__(self, session: AsyncSession, now: datetime, default: str) -> None:
        self.session, self.now, self.default = session, now, default
        self._zones: dict[int, str] = {}

    async def zone(self, school_id: int) -> str:
        if school_id not in self._zones:
            self._zones[school_id] = await effective_timezone(self.session, school_id, self.default)
        return self._zones[school_id]

    async def today(self, school_id: int) -> date:
        return self.now.astimezone(ZoneInfo(await self.zone(school_id))).date()


Planner = Callable[[AsyncSession, Zones], Awaitable[Iterable[Owed]]]
PLANNERS: dict[str, Planner] = {}


def plans(kind: str) -> Callable[[Planner], Planner]:
    def register(function: Planner) -> Planner:
        PLANNERS[kind] = function
        return function

    return register


async def _students(session: AsyncSession, person_ids: set[int]) -> set[int]:
    """Pupils among the recipients: their quiet hours start at 20:00."""
    found: set[int] = set()
    for model in (MenteeProfile, MentorProfile):
        rows = await session.scalars(
            select(model.person_id).where(
                model.person_id.in_(person_ids), model.category == "student"
            )
        )
        found |= set(rows.all())
    return found


async def plan_and_enqueue(
    session: AsyncSession, now: datetime, default_timezone: str, kinds: Iterable[str] | None = None
) -> int:
    """Enqueue everything owed as of `now`; returns how many new rows were written."""
    zones = Zones(session, now, default_timezone)
    owed: list[Owed] = []
    for kind in kinds or PLANNERS:
        for item in await PLANNERS[kind](session, zones):
            today = await zones.today(item.school_id)
            if today - LOOKBACK <= item.trigger <= today:
                owed.append(item)
    students = await _students(session, {item.person_id for item in owed})
    written = 0
    for item in owed:
        zone = await zones.zone(item.school_id)
        written += await enqueue(
            session,
            kind=item.kind,
            subject=item.subject,
            person_id=item.person_id,
            due_at=local_moment(item.trigger, zone),
            timezone=zone,
            now=now,
            org_id=item.school_id,
            params=item.params,
            student=item.person_id in students,
        )
    return written
