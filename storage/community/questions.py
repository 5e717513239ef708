"""Questions of mentors and mentees to the curators of their school, and the answers.

Answering is a conditional UPDATE from "open", so two curators answering at once (or a
double tap) store one answer, and the second curator is told it was already answered.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import func, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from storage.models.community import Question
from storage.models.core import Person
from storage.models.enums import MembershipStatus, Role
from storage.models.orgs import Membership

OPEN, ANSWERED = "open", "answered"
QUESTION_LENGTH = (10, 2000)
ANSWER_LENGTH = (2, 3000)

Contact = tuple[int, int, str | None]  # person id, Telegram id, locale: what notify.tell takes


async def ask(
    session: AsyncSession, asker_id: int, school_id: int, text: str, now: datetime
) -> Question:
    question = Question(
        asker_id=asker_id, school_id=school_id, text=text, status=OPEN, created_at=now
    )
    session.add(question)
    await session.flush()
    return question


async def answer(
    session: AsyncSession, question_id: int, by: int, text: str, now: datetime
) -> Question | None:
    """The answered question; None when it was answered already."""
    result = await session.execute(
        update(Question)
        .where(Question.id == question_id, Question.status == OPEN)
        .values(status=ANSWERED, answer=text, answered_by=by, answered_at=now)
    )
    if not result.rowcount:
        return None
    return await session.get(Question, question_id, populate_existing=True)


async def school_questions(
    session: AsyncSession, school_ids: set[int], status: str, limit: int, offset: int
) -> tuple[list[tuple[Question, str | None]], int]:
    """One page of a school's questions in a status with the askers' names; open ones oldest
    first (answer in turn), answered ones newest first."""
    if not school_ids:
        return [], 0
    where = (Question.school_id.in_(school_ids), Question.status == status)
    total = await session.scalar(select(func.count()).select_from(Question).where(*where))
    order = Question.id if status == OPEN else Question.id.desc()
    rows = await session.execute(
        select(Question, Person.full_name)
        .join(Person, Person.id == Question.asker_id)
        .where(*where)
        .order_by(order)
        .limit(limit)
        .offset(offset)
    )
    return [(q, name) for q, name in rows.all()], total or 0


async def counts(session: AsyncSession, school_ids: set[int]) -> dict[str, int]:
    if not school_ids:
        return {OPEN: 0, ANSWERED: 0}
    rows = await session.execute(
        select(Question.status, func.count())
        .where(Question.school_id.in_(school_ids))
        .group_by(Question.status)
    )
    found = dict(rows.all())
    return {OPEN: found.get(OPEN, 0), ANSWERED: found.get(ANSWERED, 0)}


async def own_questions(session: AsyncSession, asker_id: int, limit: int) -> list[Question]:
    rows = await session.scalars(
        select(Question)
        .where(Question.asker_id == asker_id)
        .order_by(Question.id.desc())
        .limit(limit)
    )
    return list(rows.all())


async def curators_of(session: AsyncSession, school_id: int) -> list[Contact]:
    """Active curators of the school who have not erased their data."""
    rows = await session.execute(
        select(Person.id, Person.telegram_id, Person.locale)
        .join(Membership, Membership.person_id == Person.id)
        .where(
            Membership.organization_id == school_id,
            Membership.role == Role.curator,
            Membership.status == MembershipStatus.active,
            Person.erased_at.is_(None),
        )
        .order_by(Person.id)
    )
    return [(pid, tid, locale) for pid, tid, locale in rows.all()]


async def contact(session: AsyncSession, person_id: int | None) -> list[Contact]:
    """The person as notify.tell's recipient list: empty when unknown or erased."""
    person = await session.get(Person, person_id) if person_id else None
    if person is None or person.erased_at is not None:
        return []
    return [(person.id, person.telegram_id, person.locale)]
