"""Forming pairs and groups, and the members' answers.

Forming locks the people involved (in id order, so two curators never deadlock) before
checking capacity and existing pairs, so two curators acting on the same mentee at once
are serialised: the second sees the first one's pair and is told why.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from enum import StrEnum

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from storage.models.catalogue import CatalogueEntry
from storage.models.core import Person
from storage.models.enums import MembershipStatus, MenteeCategory, Role
from storage.models.orgs import Membership
from storage.models.profiles import MenteeProfile, MentorProfile
from storage.models.programmes import Programme, ProgrammeMember
from storage.pairing.cross_school import schools_for_pairs

OPEN = ("proposed", "active")
TEACHER_TEACHER = "teacher_teacher"


class Problem(StrEnum):
    # Refusals
    no_mentor = "no_mentor"
    no_mentee = "no_mentee"
    pair_size = "pair_size"  # a pair is exactly one mentor and one mentee
    not_in_school = "not_in_school"
    awaiting_guardian = "awaiting_guardian"  # a minor whose guardian's consent is not recorded
    cross_school = "cross_school"  # a mentor of another school outside teacher–teacher
    same_person = "same_person"
    dates = "dates"
    # Warnings the curator may confirm
    over_capacity = "over_capacity"
    same_form_again = "same_form_again"


CONFIRMABLE = frozenset({Problem.over_capacity, Problem.same_form_again})


@dataclass
class Proposal:
    school_id: int
    mentor_ids: list[int]
    mentee_ids: list[int]
    form_id: int
    starts_on: date
    planned_end_on: date
    goals: str
    is_group: bool = False
    role_model_id: int | None = None
    kind_id: int | None = None


@dataclass
class Refused(Exception):
    problems: list[Problem]
    details: dict[str, list[int]] = field(default_factory=dict)


async def _lock_people(session: AsyncSession, person_ids: list[int]) -> None:
    # PostgreSQL: row locks serialise concurrent forming for the same people.
    # SQLite: the write transaction (BEGIN IMMEDIATE) already serialises everything.
    if session.bind.dialect.name != "sqlite":
        await session.execute(
            select(Person.id)
            .where(Person.id.in_(sorted(person_ids)))
            .order_by(Person.id)
            .with_for_update()
        )


async def _members_of_school(
    session: AsyncSession, school_ids: set[int], role: Role, ids: list[int]
) -> dict[int, MembershipStatus]:
    rows = await session.execute(
        select(Membership.person_id, Membership.status).where(
            Membership.organization_id.in_(school_ids),
            Membership.role == role,
            Membership.status.in_([MembershipStatus.active, MembershipStatus.awaiting_guardian]),
            Membership.person_id.in_(ids),
        )
    )
    return {person_id: MembershipStatus(status) for person_id, status in rows.all()}


async def mentor_loads(session: AsyncSession, mentor_ids: list[int]) -> dict[int, int]:
    """Distinct mentees in each mentor's proposed or active programmes."""
    mentor = ProgrammeMember.__table__.alias("mentor")
    mentee = ProgrammeMember.__table__.alias("mentee")
    rows = await session.execute(
        select(mentor.c.person_id, func.count(func.distinct(mentee.c.person_id)))
        .join(Programme, Programme.id == mentor.c.programme_id)
        .join(
            mentee, (mentee.c.programme_id == mentor.c.programme_id) & (mentee.c.role == "mentee")
        )
        .where(
            mentor.c.role == "mentor",
            mentor.c.person_id.in_(mentor_ids),
            Programme.status.in_(OPEN),
        )
        .group_by(mentor.c.person_id)
    )
    loads = {person_id: count for person_id, count in rows.all()}
    return {person_id: loads.get(person_id, 0) for person_id in mentor_ids}


async def _teacher_pair(session: AsyncSession, proposal: Proposal, mentees: set[int]) -> bool:
    """Pairs across schools are for teacher–teacher mentoring only."""
    form = await session.get(CatalogueEntry, proposal.form_id)
    categories = set(
        (
            await session.scalars(
                select(MenteeProfile.category).where(MenteeProfile.person_id.in_(mentees))
            )
        ).all()
    )
    teachers = {MenteeCategory.young_teacher.value, MenteeCategory.teacher.value}
    return (
        form is not None
        and form.code == TEACHER_TEACHER
        and bool(categories)
        and categories <= teachers
    )


async def check(session: AsyncSession, proposal: Proposal) -> Refused | None:
    problems: list[Problem] = []
    details: dict[str, list[int]] = {}
    mentors, mentees = set(proposal.mentor_ids), set(proposal.mentee_ids)
    if not mentors:
        problems.append(Problem.no_mentor)
    if not mentees:
        problems.append(Problem.no_mentee)
    if not proposal.is_group and (len(mentors) != 1 or len(mentees) != 1):
        problems.append(Problem.pair_size)
    if mentors & mentees:
        problems.append(Problem.same_person)
    if proposal.planned_end_on <= proposal.starts_on:
        problems.append(Problem.dates)
    own = {proposal.school_id}
    mentee_found = await _members_of_school(session, own, Role.mentee, list(mentees))
    mentor_found = await _members_of_school(session, own, Role.mentor, list(mentors))
    if set(mentor_found) != mentors:
        # Mentors of other schools of the municipality, where its coordinator allows it.
        wider = await schools_for_pairs(session, proposal.school_id)
        mentor_found = await _members_of_school(session, wider, Role.mentor, list(mentors))
        if set(mentor_found) == mentors and not await _teacher_pair(session, proposal, mentees):
            problems.append(Problem.cross_school)
    if set(mentor_found) != mentors or set(mentee_found) != mentees:
        problems.append(Problem.not_in_school)
    if MembershipStatus.awaiting_guardian in {*mentor_found.values(), *mentee_found.values()}:
        problems.append(Problem.awaiting_guardian)
    if problems:
        return Refused(problems)

    capacities = dict(
        (
            await session.execute(
                select(MentorProfile.person_id, MentorProfile.max_mentees).where(
                    MentorProfile.person_id.in_(mentors)
                )
            )
        ).all()
    )
    loads = await mentor_loads(session, list(mentors))
    full = [m for m in sorted(mentors) if loads[m] + len(mentees) > capacities.get(m, 0)]
    if full:
        problems.append(Problem.over_capacity)
        details["over_capacity"] = full
    again = (
        await session.scalars(
            select(ProgrammeMember.person_id)
            .join(Programme, Programme.id == ProgrammeMember.programme_id)
            .where(
                ProgrammeMember.person_id.in_(mentees),
                ProgrammeMember.role == "mentee",
                Programme.form_id == proposal.form_id,
                Programme.status.in_(OPEN),
            )
        )
    ).all()
    if again:
        problems.append(Problem.same_form_again)
        details["same_form_again"] = sorted(set(again))
    return Refused(problems, details) if problems else None


async def form_programme(
    session: AsyncSession,
    proposal: Proposal,
    created_by: int,
    now: datetime,
    confirmed: frozenset[Problem] = frozenset(),
) -> Programme:
    """Create the programme with every member asked to accept; raises Refused."""
    await _lock_people(session, [*proposal.mentor_ids, *proposal.mentee_ids])
    refused = await check(session, proposal)
    if refused is not None:
        unconfirmed = [p for p in refused.problems if p not in CONFIRMABLE or p not in confirmed]
        if unconfirmed:
            raise Refused(unconfirmed, refused.details)
    programme = Programme(
        school_id=proposal.school_id,
        is_group=proposal.is_group,
        form_id=proposal.form_id,
        role_model_id=proposal.role_model_id,
        kind_id=proposal.kind_id,
        status="proposed",
        stage="preparatory",
        starts_on=proposal.starts_on,
        planned_end_on=proposal.planned_end_on,
        goals=proposal.goals,
        created_by=created_by,
        created_at=now,
        version=1,
    )
    session.add(programme)
    await session.flush()
    for role, ids in (("mentor", proposal.mentor_ids), ("mentee", proposal.mentee_ids)):
        for person_id in sorted(set(ids)):
            session.add(
                ProgrammeMember(
                    programme_id=programme.id, person_id=person_id, role=role, response="pending"
                )
            )
    await session.flush()
    return programme


async def respond(
    session: AsyncSession,
    programme_id: int,
    person_id: int,
    accept: bool,
    now: datetime,
    reason: str | None = None,
) -> Programme | None:
    """Record a member's answer; the programme becomes active when everyone accepted and
    declined as soon as anyone declines. None if the person is not asked (any more)."""
    programme = await session.get(
        Programme,
        programme_id,
        with_for_update=session.bind.dialect.name != "sqlite",
        # The row may be loaded already in this update; take the locked, current values.
        populate_existing=True,
    )
    member = await session.get(ProgrammeMember, (programme_id, person_id))
    if (
        programme is None
        or member is None
        or programme.status != "proposed"
        or member.response != "pending"
    ):
        return None
    member.response = "accepted" if accept else "declined"
    member.decline_reason = None if accept else reason
    member.responded_at = now
    await session.flush()
    responses = (
        await session.scalars(
            select(ProgrammeMember.response).where(ProgrammeMember.programme_id == programme_id)
        )
    ).all()
    if "declined" in responses:
        programme.status = "declined"
    elif all(r == "accepted" for r in responses):
        programme.status = "active"
        programme.stage = "design"
    programme.version += 1
    await session.flush()
    return programme
