"""Reminders of a monitoring campaign: the window opening, the countdown to the deadline,
the curator's digest during the campaign and the coordinator's digest after it.

Who still owes a questionnaire comes from participations (who answered), never from
responses (what was answered); the coordinator's figures come from the anonymous
aggregates, which show a school only over at least k respondents.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, timedelta

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from scheduler.reminders import LOOKBACK, Owed, Zones, plans
from scheduler.reminders_pairs import pair_names
from storage.meetings.people import active_members, school_curators
from storage.models.core import Person
from storage.models.enums import MembershipStatus, OrgLevel, Role
from storage.models.meetings import Meeting
from storage.models.orgs import Membership, Organization
from storage.models.programmes import Programme
from storage.models.surveys import Campaign, SurveyParticipation
from storage.orgs.scope import descendants
from storage.surveys.aggregates import Group, breakdown, municipality_scope, response_rate
from storage.surveys.pending import expected_monitoring
from storage.surveys.questionnaires.builtin import latest

COUNTDOWN_DAYS = (7, 3, 1)
DIGEST_EVERY = timedelta(days=7)
QUIET_PAIRS_AFTER = timedelta(days=30)


@dataclass
class Debts:
    """Who in a campaign still owes what, per school."""

    campaign: Campaign
    schools: dict[int, str]  # id → name
    owing: dict[int, dict[int, int]] = field(default_factory=dict)  # school → person → count
    expected: dict[int, int] = field(default_factory=dict)  # school → answers expected

    def people(self) -> dict[int, tuple[int, int]]:
        """person → (a school of theirs, questionnaires owed across schools)."""
        found: dict[int, tuple[int, int]] = {}
        for school_id, debts in sorted(self.owing.items()):
            for person_id, count in debts.items():
                school, total = found.get(person_id, (school_id, 0))
                found[person_id] = (school, total + count)
        return found


async def _campaigns(session: AsyncSession, today: date) -> list[Campaign]:
    """Campaigns with something to remind of around today (opening to the day after)."""
    rows = await session.scalars(
        select(Campaign).where(
            Campaign.closed_at.is_(None),
            Campaign.opens_on <= today + timedelta(days=1),
            Campaign.deadline >= today - LOOKBACK - timedelta(days=2),
        )
    )
    return list(rows.all())


async def _debts(session: AsyncSession, campaign: Campaign) -> Debts:
    below = await descendants(session, {campaign.municipality_id})
    schools = dict(
        (
            await session.execute(
                select(Organization.id, Organization.name).where(
                    Organization.id.in_(below), Organization.level == OrgLevel.school
                )
            )
        ).all()
    )
    debts = Debts(campaign, schools)
    answered = {
        (person, programme or f"s{school}")
        for person, programme, school in await session.execute(
            select(
                SurveyParticipation.person_id,
                SurveyParticipation.programme_id,
                SurveyParticipation.school_id,
            ).where(SurveyParticipation.campaign_id == campaign.id)
        )
    }
    by_school: dict[tuple[int, Role], list[tuple[int, int | str]]] = defaultdict(list)
    for person, programme, role, school in await expected_monitoring(session, set(schools)):
        by_school[(school, Role(role))].append((person, programme))
    for school in schools:
        by_school[(school, Role.curator)] = [
            (person, f"s{school}") for person in await school_curators(session, school)
        ]
    for (school, role), expected in by_school.items():
        reachable = set(await active_members(session, [p for p, _ in expected], school, role))
        for person, target in expected:
            if person not in reachable:
                continue  # awaiting the guardian's consent: the bot asks nothing of them
            debts.expected[school] = debts.expected.get(school, 0) + 1
            if (person, target) not in answered:
                school_debts = debts.owing.setdefault(school, {})
                school_debts[person] = school_debts.get(person, 0) + 1
    return debts


def _params(campaign: Campaign, **extra: object) -> dict[str, object]:
    return {"deadline": campaign.deadline.isoformat(), **extra}


@plans("survey_open")
async def survey_open(session: AsyncSession, zones: Zones) -> list[Owed]:
    owed = []
    for campaign in await _campaigns(session, zones.now.date()):
        debts = await _debts(session, campaign)
        for person_id, (school_id, count) in debts.people().items():
            params = _params(campaign, count=count)
            owed.append(
                Owed(
                    "survey_open", str(campaign.id), person_id, school_id, campaign.opens_on, params
                )
            )
    return owed


@plans("survey_countdown")
async def survey_countdown(session: AsyncSession, zones: Zones) -> list[Owed]:
    owed = []
    for campaign in await _campaigns(session, zones.now.date()):
        debts = await _debts(session, campaign)
        for days in COUNTDOWN_DAYS:
            trigger = campaign.deadline - timedelta(days=days)
            if trigger < campaign.opens_on:
                continue
            for person_id, (school_id, count) in debts.people().items():
                params = _params(campaign, count=count, days=days)
                subject = f"{campaign.id}:{days}"
                owed.append(
                    Owed("survey_countdown", subject, person_id, school_id, trigger, params)
                )
    return owed


async def _quiet_pairs(session: AsyncSession, school_id: int, today: date) -> list[str]:
    """ "Mentor → mentees" of the school's active pairs without a meeting in 30 days."""
    last = (
        select(Meeting.programme_id, func.max(Meeting.held_on).label("held_on"))
        .where(Meeting.deleted_at.is_(None))
        .group_by(Meeting.programme_id)
        .subquery()
    )
    rows = await session.execute(
        select(Programme.id, Programme.starts_on, last.c.held_on)
        .outerjoin(last, last.c.programme_id == Programme.id)
        .where(Programme.school_id == school_id, Programme.status == "active")
    )
    quiet = [pid for pid, starts, held in rows if (held or starts) <= today - QUIET_PAIRS_AFTER]
    names = await pair_names(session, quiet)
    return sorted(names[pid] for pid in quiet if pid in names)


async def _names(session: AsyncSession, person_ids: list[int]) -> list[str]:
    rows = await session.scalars(select(Person.full_name).where(Person.id.in_(person_ids)))
    return sorted(name or "—" for name in rows.all())


@plans("curator_digest")
async def curator_digest(session: AsyncSession, zones: Zones) -> list[Owed]:
    owed = []
    for campaign in await _campaigns(session, zones.now.date()):
        triggers = {campaign.deadline - timedelta(days=1)}
        day = campaign.opens_on + DIGEST_EVERY
        while day < campaign.deadline:
            triggers.add(day)
            day += DIGEST_EVERY
        debts = await _debts(session, campaign)
        for school_id, school_name in debts.schools.items():
            curators = await school_curators(session, school_id)
            if not curators:
                continue
            today = await zones.today(school_id)
            owing = sorted(debts.owing.get(school_id, {}))
            params = _params(
                campaign,
                school=school_name,
                expected=debts.expected.get(school_id, 0),
                owing=len(owing),
                names=await _names(session, owing),
                quiet=await _quiet_pairs(session, school_id, today),
            )
            for trigger in sorted(triggers):
                for curator in curators:
                    subject = f"{campaign.id}:{school_id}:{trigger}"
                    owed.append(
                        Owed("curator_digest", subject, curator, school_id, trigger, params)
                    )
    return owed


async def _coordinators(session: AsyncSession, municipality_id: int) -> list[int]:
    region = await session.scalar(
        select(Organization.parent_id).where(Organization.id == municipality_id)
    )
    rows = await session.scalars(
        select(Membership.person_id).where(
            Membership.organization_id.in_([municipality_id, region]),
            Membership.role == Role.coordinator,
            Membership.status == MembershipStatus.active,
        )
    )
    return sorted(set(rows.all()))


@plans("coordinator_digest")
async def coordinator_digest(session: AsyncSession, zones: Zones) -> list[Owed]:
    owed = []
    mentee_form = latest("monitoring_mentee")
    for campaign in await _campaigns(session, zones.now.date()):
        trigger = campaign.deadline + timedelta(days=1)
        coordinators = await _coordinators(session, campaign.municipality_id)
        if not coordinators:
            continue
        scope = await municipality_scope(session, campaign.municipality_id)
        split = await breakdown(session, mentee_form, scope, campaign_id=campaign.id)
        satisfaction = {group.group_id: _shown(group) for group in split.groups}
        debts = await _debts(session, campaign)
        rows = []
        for school_id, name in sorted(debts.schools.items(), key=lambda item: item[1]):
            expected = debts.expected.get(school_id, 0)
            answered = expected - sum(debts.owing.get(school_id, {}).values())
            rows.append([name, answered, expected, *satisfaction.get(school_id, (None, 0))])
        rate = await response_rate(session, mentee_form, scope.school_ids, campaign)
        total = split.total.satisfaction
        params = _params(
            campaign,
            schools=rows,
            mentees_answered=rate.answered,
            mentees_expected=rate.expected,
            satisfaction=total.percent if total is not None else None,
            respondents=total.respondents if total is not None else split.total.respondents,
            formula=scope.formula,
            k=scope.k,
        )
        # The digest goes in the municipality's own zone: any of its schools will do.
        school_id = min(debts.schools, default=campaign.municipality_id)
        for coordinator in coordinators:
            owed.append(
                Owed(
                    "coordinator_digest", str(campaign.id), coordinator, school_id, trigger, params
                )
            )
    return owed


def _shown(group: Group) -> tuple[float | str | None, int]:
    """A school's satisfaction for the digest: the figure, "hidden" where a figure exists but
    would let the other schools be worked out, or None (too few) with the respondents."""
    aggregate = group.aggregate
    sat = aggregate.satisfaction
    if group.shown and sat is not None and sat.percent is not None:
        return sat.percent, sat.respondents
    if aggregate.enough and not group.shown:
        return "hidden", 0
    return None, sat.respondents if sat is not None else aggregate.respondents
