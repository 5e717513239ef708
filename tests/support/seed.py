"""Building blocks for tests: organisations and registered people, straight into the database."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from storage.catalogue.entries import EntryKind, entries
from storage.db import Database
from storage.models.core import Person
from storage.models.enums import MembershipStatus, OrgLevel, Role, SchoolKind
from storage.orgs.scope import create_organization
from storage.pairing.forming import Proposal, form_programme, respond
from storage.people.lookup import get_or_create_person
from storage.people.memberships import grant_role
from storage.people.registration import record_consent, save_mentee_profile, save_mentor_profile


@dataclass
class Tree:
    region_id: int
    municipality_id: int
    school_id: int
    other_school_id: int
    other_municipality_id: int
    foreign_school_id: int  # a school of the other municipality


async def build_tree(database: Database, now: datetime) -> Tree:
    async with database.transaction() as s:
        region = await create_organization(
            s, level=OrgLevel.region, name="Ростовская область", now=now
        )
        salsk = await create_organization(
            s, level=OrgLevel.municipality, name="Сальский район", parent_id=region.id, now=now
        )
        school = await create_organization(
            s,
            level=OrgLevel.school,
            name="МБОУ лицей № 9",
            parent_id=salsk.id,
            school_kind=SchoolKind.school,
            now=now,
        )
        other = await create_organization(
            s,
            level=OrgLevel.school,
            name="МБОУ СОШ № 2",
            parent_id=salsk.id,
            school_kind=SchoolKind.school,
            now=now,
        )
        azov = await create_organization(
            s, level=OrgLevel.municipality, name="Азовский район", parent_id=region.id, now=now
        )
        foreign = await create_organization(
            s,
            level=OrgLevel.school,
            name="МБОУ СОШ № 7 (Азов)",
            parent_id=azov.id,
            school_kind=SchoolKind.school,
            now=now,
        )
        return Tree(region.id, salsk.id, school.id, other.id, azov.id, foreign.id)


MENTOR_ANSWERS = {
    "category": "teacher",
    "workplace": "МБОУ лицей № 9",
    "position": "учитель математики",
    "subjects": "математика",
    "experience_years": 15,
    "competencies": "подготовка к ЕГЭ",
    "hours_per_month": 8,
    "max_mentees": 3,
}
MENTEE_ANSWERS = {
    "category": "young_teacher",
    "birth_year": 2001,
    "experience_years": 1,
    "request": "дисциплина на уроках",
    "difficulties": ["classroom"],
    "preferred_forms": [],
}


async def add_person(
    database: Database,
    telegram_id: int,
    full_name: str,
    role: Role,
    org_id: int,
    now: datetime,
    *,
    status: MembershipStatus = MembershipStatus.active,
    profile: dict[str, Any] | None = None,
) -> int:
    """A registered person with consent, one role and (for mentors and mentees) a profile."""
    async with database.transaction() as s:
        person = await get_or_create_person(s, telegram_id, now)
        person.full_name = full_name
        await record_consent(s, person.id, now)
        await add_role(s, person.id, role, org_id, now, status=status)
        if role == Role.mentor:
            await save_mentor_profile(s, person.id, {**MENTOR_ANSWERS, **(profile or {})}, now)
        elif role == Role.mentee:
            await save_mentee_profile(s, person.id, {**MENTEE_ANSWERS, **(profile or {})}, now)
        return person.id


async def add_role(
    session: AsyncSession,
    person_id: int,
    role: Role,
    org_id: int,
    now: datetime,
    status: MembershipStatus = MembershipStatus.active,
) -> None:
    await grant_role(
        session, person_id=person_id, organization_id=org_id, role=role, status=status, now=now
    )


async def person_by_telegram(database: Database, telegram_id: int) -> Person | None:
    from sqlalchemy import select

    async with database.reading() as s:
        return await s.scalar(select(Person).where(Person.telegram_id == telegram_id))


async def make_programme(
    database: Database,
    tree: Tree,
    now: datetime,
    curator: int,
    mentor: int,
    mentees: list[int],
    *,
    starts_on: date | None = None,
) -> int:
    """An active pair (or group, with several mentees) of the tree's school, accepted by all."""
    async with database.transaction() as s:
        forms = await entries(s, tree.municipality_id, EntryKind.form)
        proposal = Proposal(
            school_id=tree.school_id,
            mentor_ids=[mentor],
            mentee_ids=mentees,
            form_id=forms[0].id,
            starts_on=starts_on or date(2026, 9, 1),
            planned_end_on=date(2027, 5, 31),
            goals="Адаптация",
            is_group=len(mentees) > 1,
        )
        programme = await form_programme(s, proposal, curator, now)
        for person in [mentor, *mentees]:
            await respond(s, programme.id, person, True, now)
        return programme.id


async def region_with_schools(
    database: Database, now: datetime, districts: list[list[str]]
) -> list[tuple[int, list[int]]]:
    """A region «Область» with one municipality per list of school names:
    [(municipality id, [school ids])]."""
    found = []
    async with database.transaction() as s:
        region = await create_organization(s, level=OrgLevel.region, name="Область", now=now)
        for m, names in enumerate(districts):
            district = await create_organization(
                s, level=OrgLevel.municipality, name=f"Район {m}", parent_id=region.id, now=now
            )
            schools = [
                await create_organization(
                    s,
                    level=OrgLevel.school,
                    name=name,
                    parent_id=district.id,
                    school_kind=SchoolKind.school,
                    now=now,
                )
                for name in names
            ]
            found.append((district.id, [school.id for school in schools]))
    return found
