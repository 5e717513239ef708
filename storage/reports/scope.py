"""What a report covers: one school, a municipality or a region, with its schools by name.

The caller has already checked that the person may see `org_id` (bot/access.managed_orgs,
the curator's schools); this module only resolves the tree below it.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from storage.models.enums import OrgLevel
from storage.models.orgs import Organization
from storage.orgs.scope import descendants


@dataclass(frozen=True)
class School:
    id: int
    name: str
    municipality_id: int | None
    municipality: str


@dataclass(frozen=True)
class ReportScope:
    org_id: int
    name: str
    level: OrgLevel
    schools: tuple[School, ...]  # by municipality, then name
    municipalities: tuple[tuple[int, str], ...]  # (id, name) by name

    @property
    def school_ids(self) -> frozenset[int]:
        return frozenset(s.id for s in self.schools)

    def schools_of(self, municipality_id: int) -> list[School]:
        return [s for s in self.schools if s.municipality_id == municipality_id]

    def name_of(self, school_id: int) -> str:
        return next((s.name for s in self.schools if s.id == school_id), "?")


async def report_scope(session: AsyncSession, org_id: int) -> ReportScope | None:
    root = await session.get(Organization, org_id)
    if root is None:
        return None
    ids = await descendants(session, {org_id})
    # The parents of the root too, so a single school knows its municipality.
    rows = list((await session.scalars(select(Organization).where(Organization.id.in_(ids)))).all())
    if root.parent_id is not None and root.level == OrgLevel.school:
        parent = await session.get(Organization, root.parent_id)
        if parent is not None:
            rows.append(parent)
    by_id = {org.id: org for org in rows}
    municipalities = sorted(
        ((o.id, o.name) for o in rows if o.level == OrgLevel.municipality),
        key=lambda pair: pair[1],
    )
    schools = []
    for org in rows:
        if org.level != OrgLevel.school or org.id not in ids:
            continue
        parent = by_id.get(org.parent_id) if org.parent_id is not None else None
        schools.append(
            School(
                org.id,
                org.name,
                parent.id if parent is not None else None,
                parent.name if parent is not None else "",
            )
        )
    schools.sort(key=lambda s: (s.municipality, s.name))
    return ReportScope(
        root.id, root.name, OrgLevel(root.level), tuple(schools), tuple(municipalities)
    )
