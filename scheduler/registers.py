"""The ticker job of imported registers: erase pending records whose invitation expired
unused long enough ago (PENDING_RETENTION_DAYS), tell the school's curators a week before,
and form the pairs named in the registers whose members have all joined meanwhile (a
guardian's consent recorded, a person reactivated), asking the members through the outbox.
"""

from __future__ import annotations

import logging
from datetime import datetime, timedelta

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from storage.clock import Clock
from storage.db import Database
from storage.meetings.people import school_curators
from storage.models.core import Person
from storage.models.orgs import Organization
from storage.models.programmes import Programme, ProgrammeMember
from storage.orgs.scope import effective_timezone
from storage.outbox.queue import enqueue
from storage.registers.entries import erase_expired, erasure_soon
from storage.registers.pairs import form_ready

log = logging.getLogger(__name__)

EVERY = timedelta(minutes=10)


class RegistersJob:
    def __init__(
        self, database: Database, clock: Clock, default_timezone: str, retention_days: int
    ) -> None:
        self.database, self.clock = database, clock
        self.default_timezone = default_timezone
        self.retention = timedelta(days=retention_days)
        self.last_run: datetime | None = None

    async def __call__(self) -> None:
        now = self.clock.now()
        if self.last_run is not None and now - self.last_run < EVERY:
            return
        self.last_run = now
        async with self.database.transaction() as session:
            erased = await erase_expired(session, now, self.retention)
            notices = await self.notify(session, now)
            formed = await self.form(session, now)
        if erased or notices or formed:
            log.info(
                "registers: erased %s pending record(s), %s notice(s), %s pair(s) formed",
                erased,
                notices,
                formed,
            )

    async def notify(self, session: AsyncSession, now: datetime) -> int:
        written = 0
        for soon in await erasure_soon(session, now, self.retention):
            school = await session.get(Organization, soon.school_id)
            zone = await effective_timezone(session, soon.school_id, self.default_timezone)
            params = {
                "school": school.name if school else "",
                "count": len(soon.names),
                "names": soon.names[:30],
                "day": soon.day.isoformat(),
            }
            for curator in await school_curators(session, soon.school_id):
                written += await enqueue(
                    session,
                    kind="register_erasure",
                    subject=f"{soon.school_id}:{soon.day.isoformat()}",
                    person_id=curator,
                    due_at=now,
                    timezone=zone,
                    now=now,
                    org_id=soon.school_id,
                    params=params,
                    cutoff=self.retention,
                )
        return written

    async def form(self, session: AsyncSession, now: datetime) -> int:
        formed = await form_ready(session, now, one_per_person=True)
        for programme_id in formed:
            await enqueue_proposal(session, programme_id, now, self.default_timezone)
        return len(formed)


async def enqueue_proposal(
    session: AsyncSession, programme_id: int, now: datetime, default_timezone: str
) -> None:
    programme = await session.get(Programme, programme_id)
    assert programme is not None
    members = (
        await session.execute(
            select(ProgrammeMember.person_id, ProgrammeMember.role, Person.full_name)
            .join(Person, Person.id == ProgrammeMember.person_id)
            .where(ProgrammeMember.programme_id == programme_id)
            .order_by(Person.full_name)
        )
    ).all()
    school = await session.get(Organization, programme.school_id)
    zone = await effective_timezone(session, programme.school_id, default_timezone)
    params = {
        "programme_id": programme_id,
        "school": school.name if school else "",
        "is_group": programme.is_group,
        "mentors": [name or "—" for _p, role, name in members if role == "mentor"],
        "mentees": [name or "—" for _p, role, name in members if role == "mentee"],
        "starts_on": programme.starts_on.isoformat(),
        "planned_end_on": programme.planned_end_on.isoformat(),
        "goals": programme.goals[:500],
    }
    for person_id, _role, _name in members:
        await enqueue(
            session,
            kind="register_pair",
            subject=str(programme_id),
            person_id=person_id,
            due_at=now,
            timezone=zone,
            now=now,
            org_id=programme.school_id,
            params=params,
            cutoff=timedelta(days=14),
        )
