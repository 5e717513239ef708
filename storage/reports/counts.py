"""The counting queries of the reports: every figure is a GROUP BY in SQL, per school.

"Programmes of the year" are pairs and groups that ran during the academic year: active or
closed, started by its last day and not ended before its first. Deleted meeting logs are
left out everywhere. A person is counted in a school once per role (memberships are per
school and role).
"""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass, field
from datetime import date, timedelta

from sqlalchemy import and_, distinct, exists, func, or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from storage.models.catalogue import CatalogueEntry
from storage.models.enums import MembershipStatus, Role
from storage.models.meetings import Meeting
from storage.models.orgs import Membership
from storage.models.profiles import MenteeProfile, MentorProfile
from storage.models.programmes import PlanItem, Programme, ProgrammeMember

STALE_DAYS = 30  # an active pair without a meeting for this long is named as lagging


def of_year(start: date, end: date):
    """The programmes that ran during [start, end]."""
    return and_(
        Programme.status.in_(("active", "closed")),
        Programme.starts_on <= end,
        or_(Programme.ended_on.is_(None), Programme.ended_on >= start),
    )


# ---- people -----------------------------------------------------------------------------


async def people_counts(
    session: AsyncSession, school_ids: frozenset[int]
) -> dict[int, Counter[tuple[str, str]]]:
    """Registered participants with an active role: {school: {(role, category): n}}; the
    curators' category is "" ."""
    result: dict[int, Counter[tuple[str, str]]] = defaultdict(Counter)
    if not school_ids:
        return result
    for role, profile in ((Role.mentor, MentorProfile), (Role.mentee, MenteeProfile)):
        rows = await session.execute(
            select(Membership.organization_id, profile.category, func.count())
            .join(profile, profile.person_id == Membership.person_id)
            .where(
                Membership.organization_id.in_(school_ids),
                Membership.role == role.value,
                Membership.status == MembershipStatus.active.value,
            )
            .group_by(Membership.organization_id, profile.category)
        )
        for school, category, count in rows:
            result[school][(role.value, category)] += count
    rows = await session.execute(
        select(Membership.organization_id, func.count())
        .where(
            Membership.organization_id.in_(school_ids),
            Membership.role == Role.curator.value,
            Membership.status == MembershipStatus.active.value,
        )
        .group_by(Membership.organization_id)
    )
    for school, count in rows:
        result[school][(Role.curator.value, "")] += count
    return result


# ---- programmes -------------------------------------------------------------------------


@dataclass(frozen=True)
class ProgrammeCount:
    school_id: int
    form_id: int
    is_group: bool
    status: str  # active | closed
    count: int


async def programme_counts(
    session: AsyncSession, school_ids: frozenset[int], start: date, end: date
) -> list[ProgrammeCount]:
    if not school_ids:
        return []
    rows = await session.execute(
        select(
            Programme.school_id,
            Programme.form_id,
            Programme.is_group,
            Programme.status,
            func.count(),
        )
        .where(Programme.school_id.in_(school_ids), of_year(start, end))
        .group_by(Programme.school_id, Programme.form_id, Programme.is_group, Programme.status)
    )
    return [ProgrammeCount(s, f, bool(g), st, n) for s, f, g, st, n in rows]


async def form_names(session: AsyncSession, form_ids: set[int]) -> dict[int, str]:
    """National names (a municipality's renaming is its own screen's business)."""
    if not form_ids:
        return {}
    rows = await session.execute(
        select(CatalogueEntry.id, CatalogueEntry.name).where(CatalogueEntry.id.in_(form_ids))
    )
    return dict(rows.all())


# ---- meetings ---------------------------------------------------------------------------


@dataclass
class MeetingFigures:
    total: int = 0
    per_programme: Counter[int] = field(default_factory=Counter)  # meetings → programmes
    stale: int = 0  # active pairs without a meeting in STALE_DAYS
    recent: int = 0  # meetings held in the last STALE_DAYS days


async def meeting_figures(
    session: AsyncSession, school_ids: frozenset[int], start: date, end: date, today: date
) -> dict[int, MeetingFigures]:
    result: dict[int, MeetingFigures] = defaultdict(MeetingFigures)
    if not school_ids:
        return result
    held = and_(Meeting.deleted_at.is_(None), Meeting.held_on >= start, Meeting.held_on <= end)
    per_programme = (
        select(
            Programme.id.label("programme_id"),
            Programme.school_id.label("school_id"),
            func.count(Meeting.id).label("meetings"),
        )
        .outerjoin(Meeting, and_(Meeting.programme_id == Programme.id, held))
        .where(Programme.school_id.in_(school_ids), of_year(start, end))
        .group_by(Programme.id, Programme.school_id)
        .subquery()
    )
    rows = await session.execute(
        select(per_programme.c.school_id, per_programme.c.meetings, func.count()).group_by(
            per_programme.c.school_id, per_programme.c.meetings
        )
    )
    for school, meetings, programmes in rows:
        figures = result[school]
        figures.per_programme[int(meetings)] += programmes
        figures.total += int(meetings) * programmes
    since = today - timedelta(days=STALE_DAYS)
    recent = exists().where(
        Meeting.programme_id == Programme.id,
        Meeting.deleted_at.is_(None),
        Meeting.held_on > since,
    )
    rows = await session.execute(
        select(Programme.school_id, func.count())
        .where(
            Programme.school_id.in_(school_ids),
            Programme.status == "active",
            Programme.starts_on <= since,
            ~recent,
        )
        .group_by(Programme.school_id)
    )
    for school, count in rows:
        result[school].stale = count
    rows = await session.execute(
        select(Programme.school_id, func.count())
        .join(Meeting, Meeting.programme_id == Programme.id)
        .where(
            Programme.school_id.in_(school_ids),
            Meeting.deleted_at.is_(None),
            Meeting.held_on > since,
            Meeting.held_on <= today,
        )
        .group_by(Programme.school_id)
    )
    for school, count in rows:
        result[school].recent = count
    return result


async def meetings_by_month(
    session: AsyncSession, school_ids: frozenset[int], start: date, end: date
) -> dict[tuple[int, int], int]:
    """{(year, month): meetings held} within [start, end]."""
    if not school_ids:
        return {}
    rows = await session.execute(
        select(Meeting.held_on, func.count())
        .join(Programme, Programme.id == Meeting.programme_id)
        .where(
            Programme.school_id.in_(school_ids),
            Meeting.deleted_at.is_(None),
            Meeting.held_on >= start,
            Meeting.held_on <= end,
        )
        .group_by(Meeting.held_on)
    )
    # By day in SQL (no date functions that differ between backends), folded into months
    # here: at most 366 rows.
    months: Counter[tuple[int, int]] = Counter()
    for held_on, count in rows:
        months[(held_on.year, held_on.month)] += count
    return dict(months)


# ---- numerators of the key indicators ---------------------------------------------------


@dataclass
class Numerators:
    """Distinct people in programmes of the year, per school."""

    student_mentees: int = 0  # indicator 3
    student_mentors: int = 0  # indicator 4
    young_teacher_mentees: int = 0  # indicator 5
    teacher_mentors: int = 0  # indicator 6
    young_teachers_with_route: int = 0  # indicator 7: their programme has a calendar plan
    teachers_covered: int = 0  # 6а: teachers as mentors or mentees (seed 000)
    programmes: int = 0  # indicator 2


async def numerators(
    session: AsyncSession, school_ids: frozenset[int], start: date, end: date
) -> dict[int, Numerators]:
    result: dict[int, Numerators] = defaultdict(Numerators)
    if not school_ids:
        return result
    member = and_(
        ProgrammeMember.programme_id == Programme.id, ProgrammeMember.response == "accepted"
    )
    base = (
        select(Programme.school_id)
        .join(ProgrammeMember, member)
        .where(Programme.school_id.in_(school_ids), of_year(start, end))
    )
    # Distinct people by the profile's category, per role: the numerators of 3 to 6.
    by_category = (
        (Role.mentor, MentorProfile, {"student": "student_mentors", "teacher": "teacher_mentors"}),
        (
            Role.mentee,
            MenteeProfile,
            {"student": "student_mentees", "young_teacher": "young_teacher_mentees"},
        ),
    )
    for role, profile, counted in by_category:
        query = (
            base.add_columns(profile.category, func.count(distinct(ProgrammeMember.person_id)))
            .join(profile, profile.person_id == ProgrammeMember.person_id)
            .where(ProgrammeMember.role == role.value)
            .group_by(Programme.school_id, profile.category)
        )
        for school, category, count in await session.execute(query):
            if category in counted:
                setattr(result[school], counted[category], count)
    planned = exists().where(PlanItem.programme_id == Programme.id)
    routed = (
        base.add_columns(func.count(distinct(ProgrammeMember.person_id)))
        .join(MenteeProfile, MenteeProfile.person_id == ProgrammeMember.person_id)
        .where(
            ProgrammeMember.role == Role.mentee.value,
            MenteeProfile.category == "young_teacher",
            planned,
        )
        .group_by(Programme.school_id)
    )
    for school, count in await session.execute(routed):
        result[school].young_teachers_with_route = count
    teacher = or_(
        and_(ProgrammeMember.role == Role.mentor.value, MentorProfile.category == "teacher"),
        and_(
            ProgrammeMember.role == Role.mentee.value,
            MenteeProfile.category.in_(("teacher", "young_teacher")),
        ),
    )
    covered = (
        base.add_columns(func.count(distinct(ProgrammeMember.person_id)))
        .outerjoin(MentorProfile, MentorProfile.person_id == ProgrammeMember.person_id)
        .outerjoin(MenteeProfile, MenteeProfile.person_id == ProgrammeMember.person_id)
        .where(teacher)
        .group_by(Programme.school_id)
    )
    for school, count in await session.execute(covered):
        result[school].teachers_covered = count
    rows = await session.execute(
        select(Programme.school_id, func.count())
        .where(Programme.school_id.in_(school_ids), of_year(start, end))
        .group_by(Programme.school_id)
    )
    for school, count in rows:
        result[school].programmes = count
    return result
