"""The denominators of the key indicators a curator enters with /stats, per school and year.

A count left empty stays None ("unknown"): reports name the schools that lack it and never
read it as zero. Counts are checked together: students aged 15–18 are among those aged
10–18, young teachers among the teachers.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from storage.models.statistics import SchoolStatistics
from storage.upsert import insert_ignoring_conflict

FIELDS = ("students_10_18", "students_15_18", "teachers", "young_teachers")
MAXIMUM = 100_000  # no school has more; a larger number is a typing slip


@dataclass(frozen=True)
class Denominators:
    students_10_18: int | None = None
    students_15_18: int | None = None
    teachers: int | None = None
    young_teachers: int | None = None

    def get(self, key: str) -> int | None:
        return getattr(self, key)


def inconsistent(values: dict[str, int | None]) -> list[tuple[str, str]]:
    """Pairs (part, whole) where the part exceeds the whole."""
    problems = []
    for part, whole in (("students_15_18", "students_10_18"), ("young_teachers", "teachers")):
        a, b = values.get(part), values.get(whole)
        if a is not None and b is not None and a > b:
            problems.append((part, whole))
    return problems


async def denominators(
    session: AsyncSession, school_ids: frozenset[int], year: str
) -> dict[int, Denominators]:
    if not school_ids:
        return {}
    rows = await session.scalars(
        select(SchoolStatistics).where(
            SchoolStatistics.school_id.in_(school_ids), SchoolStatistics.academic_year == year
        )
    )
    return {r.school_id: Denominators(*(getattr(r, f) for f in FIELDS)) for r in rows}


async def years_with_figures(session: AsyncSession, school_ids: frozenset[int]) -> list[str]:
    if not school_ids:
        return []
    rows = await session.scalars(
        select(SchoolStatistics.academic_year)
        .where(SchoolStatistics.school_id.in_(school_ids))
        .distinct()
    )
    return sorted(rows.all())


async def save_denominators(
    session: AsyncSession,
    school_id: int,
    year: str,
    values: dict[str, int | None],
    person_id: int | None,
    now: datetime,
) -> None:
    if inconsistent(values):
        raise ValueError("inconsistent")
    clean = {f: values.get(f) for f in FIELDS}
    for value in clean.values():
        if value is not None and not 0 <= value <= MAXIMUM:
            raise ValueError("out_of_range")
    await insert_ignoring_conflict(
        session,
        SchoolStatistics,
        school_id=school_id,
        academic_year=year,
        updated_by=person_id,
        updated_at=now,
        **clean,
    )
    row = await session.scalar(
        select(SchoolStatistics).where(
            SchoolStatistics.school_id == school_id, SchoolStatistics.academic_year == year
        )
    )
    assert row is not None
    for key, value in clean.items():
        setattr(row, key, value)
    row.updated_by = person_id
    row.updated_at = now
    await session.flush()
