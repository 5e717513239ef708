"""Lists and counts of programmes for /pairs."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from sqlalchemy import case, func, select
from sqlalchemy.ext.asyncio import AsyncSession

from storage.models.catalogue import CatalogueEntry
from storage.models.core import Person
from storage.models.meetings import Meeting
from storage.models.orgs import Organization
from storage.models.programmes import Programme, ProgrammeMember

QUIET_AFTER = timedelta(days=30)


@dataclass(frozen=True)
class Row:
    programme_id: int
    is_group: bool
    status: str
    form: str
    starts_on: date
    planned_end_on: date
    mentors: list[str]
    mentees: list[str]
    # Active, and no meeting logged for QUIET_AFTER (or since the start, if none yet).
    quiet: bool = False


async def programme_rows(
    session: AsyncSession,
    *,
    person_id: int | None = None,
    school_ids: set[int] | None = None,
    status: str | None = None,
    form_id: int | None = None,
    limit: int = 20,
    offset: int = 0,
    today: date | None = None,
) -> tuple[list[Row], int]:
    """A page of programmes where the person is a member, or of the schools; and the total.

    With `today`, active programmes without a meeting in the last 30 days are marked quiet."""
    query = select(Programme.id)
    if person_id is not None:
        query = query.join(ProgrammeMember, ProgrammeMember.programme_id == Programme.id).where(
            ProgrammeMember.person_id == person_id
        )
    if school_ids is not None:
        query = query.where(Programme.school_id.in_(school_ids))
    if status is not None:
        query = query.where(Programme.status == status)
    if form_id is not None:
        query = query.where(Programme.form_id == form_id)
    total = await session.scalar(select(func.count()).select_from(query.subquery()))
    ids = list(
        (
            await session.scalars(query.order_by(Programme.id.desc()).limit(limit).offset(offset))
        ).all()
    )
    if not ids:
        return [], total or 0
    programmes = (
        await session.execute(
            select(Programme, CatalogueEntry.name)
            .join(CatalogueEntry, CatalogueEntry.id == Programme.form_id)
            .where(Programme.id.in_(ids))
        )
    ).all()
    members = (
        await session.execute(
            select(ProgrammeMember.programme_id, ProgrammeMember.role, Person.full_name)
            .join(Person, Person.id == ProgrammeMember.person_id)
            .where(ProgrammeMember.programme_id.in_(ids))
            .order_by(Person.full_name)
        )
    ).all()
    people: dict[int, dict[str, list[str]]] = {i: {"mentor": [], "mentee": []} for i in ids}
    for programme_id, role, name in members:
        people[programme_id][role].append(name or "—")
    last_meeting = dict(
        (
            await session.execute(
                select(Meeting.programme_id, func.max(Meeting.held_on))
                .where(Meeting.programme_id.in_(ids), Meeting.deleted_at.is_(None))
                .group_by(Meeting.programme_id)
            )
        ).all()
    )

    def quiet(programme: Programme) -> bool:
        since = last_meeting.get(programme.id) or programme.starts_on
        return today is not None and programme.status == "active" and since <= today - QUIET_AFTER

    by_id = {p.id: (p, form) for p, form in programmes}
    rows = [
        Row(
            programme_id=i,
            is_group=by_id[i][0].is_group,
            status=by_id[i][0].status,
            form=by_id[i][1],
            starts_on=by_id[i][0].starts_on,
            planned_end_on=by_id[i][0].planned_end_on,
            mentors=people[i]["mentor"],
            mentees=people[i]["mentee"],
            quiet=quiet(by_id[i][0]),
        )
        for i in ids
    ]
    return rows, total or 0


@dataclass(frozen=True)
class SchoolCounts:
    school: str
    active_pairs: int
    active_groups: int
    proposed: int
    closed: int


async def counts_by_school(session: AsyncSession, school_ids: set[int]) -> list[SchoolCounts]:
    """For coordinators: one row per school, schools without programmes included."""

    def count(condition) -> object:
        return func.coalesce(func.sum(case((condition, 1), else_=0)), 0)

    rows = await session.execute(
        select(
            Organization.name,
            count((Programme.status == "active") & (Programme.is_group.is_(False))),
            count((Programme.status == "active") & (Programme.is_group.is_(True))),
            count(Programme.status == "proposed"),
            count(Programme.status == "closed"),
        )
        .outerjoin(Programme, Programme.school_id == Organization.id)
        .where(Organization.id.in_(school_ids))
        .group_by(Organization.id, Organization.name)
        .order_by(Organization.name)
    )
    return [SchoolCounts(*row) for row in rows.all()]


async def forms_in_use(session: AsyncSession, school_ids: set[int]) -> list[tuple[int, str]]:
    """The forms the schools' programmes use, for filtering the list by form."""
    rows = await session.execute(
        select(CatalogueEntry.id, CatalogueEntry.name)
        .join(Programme, Programme.form_id == CatalogueEntry.id)
        .where(Programme.school_id.in_(school_ids))
        .distinct()
        .order_by(CatalogueEntry.name)
    )
    return [(entry_id, name) for entry_id, name in rows.all()]
