"""Changing an organisation after it was added: its name, its kind (schools) and its time
zone, each change checked, applied only from the value the person saw, and kept in the
audit trail (`organization_changes`: who, when, old → new).

A time zone is inherited down the tree, so changing one moves every organisation below that
has no zone of its own; `zone_move` says which, and how many messages waiting in the outbox
move with them (storage/outbox/rezone.py moves them in the same transaction).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum

from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession

from storage.models.core import Person
from storage.models.enums import OrgLevel, SchoolKind
from storage.models.orgs import Organization, OrganizationChange
from storage.orgs.scope import effective_timezone
from storage.outbox.rezone import Rezoned, rezone_outbox, waiting_counts

NAME_MIN, NAME_MAX = 2, 300
FIELDS = ("name", "school_kind", "timezone")
HISTORY_SHOWN = 3


class Problem(StrEnum):
    unchanged = "unchanged"  # the new value is the current one
    duplicate = "duplicate"  # a sibling already has this name
    name_length = "name_length"
    not_a_school = "not_a_school"  # only schools have a kind
    kind = "kind"  # not one of the kinds
    region_inherits = "region_inherits"  # a region has nothing above to inherit from
    changed_meanwhile = "changed_meanwhile"  # someone else changed it since it was shown


class OrgChangeProblem(ValueError):
    def __init__(self, problem: Problem) -> None:
        super().__init__(problem.value)
        self.problem = problem


def normal_name(name: str) -> str:
    return " ".join(name.split())


async def sibling_with_name(
    session: AsyncSession, parent_id: int | None, name: str, except_id: int | None = None
) -> Organization | None:
    """An organisation under the same parent called `name`, letter case aside (Python folds
    Cyrillic case; SQLite's lower() would not)."""
    query = select(Organization).where(
        Organization.parent_id.is_(None)
        if parent_id is None
        else Organization.parent_id == parent_id
    )
    if except_id is not None:
        query = query.where(Organization.id != except_id)
    wanted = normal_name(name).casefold()
    return next(
        (org for org in (await session.scalars(query)).all() if org.name.casefold() == wanted),
        None,
    )


async def check_change(
    session: AsyncSession, org: Organization, field: str, new: str | None
) -> str | None:
    """The value to store (names normalised), or OrgChangeProblem saying why not."""
    if field == "name":
        assert new is not None
        new = normal_name(new)
        if not NAME_MIN <= len(new) <= NAME_MAX:
            raise OrgChangeProblem(Problem.name_length)
        if new == org.name:
            raise OrgChangeProblem(Problem.unchanged)
        # Only another letter case of its own name is fine; a sibling's name is not.
        if await sibling_with_name(session, org.parent_id, new, except_id=org.id) is not None:
            raise OrgChangeProblem(Problem.duplicate)
        return new
    if field == "school_kind":
        if org.level != OrgLevel.school:
            raise OrgChangeProblem(Problem.not_a_school)
        if new not in {kind.value for kind in SchoolKind}:
            raise OrgChangeProblem(Problem.kind)
    elif field == "timezone":
        if new is None and org.level == OrgLevel.region:
            raise OrgChangeProblem(Problem.region_inherits)
    else:
        raise ValueError(f"unknown field {field!r}")
    if new == getattr(org, field):
        raise OrgChangeProblem(Problem.unchanged)
    return new


@dataclass(frozen=True)
class ZoneMove:
    """What a change of an organisation's time zone moves."""

    old: str  # the zone in effect for the organisation now
    new: str  # and after the change
    org_ids: frozenset[int]  # organisations whose zone in effect changes: it and those inheriting
    schools: int  # how many of them are schools
    reminders: int  # reminders planned and waiting in the outbox for them
    announcements: int  # announcements waiting in the outbox for them

    @property
    def moves(self) -> bool:
        return self.old != self.new


async def _zones_below(
    session: AsyncSession, org: Organization, own_zone: str | None, default: str
) -> tuple[dict[int, str], set[int]]:
    """The zone in effect of the organisation and of everything below it, were its own zone
    `own_zone`; and which of them are schools."""
    if own_zone is not None:
        top = own_zone
    elif org.parent_id is not None:
        top = await effective_timezone(session, org.parent_id, default)
    else:
        top = default
    zones, schools = {org.id: top}, set()
    if org.level == OrgLevel.school:
        schools.add(org.id)
    parents = [org.id]
    while parents:  # at most two levels: region → municipalities → schools
        rows = (
            await session.execute(
                select(
                    Organization.id,
                    Organization.parent_id,
                    Organization.timezone,
                    Organization.level,
                ).where(Organization.parent_id.in_(parents))
            )
        ).all()
        for org_id, parent_id, zone, level in rows:
            zones[org_id] = zone or zones[parent_id]
            if level == OrgLevel.school:
                schools.add(org_id)
        parents = [row[0] for row in rows]
    return zones, schools


async def zone_move(
    session: AsyncSession, org: Organization, new_zone: str | None, default: str
) -> ZoneMove:
    before, schools = await _zones_below(session, org, org.timezone, default)
    after, _schools = await _zones_below(session, org, new_zone, default)
    moved = frozenset(org_id for org_id, zone in after.items() if before[org_id] != zone)
    reminders, announcements = await waiting_counts(session, moved)
    return ZoneMove(
        old=before[org.id],
        new=after[org.id],
        org_ids=moved,
        schools=len(moved & schools),
        reminders=reminders,
        announcements=announcements,
    )


@dataclass(frozen=True)
class Applied:
    old: str | None
    new: str | None
    rezoned: Rezoned | None = None  # for a time zone: what moved in the outbox


async def apply_change(
    session: AsyncSession,
    *,
    org_id: int,
    field: str,
    expected: str | None,
    new: str | None,
    by: int,
    now: datetime,
    default_zone: str,
) -> Applied:
    """Set the field from `expected` (what the person saw) to `new`, audited; a time zone
    moves the outbox's waiting messages with it. OrgChangeProblem if anything disagrees."""
    if field not in FIELDS:
        raise ValueError(f"unknown field {field!r}")
    org = await session.get(Organization, org_id)
    if org is None or getattr(org, field) != expected:
        raise OrgChangeProblem(Problem.changed_meanwhile)
    new = await check_change(session, org, field, new)
    move = await zone_move(session, org, new, default_zone) if field == "timezone" else None
    column = getattr(Organization, field)
    result = await session.execute(
        update(Organization)
        .where(
            Organization.id == org_id,
            column.is_(None) if expected is None else column == expected,
        )
        .values({field: new})
        .execution_options(synchronize_session=False)
    )
    if not result.rowcount:  # another transaction changed it between our read and write
        raise OrgChangeProblem(Problem.changed_meanwhile)
    session.add(
        OrganizationChange(
            organization_id=org_id, person_id=by, changes={field: [expected, new]}, changed_at=now
        )
    )
    rezoned = None
    if move is not None and move.moves:
        rezoned = await rezone_outbox(session, move.org_ids, move.new, now)
    await session.flush()
    await session.refresh(org)
    return Applied(expected, new, rezoned)


@dataclass(frozen=True)
class ChangeRecord:
    changed_at: datetime
    person_name: str | None
    field: str
    old: str | None
    new: str | None


async def recent_changes(
    session: AsyncSession, org_id: int, limit: int = HISTORY_SHOWN
) -> list[ChangeRecord]:
    """The latest changes of the organisation, newest first."""
    rows = await session.execute(
        select(OrganizationChange, Person.full_name)
        .outerjoin(Person, Person.id == OrganizationChange.person_id)
        .where(OrganizationChange.organization_id == org_id)
        .order_by(OrganizationChange.id.desc())
        .limit(limit)
    )
    found = []
    for change, name in rows.all():
        for field, (old, new) in change.changes.items():
            found.append(ChangeRecord(change.changed_at, name, field, old, new))
    return found
