"""Announcements: who receives one, writing it once, and how its delivery is going.

An announcement is one row plus one outbox row per recipient (kind "announcement",
subject "a<id>"), all written in the transaction that confirms it. The row is keyed by a
token drawn when the author started writing, and the outbox by (kind, subject, person), so
confirming twice — a double tap, or two instances handling the same tap — writes it once.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from storage.models.community import Announcement
from storage.models.core import Person
from storage.models.enums import MembershipStatus, Role
from storage.models.orgs import Membership
from storage.models.outbox import OutboxMessage
from storage.models.profiles import MenteeProfile, MentorProfile
from storage.orgs.scope import descendants, effective_timezone
from storage.outbox import queue as outbox
from storage.upsert import insert_ignoring_conflict

KIND = "announcement"
TEXT_LENGTH = (5, 3000)
ROLES = (Role.mentor, Role.mentee, Role.curator, Role.coordinator)


def subject(announcement_id: int) -> str:
    return f"a{announcement_id}"


@dataclass(frozen=True)
class Recipient:
    person_id: int
    org_id: int  # the school (or, for a coordinator, the municipality or region) of the role
    student: bool


async def recipients(
    session: AsyncSession, org_id: int, roles: list[str], exclude: int | None = None
) -> list[Recipient]:
    """Active holders of `roles` in the organisation or below it, one entry per person.

    People who erased their data, and anyone awaiting a guardian's consent (the bot sends
    such a pupil nothing), are left out.
    """
    if not roles:
        return []
    scope = await descendants(session, {org_id})
    awaiting = select(Membership.person_id).where(
        Membership.status == MembershipStatus.awaiting_guardian
    )
    rows = await session.execute(
        select(Membership.person_id, Membership.organization_id)
        .join(Person, Person.id == Membership.person_id)
        .where(
            Membership.organization_id.in_(scope),
            Membership.role.in_(roles),
            Membership.status == MembershipStatus.active,
            Person.erased_at.is_(None),
            Membership.person_id.not_in(awaiting),
        )
        .order_by(Membership.person_id, Membership.id)
    )
    first: dict[int, int] = {}
    for person_id, organization_id in rows.all():
        if person_id != exclude:
            first.setdefault(person_id, organization_id)
    students: set[int] = set()
    if first:
        for model in (MenteeProfile, MentorProfile):
            found = await session.scalars(
                select(model.person_id).where(
                    model.person_id.in_(first), model.category == "student"
                )
            )
            students |= set(found.all())
    return [Recipient(pid, org, pid in students) for pid, org in first.items()]


async def find(session: AsyncSession, key: str) -> Announcement | None:
    return await session.scalar(select(Announcement).where(Announcement.key == key))


async def send(
    session: AsyncSession,
    *,
    key: str,
    author_id: int,
    org_id: int,
    roles: list[str],
    text: str,
    sender: str,
    now: datetime,
    default_timezone: str,
) -> Announcement:
    """Write the announcement and owe it to every recipient; a repeated call with the same
    key returns the announcement written the first time and owes nothing more."""
    inserted = await insert_ignoring_conflict(
        session,
        Announcement,
        key=key,
        author_id=author_id,
        org_id=org_id,
        roles=list(roles),
        text=text,
        recipients=0,
        created_at=now,
    )
    announcement = await find(session, key)
    assert announcement is not None
    if not inserted:
        return announcement
    zones: dict[int, str] = {}
    owed = 0
    for recipient in await recipients(session, org_id, roles, exclude=author_id):
        if recipient.org_id not in zones:
            zones[recipient.org_id] = await effective_timezone(
                session, recipient.org_id, default_timezone
            )
        owed += await outbox.enqueue(
            session,
            kind=KIND,
            subject=subject(announcement.id),
            person_id=recipient.person_id,
            due_at=now,
            timezone=zones[recipient.org_id],
            now=now,
            org_id=recipient.org_id,
            params={"text": text, "sender": sender},
            student=recipient.student,
        )
    announcement.recipients = owed
    await session.flush()
    return announcement


@dataclass(frozen=True)
class Progress:
    delivered: int
    blocked: int
    failed: int  # failed, or expired before it could be sent
    waiting: int  # pending or being sent (quiet hours, pacing, retries)

    @property
    def total(self) -> int:
        return self.delivered + self.blocked + self.failed + self.waiting


async def progress(session: AsyncSession, announcement_id: int) -> Progress:
    """How the announcement's outbox rows stand, as the sender reports them."""
    rows = await session.execute(
        select(OutboxMessage.state, func.count())
        .where(OutboxMessage.kind == KIND, OutboxMessage.subject == subject(announcement_id))
        .group_by(OutboxMessage.state)
    )
    counts: Counter[str] = Counter(dict(rows.all()))
    return Progress(
        delivered=counts[outbox.SENT],
        blocked=counts[outbox.BLOCKED],
        failed=counts[outbox.FAILED] + counts[outbox.EXPIRED],
        waiting=counts[outbox.PENDING] + counts[outbox.SENDING],
    )


async def recent(session: AsyncSession, author_id: int, limit: int = 10) -> list[Announcement]:
    rows = await session.scalars(
        select(Announcement)
        .where(Announcement.author_id == author_id)
        .order_by(Announcement.id.desc())
        .limit(limit)
    )
    return list(rows.all())
