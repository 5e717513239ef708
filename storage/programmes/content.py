"""A programme's content: reading it for the card, changing it, closing it.

Every change locks the programme row (PostgreSQL; SQLite's write transaction already
serialises), refuses unless the programme is active, and bumps Programme.version.
Handlers validate input first and say what is expected; the checks here only guard the data.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from storage.catalogue.entries import find_entry
from storage.models.core import Person
from storage.models.orgs import Organization
from storage.models.programmes import PlanItem, Programme, ProgrammeComment, ProgrammeMember

TEXT_FIELDS = ("goals", "tasks", "intermediate_results", "planned_results")
STAGES = ("preparatory", "design", "implementation", "reflective", "results")
ITEM_STATUSES = ("planned", "done", "cancelled")
SHOWN_STATUSES = ("active", "closed")
TEXT_LENGTH = (3, 2000)
TITLE_LENGTH = (2, 300)
COMMENT_LENGTH = (1, 1000)
RESULTS_LENGTH = (3, 2000)
LINK_LENGTH = 500  # the column's size
LINK_PATTERN = re.compile(r"https?://[^\s/?#]+\.[^\s/?#]+(?:[/?#]\S*)?", re.IGNORECASE)


class ContentError(ValueError):
    """A change the rules refuse; the message names the rule (not shown to people)."""


@dataclass(frozen=True)
class MemberView:
    person_id: int
    telegram_id: int
    name: str | None
    locale: str | None
    erased: bool
    role: str
    response: str


@dataclass(frozen=True)
class CommentView:
    author: str | None
    text: str
    created_at: datetime


@dataclass(frozen=True)
class ProgrammeView:
    programme: Programme
    school_name: str
    form: str | None
    role_model: str | None
    kind: str | None
    members: list[MemberView]
    plan: list[PlanItem]
    comments: list[CommentView]  # the latest ones, oldest first

    def members_in(self, role: str) -> list[MemberView]:
        return [m for m in self.members if m.role == role]


def valid_link(value: str) -> bool:
    return len(value) <= LINK_LENGTH and LINK_PATTERN.fullmatch(value) is not None


def _length(value: str, bounds: tuple[int, int], what: str) -> str:
    value = value.strip()
    if not bounds[0] <= len(value) <= bounds[1]:
        raise ContentError(f"{what} length")
    return value


async def programmes_for(
    session: AsyncSession, person_id: int, curated_school_ids: set[int]
) -> list[tuple[Programme, str | None]]:
    """Active and closed programmes the person is a member of (with their role), then those
    of the schools they curate (role None); active ones first, newest first."""
    found: dict[int, tuple[Programme, str | None]] = {}
    rows = await session.execute(
        select(Programme, ProgrammeMember.role)
        .join(ProgrammeMember, ProgrammeMember.programme_id == Programme.id)
        .where(ProgrammeMember.person_id == person_id, Programme.status.in_(SHOWN_STATUSES))
    )
    for programme, role in rows.all():
        found[programme.id] = (programme, role)
    if curated_school_ids:
        curated = await session.scalars(
            select(Programme).where(
                Programme.school_id.in_(curated_school_ids),
                Programme.status.in_(SHOWN_STATUSES),
            )
        )
        for programme in curated.all():
            found.setdefault(programme.id, (programme, None))
    return sorted(found.values(), key=lambda pair: (pair[0].status != "active", -pair[0].id))


async def member_names(
    session: AsyncSession, programme_ids: list[int]
) -> dict[int, list[tuple[str, str | None]]]:
    """(role, name) of each programme's members, mentors first, for choosing among them."""
    rows = await session.execute(
        select(ProgrammeMember.programme_id, ProgrammeMember.role, Person.full_name)
        .join(Person, Person.id == ProgrammeMember.person_id)
        .where(ProgrammeMember.programme_id.in_(programme_ids))
        .order_by(ProgrammeMember.programme_id, Person.full_name)
    )
    names: dict[int, list[tuple[str, str | None]]] = {pid: [] for pid in programme_ids}
    for programme_id, role, name in rows.all():
        names[programme_id].append((role, name))
    for members in names.values():
        members.sort(key=lambda member: member[0] != "mentor")
    return names


async def programme_view(
    session: AsyncSession, programme_id: int, last_comments: int = 5
) -> ProgrammeView | None:
    programme = await session.get(Programme, programme_id)
    if programme is None:
        return None
    school = await session.get(Organization, programme.school_id)
    municipality_id = school.parent_id

    async def name_of(entry_id: int | None) -> str | None:
        entry = await find_entry(session, municipality_id, entry_id) if entry_id else None
        return entry.name if entry else None

    rows = await session.execute(
        select(ProgrammeMember, Person)
        .join(Person, Person.id == ProgrammeMember.person_id)
        .where(ProgrammeMember.programme_id == programme_id)
        .order_by(Person.full_name, Person.id)
    )
    members = [
        MemberView(
            p.id, p.telegram_id, p.full_name, p.locale, p.erased_at is not None, m.role, m.response
        )
        for m, p in rows.all()
    ]
    members.sort(key=lambda member: member.role != "mentor")
    plan = await session.scalars(
        select(PlanItem)
        .where(PlanItem.programme_id == programme_id)
        # Items without a date go after the dated ones on both backends.
        .order_by(PlanItem.due_on.is_(None), PlanItem.due_on, PlanItem.id)
    )
    comments = await session.execute(
        select(ProgrammeComment, Person.full_name)
        .outerjoin(Person, Person.id == ProgrammeComment.person_id)
        .where(ProgrammeComment.programme_id == programme_id)
        .order_by(ProgrammeComment.id.desc())
        .limit(last_comments)
    )
    return ProgrammeView(
        programme=programme,
        school_name=school.name,
        form=await name_of(programme.form_id),
        role_model=await name_of(programme.role_model_id),
        kind=await name_of(programme.kind_id),
        members=members,
        plan=list(plan.all()),
        comments=[CommentView(name, c.text, c.created_at) for c, name in reversed(comments.all())],
    )


async def _bump(session: AsyncSession, programme: Programme) -> None:
    programme.version += 1
    await session.flush()


async def _active(session: AsyncSession, programme_id: int) -> Programme:
    programme = await session.get(
        Programme,
        programme_id,
        with_for_update=session.bind.dialect.name != "sqlite",
        # The row may be loaded already in this update; take the locked, current values.
        populate_existing=True,
    )
    if programme is None or programme.status != "active":
        raise ContentError("the programme is not active")
    return programme


async def set_text(
    session: AsyncSession, programme_id: int, field: str, value: str, now: datetime
) -> Programme:
    """Goals, tasks, intermediate or planned results; `now` keeps the signature of every change."""
    if field not in TEXT_FIELDS:
        raise ContentError(f"{field} is not a text field")
    programme = await _active(session, programme_id)
    setattr(programme, field, _length(value, TEXT_LENGTH, field))
    await _bump(session, programme)
    return programme


async def set_stage(
    session: AsyncSession, programme_id: int, stage: str, now: datetime
) -> Programme:
    if stage not in STAGES:
        raise ContentError(f"{stage} is not a stage")
    programme = await _active(session, programme_id)
    programme.stage = stage
    await _bump(session, programme)
    return programme


async def add_plan_item(
    session: AsyncSession, programme_id: int, title: str, due_on: date | None, now: datetime
) -> PlanItem:
    programme = await _active(session, programme_id)
    item = PlanItem(
        programme_id=programme_id,
        title=_length(title, TITLE_LENGTH, "title"),
        due_on=due_on,
        status="planned",
        created_at=now,
    )
    session.add(item)
    await _bump(session, programme)
    return item


async def set_plan_item_status(
    session: AsyncSession, programme_id: int, item_id: int, status: str, now: datetime
) -> PlanItem:
    if status not in ITEM_STATUSES:
        raise ContentError(f"{status} is not a plan item status")
    programme = await _active(session, programme_id)
    item = await session.get(PlanItem, item_id)
    if item is None or item.programme_id != programme_id:
        raise ContentError("the item is not in this programme")
    item.status = status
    await _bump(session, programme)
    return item


async def add_comment(
    session: AsyncSession, programme_id: int, person_id: int, text: str, now: datetime
) -> ProgrammeComment:
    # Comments do not change the programme itself, so its version stays.
    await _active(session, programme_id)
    comment = ProgrammeComment(
        programme_id=programme_id,
        person_id=person_id,
        text=_length(text, COMMENT_LENGTH, "comment"),
        created_at=now,
    )
    session.add(comment)
    await session.flush()
    return comment


async def close_programme(
    session: AsyncSession,
    programme_id: int,
    by_person_id: int,
    ended_on: date,
    results: str,
    case_link: str | None,
    completed: bool,
    now: datetime,
) -> Programme:
    programme = await _active(session, programme_id)
    if case_link is not None and not valid_link(case_link):
        raise ContentError("the link is not http(s)")
    programme.results = _length(results, RESULTS_LENGTH, "results")
    programme.status = "closed"
    programme.ended_on = ended_on
    programme.case_link = case_link
    programme.completed = completed
    programme.closed_by = by_person_id
    programme.closed_at = now
    await _bump(session, programme)
    return programme
