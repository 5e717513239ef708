"""Which questionnaires a person has to answer now, and which they have answered.

Monitoring: for each active programme where the person is a mentor or a mentee (holding that
role in the programme's school, or for a mentor in a school of the municipality when pairs
across schools are allowed), the campaign accepting answers for the programme's school.
Conditions: for each school the person curates, that school's campaign. Entry: each active
programme until its member has answered. Exit: each programme closed in the last
EXIT_DAYS days until its member has answered. A person awaiting the guardian's consent in a
school gets nothing there.

Everything here is about the person themselves; nothing tells anyone else who has answered.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from storage.campaigns.core import campaign_for_school
from storage.models import MenteeProfile
from storage.models.enums import MembershipStatus, Role
from storage.models.programmes import Programme, ProgrammeMember
from storage.models.surveys import Campaign, SurveyParticipation
from storage.pairing.cross_school import schools_for_pairs
from storage.surveys.answers import Target, changeable, is_late
from storage.surveys.questionnaires.model import Audience, Occasion

EXIT_DAYS = 60

Today = Callable[[int], Awaitable[date]]  # school id → the school's local date


@dataclass(frozen=True)
class Grant:
    role: str
    organization_id: int
    status: str


@dataclass
class Item:
    """One questionnaire for the person: what it is about, and how far they are with it."""

    occasion: Occasion
    target: Target
    today: date  # in the school's time zone
    participation: SurveyParticipation | None = None

    @property
    def questionnaire(self) -> str:
        return f"{self.occasion.value}_{self.target.respondent_role}"

    @property
    def scope(self) -> str:
        return self.target.scope(self.questionnaire)

    @property
    def campaign(self) -> Campaign | None:
        return self.target.campaign

    @property
    def done(self) -> bool:
        return self.participation is not None

    @property
    def changeable(self) -> bool:
        return changeable(self.participation, self.campaign, self.today)

    @property
    def late(self) -> bool:
        """Answering now would be late (past the deadline)."""
        return is_late(self.campaign, self.today)

    @property
    def audience(self) -> Audience:
        return Audience(self.target.respondent_role)


def _accepting(campaign: Campaign | None, today: date) -> bool:
    return campaign is not None and campaign.closed_at is None and campaign.opens_on <= today


async def _valid_role(
    session: AsyncSession, grants: list[Grant], programme: Programme, role: str
) -> bool:
    schools = {programme.school_id}
    if role == Role.mentor:
        schools = await schools_for_pairs(session, programme.school_id) or schools
    held = {
        g.organization_id for g in grants if g.role == role and g.status == MembershipStatus.active
    }
    return bool(held & schools)


def _silent(grants: list[Grant], school_id: int) -> bool:
    return any(
        g.status == MembershipStatus.awaiting_guardian and g.organization_id == school_id
        for g in grants
    )


async def items_for(
    session: AsyncSession,
    person_id: int,
    grants: list[Grant],
    today_of: Today,
    now: datetime,
) -> list[Item]:
    """Every questionnaire of the person now: monitoring, conditions, entry, exit."""
    items: list[Item] = []
    todays: dict[int, date] = {}

    async def today(school_id: int) -> date:
        if school_id not in todays:
            todays[school_id] = await today_of(school_id)
        return todays[school_id]

    campaigns: dict[int, Campaign | None] = {}

    async def campaign_of(school_id: int) -> Campaign | None:
        if school_id not in campaigns:
            day = await today(school_id)
            found = await campaign_for_school(session, school_id, day)
            campaigns[school_id] = found if _accepting(found, day) else None
        return campaigns[school_id]

    rows = await session.execute(
        select(Programme, ProgrammeMember.role)
        .join(ProgrammeMember, ProgrammeMember.programme_id == Programme.id)
        .where(
            ProgrammeMember.person_id == person_id,
            ProgrammeMember.response == "accepted",
            Programme.status.in_(("active", "closed")),
        )
        .order_by(Programme.id)
    )
    for programme, role in rows.all():
        if _silent(grants, programme.school_id):
            continue
        if not await _valid_role(session, grants, programme, role):
            continue
        school = programme.school_id

        def target(campaign: Campaign | None, programme=programme, role=role) -> Target:
            return Target(
                person_id=person_id,
                school_id=programme.school_id,
                respondent_role=role,
                programme_id=programme.id,
                form_id=programme.form_id,
                campaign=campaign,
            )

        if programme.status == "active":
            items.append(Item(Occasion.entry, target(None), await today(school)))
            campaign = await campaign_of(school)
            if campaign is not None:
                items.append(Item(Occasion.monitoring, target(campaign), await today(school)))
        elif programme.closed_at is not None and programme.closed_at >= now - timedelta(
            days=EXIT_DAYS
        ):
            items.append(Item(Occasion.exit, target(None), await today(school)))

    curated = sorted(
        {
            g.organization_id
            for g in grants
            if g.role == Role.curator and g.status == MembershipStatus.active
        }
    )
    for school in curated:
        campaign = await campaign_of(school)
        if campaign is not None:
            items.append(
                Item(
                    Occasion.conditions,
                    Target(person_id, school, Role.curator.value, campaign=campaign),
                    await today(school),
                )
            )

    if items:
        scopes = [item.scope for item in items]
        found = await session.scalars(
            select(SurveyParticipation).where(SurveyParticipation.scope_key.in_(scopes))
        )
        by_scope = {p.scope_key: p for p in found.all()}
        for item in items:
            item.participation = by_scope.get(item.scope)
    # Entry and exit questionnaires are answered once; answered ones are not listed.
    return [i for i in items if not (i.done and i.occasion in (Occasion.entry, Occasion.exit))]


async def category_of(session: AsyncSession, person_id: int, audience: Audience) -> str | None:
    """The respondent's category (young_teacher, …) for questions asked of some only."""
    if audience != Audience.mentee:
        return None
    profile = await session.get(MenteeProfile, person_id)
    return profile.category if profile is not None else None


async def expected_monitoring(
    session: AsyncSession, school_ids: set[int]
) -> list[tuple[int, int, str, int]]:
    """(person id, programme id, role, school id) of everyone expected to answer the
    monitoring questionnaire in these schools: the members of their active programmes.
    For response rates and reminders (compare with the participations by scope)."""
    if not school_ids:
        return []
    rows = await session.execute(
        select(
            ProgrammeMember.person_id,
            Programme.id,
            ProgrammeMember.role,
            Programme.school_id,
        )
        .join(Programme, Programme.id == ProgrammeMember.programme_id)
        .where(
            Programme.school_id.in_(school_ids),
            Programme.status == "active",
            ProgrammeMember.response == "accepted",
        )
        .order_by(Programme.id, ProgrammeMember.person_id)
    )
    return [tuple(row) for row in rows.all()]
