"""A school's participants as its curator sees and keeps them: list, card, consents."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import func, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from storage.models.core import Person
from storage.models.enums import MembershipStatus, Role
from storage.models.orgs import Membership
from storage.models.profiles import Consent
from storage.people.register_fields import PROFILE_FIELDS, PROFILE_MODELS
from storage.people.registration import CONSENT_VERSION, needs_guardian


@dataclass(frozen=True)
class Participant:
    """One person as seen from one school: only the memberships of that school."""

    person: Person
    memberships: tuple[Membership, ...]
    consent_at: datetime | None  # their own consent to take part, current version
    guardian_consent_at: datetime | None

    @property
    def awaiting_guardian(self) -> bool:
        return any(m.status == MembershipStatus.awaiting_guardian for m in self.memberships)

    def membership(self, membership_id: int) -> Membership | None:
        return next((m for m in self.memberships if m.id == membership_id), None)


def _people_of_school(school_id: int, status: MembershipStatus | None):
    query = select(Membership.person_id).where(Membership.organization_id == school_id)
    if status is not None:
        query = query.where(Membership.status == status)
    return query


async def school_page(
    session: AsyncSession, school_id: int, status: MembershipStatus | None, page: int, size: int
) -> tuple[list[Participant], int]:
    """One page of the school's people by name; `status` keeps those with such a membership."""
    ids = _people_of_school(school_id, status)
    total = await session.scalar(select(func.count()).select_from(ids.distinct().subquery()))
    # Erased names (NULL) go last on both backends, which disagree on where NULL sorts.
    people = await session.scalars(
        select(Person)
        .where(Person.id.in_(ids))
        .order_by(Person.full_name.is_(None), Person.full_name, Person.id)
        .offset(page * size)
        .limit(size)
    )
    return await _participants(session, school_id, list(people.all())), total or 0


async def participant(session: AsyncSession, school_id: int, person_id: int) -> Participant | None:
    """The person with their memberships in the school; None if they hold none there."""
    person = await session.get(Person, person_id)
    if person is None:
        return None
    found = await _participants(session, school_id, [person])
    return found[0] if found[0].memberships else None


async def _participants(
    session: AsyncSession, school_id: int, people: list[Person]
) -> list[Participant]:
    ids = [p.id for p in people]
    memberships = await session.scalars(
        select(Membership)
        .where(Membership.organization_id == school_id, Membership.person_id.in_(ids))
        .order_by(Membership.id)
    )
    consents = await session.scalars(
        select(Consent)
        .where(Consent.person_id.in_(ids), Consent.withdrawn_at.is_(None))
        .order_by(Consent.given_at)
    )
    own: dict[int, datetime] = {}
    guardian: dict[int, datetime] = {}
    for consent in consents.all():  # ordered, so the latest of each kind wins
        if consent.kind == "guardian":
            guardian[consent.person_id] = consent.given_at
        elif consent.version == CONSENT_VERSION:
            own[consent.person_id] = consent.given_at
    by_person: dict[int, list[Membership]] = {}
    for membership in memberships.all():
        by_person.setdefault(membership.person_id, []).append(membership)
    return [
        Participant(p, tuple(by_person.get(p.id, ())), own.get(p.id), guardian.get(p.id))
        for p in people
    ]


async def record_guardian_consent(
    session: AsyncSession, person_id: int, school_id: int, by: int, now: datetime
) -> int:
    """Activate the person's memberships that waited for the guardian; how many there were.

    The consent row is written only when something was waiting, so a second curator
    pressing the same button a moment later records nothing twice.
    """
    result = await session.execute(
        update(Membership)
        .where(
            Membership.person_id == person_id,
            Membership.organization_id == school_id,
            Membership.status == MembershipStatus.awaiting_guardian,
        )
        .values(status=MembershipStatus.active, status_changed_at=now, status_changed_by=by)
    )
    if result.rowcount:
        session.add(
            Consent(
                person_id=person_id,
                kind="guardian",
                version=CONSENT_VERSION,
                given_at=now,
                recorded_by=by,
            )
        )
        await session.flush()
    return result.rowcount or 0


async def profile_answers(session: AsyncSession, person_id: int, role: Role) -> dict[str, Any]:
    """The register fields of the role's profile, keyed as the registration form keys them."""
    model = PROFILE_MODELS.get(role)
    profile = await session.get(model, person_id) if model else None
    if profile is None:
        return {}
    return {key: getattr(profile, key) for key in PROFILE_FIELDS[role]}


async def status_on_activation(
    session: AsyncSession, membership: Membership, guardian_consent_at: datetime | None, year: int
) -> MembershipStatus:
    """A minor without a recorded guardian's consent goes back to waiting, not to active."""
    if guardian_consent_at is not None:
        return MembershipStatus.active
    answers = await profile_answers(session, membership.person_id, Role(membership.role))
    if needs_guardian(Role(membership.role), answers, year):
        return MembershipStatus.awaiting_guardian
    return MembershipStatus.active
