"""Who is acting in the current update: a plain value, safe to read after any rollback."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from storage.models.core import Person
from storage.models.enums import MembershipStatus, Role
from storage.models.orgs import Membership
from storage.people import get_or_create_person


@dataclass(frozen=True, slots=True)
class Grant:
    """One role in one organisation, as loaded at the start of the update."""

    membership_id: int
    role: Role
    organization_id: int
    status: MembershipStatus

    @property
    def active(self) -> bool:
        return self.status == MembershipStatus.active


@dataclass(frozen=True, slots=True)
class Actor:
    person_id: int
    telegram_id: int
    locale: str | None
    is_admin: bool = False
    full_name: str | None = None
    grants: tuple[Grant, ...] = field(default=())

    def has_role(self, *roles: Role) -> bool:
        return any(g.active and g.role in roles for g in self.grants)

    def org_ids(self, *roles: Role) -> set[int]:
        """Organisations where the person holds one of `roles`, active grants only."""
        return {g.organization_id for g in self.grants if g.active and g.role in roles}

    @property
    def roles(self) -> set[Role]:
        return {g.role for g in self.grants if g.active}


async def load_actor(
    session: AsyncSession, telegram_id: int, admin_ids: frozenset[int], now: datetime
) -> Actor:
    """The person with this Telegram id and their roles (the person row is created if new).

    One query for both, as it runs on every update.
    """
    rows = (
        await session.execute(
            select(Person.id, Person.locale, Person.full_name, Membership)
            .outerjoin(Membership, Membership.person_id == Person.id)
            .where(Person.telegram_id == telegram_id)
            .order_by(Membership.id)
        )
    ).all()
    if not rows:
        person = await get_or_create_person(session, telegram_id, now)
        rows = [(person.id, person.locale, person.full_name, None)]
    person_id, locale, full_name = rows[0][:3]
    grants = tuple(
        Grant(m.id, Role(m.role), m.organization_id, MembershipStatus(m.status))
        for *_person, m in rows
        if m is not None
    )
    return Actor(
        person_id=person_id,
        telegram_id=telegram_id,
        locale=locale,
        is_admin=telegram_id in admin_ids,
        full_name=full_name,
        grants=grants,
    )
