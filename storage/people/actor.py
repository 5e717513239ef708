"""Who is acting in the current update: a plain value, safe to read after any rollback."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy import bindparam, literal_column, select
from sqlalchemy.ext.asyncio import AsyncSession

from storage.models.core import FsmState, Person
from storage.models.enums import MembershipStatus, Role
from storage.models.orgs import Membership
from storage.people.lookup import get_or_create_person


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


# Core statements built once with bound parameters: they run on every update, and SQLAlchemy
# then reuses their compiled form. Plain columns, not ORM entities, so no objects are built.
_PEOPLE = Person.__table__
_MEMBERSHIPS = Membership.__table__
_FSM = FsmState.__table__
_ACTOR_COLUMNS = (
    _PEOPLE.c.id,
    _PEOPLE.c.locale,
    _PEOPLE.c.full_name,
    _MEMBERSHIPS.c.id,
    _MEMBERSHIPS.c.role,
    _MEMBERSHIPS.c.organization_id,
    _MEMBERSHIPS.c.status,
)
_PERSON_WITH_ROLES = _PEOPLE.outerjoin(_MEMBERSHIPS, _MEMBERSHIPS.c.person_id == _PEOPLE.c.id)
_ACTOR = (
    select(*_ACTOR_COLUMNS)
    .select_from(_PERSON_WITH_ROLES)
    .where(_PEOPLE.c.telegram_id == bindparam("telegram_id"))
    .order_by(_MEMBERSHIPS.c.id)
)
# The same rows with the conversation state in front, hung on a one-row anchor so that a
# missing person or a missing state still yields a row: one round trip for both.
_ANCHOR = select(literal_column("1").label("one")).subquery("anchor")
_ACTOR_AND_STATE = (
    select(_FSM.c.state, _FSM.c.data, *_ACTOR_COLUMNS)
    .select_from(
        _ANCHOR.outerjoin(_FSM, _FSM.c.key == bindparam("fsm_key"))
        .outerjoin(_PEOPLE, _PEOPLE.c.telegram_id == bindparam("telegram_id"))
        .outerjoin(_MEMBERSHIPS, _MEMBERSHIPS.c.person_id == _PEOPLE.c.id)
    )
    .order_by(_MEMBERSHIPS.c.id)
)


async def load_actor(
    session: AsyncSession, telegram_id: int, admin_ids: frozenset[int], now: datetime
) -> Actor:
    """The person with this Telegram id and their roles (the person row is created if new).

    One query for both, as it runs on every update.
    """
    rows = (await session.execute(_ACTOR, {"telegram_id": telegram_id})).all()
    return await _actor(session, rows, telegram_id, admin_ids, now)


async def load_actor_and_state(
    session: AsyncSession,
    telegram_id: int,
    admin_ids: frozenset[int],
    now: datetime,
    fsm_key: str,
) -> tuple[Actor, str | None, dict[str, Any] | None]:
    """load_actor, plus the state and data stored under the SQL FSM storage's `fsm_key`,
    in one query: what every update reads first, once the person's lock is taken."""
    params = {"fsm_key": fsm_key, "telegram_id": telegram_id}
    rows = (await session.execute(_ACTOR_AND_STATE, params)).all()
    state, data = rows[0][0], rows[0][1]
    person_rows = [row[2:] for row in rows if row[2] is not None]
    return await _actor(session, person_rows, telegram_id, admin_ids, now), state, data


async def _actor(
    session: AsyncSession,
    rows: Sequence[Sequence[Any]],
    telegram_id: int,
    admin_ids: frozenset[int],
    now: datetime,
) -> Actor:
    if not rows:
        person = await get_or_create_person(session, telegram_id, now)
        rows = [(person.id, person.locale, person.full_name, None, None, None, None)]
    person_id, locale, full_name = rows[0][:3]
    grants = tuple(
        Grant(membership_id, Role(role), organization_id, MembershipStatus(status))
        for *_person, membership_id, role, organization_id, status in rows
        if membership_id is not None
    )
    return Actor(
        person_id=person_id,
        telegram_id=telegram_id,
        locale=locale,
        is_admin=telegram_id in admin_ids,
        full_name=full_name,
        grants=grants,
    )
