"""The bank of best practices (банк лучших практик, seeds 001–004): a case is submitted by a
mentor or curator, approved for the school's bank by its curator (or returned with a note),
and promoted to the municipal bank by the municipality's coordinator.

Each change of status is a conditional UPDATE from the status it expects, so a double tap
or two reviewers at once change the case once; the loser is told what happened instead.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import Select, func, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from storage.models.community import Practice
from storage.models.core import Person
from storage.models.orgs import Organization

SUBMITTED, SCHOOL, MUNICIPAL, RETURNED = "submitted", "school", "municipal", "returned"
STATUSES = (SUBMITTED, SCHOOL, MUNICIPAL, RETURNED)
APPROVED = (SCHOOL, MUNICIPAL)  # in the school's bank (a promoted case stays there too)
TITLE_LENGTH = (3, 200)
DESCRIPTION_LENGTH = (20, 3000)
NOTE_LENGTH = (3, 1000)
MAX_FILES, MAX_LINKS = 10, 5


@dataclass(frozen=True)
class Draft:
    school_id: int
    title: str
    form_id: int | None
    topic: str | None
    description: str
    programme_id: int | None = None
    links: tuple[str, ...] = ()
    files: tuple[dict[str, str], ...] = ()


async def submit(
    session: AsyncSession, draft: Draft, author_id: int, now: datetime, replaces: int | None = None
) -> Practice:
    """A new case awaiting the curator; with `replaces`, the author's returned case is
    changed and submitted again instead (None returned to the caller as a refusal)."""
    values: dict[str, Any] = {
        "school_id": draft.school_id,
        "title": draft.title,
        "form_id": draft.form_id,
        "topic": draft.topic,
        "description": draft.description,
        "programme_id": draft.programme_id,
        "links": list(draft.links),
        "files": [dict(f) for f in draft.files],
        "status": SUBMITTED,
    }
    if replaces is not None:
        result = await session.execute(
            update(Practice)
            .where(
                Practice.id == replaces,
                Practice.author_id == author_id,
                Practice.status == RETURNED,
            )
            .values(**values, created_at=now)
        )
        if not result.rowcount:
            raise PracticeError("not_returned")
        practice = await session.get(Practice, replaces, populate_existing=True)
        assert practice is not None
        return practice
    practice = Practice(author_id=author_id, created_at=now, **values)
    session.add(practice)
    await session.flush()
    return practice


class PracticeError(ValueError):
    """A change the case's status does not allow (a code, not shown to people)."""


async def _move(
    session: AsyncSession, practice_id: int, expected: str, **values: Any
) -> Practice | None:
    result = await session.execute(
        update(Practice)
        .where(Practice.id == practice_id, Practice.status == expected)
        .values(**values)
    )
    if not result.rowcount:
        return None
    return await session.get(Practice, practice_id, populate_existing=True)


async def approve(
    session: AsyncSession, practice_id: int, by: int, now: datetime
) -> Practice | None:
    """Into the school's bank; None when it was not awaiting review any more."""
    return await _move(
        session, practice_id, SUBMITTED, status=SCHOOL, reviewed_by=by, reviewed_at=now,
        review_note=None,
    )  # fmt: skip


async def return_to_author(
    session: AsyncSession, practice_id: int, by: int, note: str, now: datetime
) -> Practice | None:
    return await _move(
        session, practice_id, SUBMITTED, status=RETURNED, reviewed_by=by, reviewed_at=now,
        review_note=note,
    )  # fmt: skip


async def promote(
    session: AsyncSession, practice_id: int, by: int, now: datetime
) -> Practice | None:
    """Into the municipal bank; None when it was not in the school's bank only."""
    return await _move(
        session, practice_id, SCHOOL, status=MUNICIPAL, promoted_by=by, promoted_at=now
    )


async def municipality_of(session: AsyncSession, school_id: int) -> int | None:
    return await session.scalar(select(Organization.parent_id).where(Organization.id == school_id))


async def schools_of(session: AsyncSession, municipality_ids: set[int]) -> set[int]:
    if not municipality_ids:
        return set()
    rows = await session.scalars(
        select(Organization.id).where(Organization.parent_id.in_(municipality_ids))
    )
    return set(rows.all())


@dataclass(frozen=True)
class Listing:
    """Which cases a screen lists: of these schools, in these statuses, maybe filtered."""

    school_ids: frozenset[int]
    statuses: tuple[str, ...]
    form_id: int | None = None
    topic: str | None = None
    author_id: int | None = None

    def query(self) -> Select[Any]:
        query = select(Practice).where(
            Practice.school_id.in_(self.school_ids), Practice.status.in_(self.statuses)
        )
        if self.form_id is not None:
            query = query.where(Practice.form_id == self.form_id)
        if self.topic is not None:
            query = query.where(Practice.topic == self.topic)
        if self.author_id is not None:
            query = query.where(Practice.author_id == self.author_id)
        return query


async def page(
    session: AsyncSession, listing: Listing, limit: int, offset: int
) -> tuple[list[Practice], int]:
    """One page, newest first, and how many there are in all."""
    if not listing.school_ids:
        return [], 0
    base = listing.query()
    total = await session.scalar(select(func.count()).select_from(base.subquery()))
    rows = await session.scalars(
        base.order_by(Practice.created_at.desc(), Practice.id.desc()).limit(limit).offset(offset)
    )
    return list(rows.all()), total or 0


async def every(session: AsyncSession, listing: Listing) -> list[Practice]:
    if not listing.school_ids:
        return []
    rows = await session.scalars(listing.query().order_by(Practice.school_id, Practice.id))
    return list(rows.all())


async def facets(session: AsyncSession, listing: Listing) -> tuple[set[int], set[str]]:
    """Forms and topics that occur among the listed cases, for the filter buttons."""
    if not listing.school_ids:
        return set(), set()
    plain = Listing(listing.school_ids, listing.statuses)
    rows = await session.execute(
        plain.query().with_only_columns(Practice.form_id, Practice.topic).distinct()
    )
    forms, topics = set(), set()
    for form_id, topic in rows.all():
        if form_id is not None:
            forms.add(form_id)
        if topic is not None:
            topics.add(topic)
    return forms, topics


async def names(session: AsyncSession, person_ids: set[int]) -> dict[int, str | None]:
    if not person_ids:
        return {}
    rows = await session.execute(
        select(Person.id, Person.full_name).where(Person.id.in_(person_ids))
    )
    return dict(rows.all())
