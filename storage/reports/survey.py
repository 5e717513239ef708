"""Questionnaire figures for the reports, per municipality (campaigns are per municipality).

Answers are read only through storage/survey_aggregates: satisfaction comes from its
`breakdown` by school of the municipality, so a school's figure is its cell of the
municipal breakdown with complementary cells suppressed, and a school below k shows no
figure. Response rates per school count participations (who answered, never what) with
the same definition as `survey_aggregates.response_rate`, grouped in one query instead of
one query per school; tests check that the two agree.

The campaign a report shows is the one /results shows by default: the newest whose
results are ready, else the newest that has opened; "the previous campaign" is the one
before it.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date

from sqlalchemy import func, or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from storage.campaigns.core import campaigns_of
from storage.models.programmes import Programme, ProgrammeMember
from storage.models.surveys import Campaign, SurveyParticipation
from storage.surveys.aggregates import (
    Aggregate,
    ResponseRate,
    Scope,
    municipality_scope,
    results_ready,
    school_breakdowns,
)
from storage.surveys.questionnaires import builtin
from storage.surveys.questionnaires.model import Questionnaire

MENTEE = "monitoring_mentee"
MENTOR = "monitoring_mentor"
AUDIENCES = (MENTEE, MENTOR)


def questionnaire(key: str) -> Questionnaire:
    return builtin.latest(key)


async def campaign_pair(
    session: AsyncSession, municipality_id: int, today: date
) -> tuple[Campaign | None, Campaign | None]:
    opened = [c for c in await campaigns_of(session, municipality_id) if c.opens_on <= today]
    ready = [c for c in opened if results_ready(c, today)]
    current = (ready or opened or [None])[0]
    if current is None:
        return None, None
    older = [c for c in opened if c.deadline < current.deadline]
    return current, (older[0] if older else None)


@dataclass(frozen=True)
class Asked:
    """One campaign a report shows, with the schools of its municipality in the scope."""

    municipality_id: int
    school_ids: tuple[int, ...]
    campaign: Campaign


async def response_rates_of(
    session: AsyncSession, asked: list[Asked]
) -> dict[int, dict[str, dict[int, ResponseRate]]]:
    """{campaign: {questionnaire: {school: answered of expected}}} for the mentee and
    mentor questionnaires of many campaigns: one query for who answered, one per distinct
    campaign window for who was expected (municipalities mostly share the dates)."""
    if not asked:
        return {}
    answered: dict[tuple[int, str, int], int] = {
        (campaign_id, key, school_id): int(n)
        for campaign_id, key, school_id, n in await session.execute(
            select(
                SurveyParticipation.campaign_id,
                SurveyParticipation.questionnaire,
                SurveyParticipation.school_id,
                func.count(),
            )
            .where(
                SurveyParticipation.campaign_id.in_({a.campaign.id for a in asked}),
                SurveyParticipation.questionnaire.in_(AUDIENCES),
            )
            .group_by(
                SurveyParticipation.campaign_id,
                SurveyParticipation.questionnaire,
                SurveyParticipation.school_id,
            )
        )
    }
    windows: dict[tuple[date, date], set[int]] = defaultdict(set)
    for a in asked:
        windows[(a.campaign.opens_on, a.campaign.deadline)].update(a.school_ids)
    expected: dict[tuple[date, date, str, int], int] = {}
    roles = {questionnaire(key).audience.value: key for key in AUDIENCES}
    for (opens_on, deadline), schools in windows.items():
        rows = await session.execute(
            select(Programme.school_id, ProgrammeMember.role, func.count())
            .select_from(ProgrammeMember)
            .join(Programme, Programme.id == ProgrammeMember.programme_id)
            .where(
                Programme.school_id.in_(schools),
                Programme.status.in_(("active", "closed")),
                Programme.starts_on <= deadline,
                or_(Programme.ended_on.is_(None), Programme.ended_on >= opens_on),
                ProgrammeMember.role.in_(roles),
                ProgrammeMember.response == "accepted",
            )
            .group_by(Programme.school_id, ProgrammeMember.role)
        )
        for school_id, role, n in rows:
            expected[(opens_on, deadline, roles[role], school_id)] = int(n)
    result: dict[int, dict[str, dict[int, ResponseRate]]] = {}
    for a in asked:
        c = a.campaign
        result[c.id] = {
            key: {
                s: ResponseRate(
                    answered.get((c.id, key, s), 0),
                    expected.get((c.opens_on, c.deadline, key, s), 0),
                )
                for s in a.school_ids
            }
            for key in AUDIENCES
        }
    return result


@dataclass(frozen=True)
class Satisfied:
    """A satisfaction figure that may be shown, or why it may not."""

    percent: float | None
    respondents: int
    k: int
    formula: str
    hidden: bool = False  # enough answers, but suppressed so others cannot be worked out


@dataclass
class CampaignFigures:
    campaign: Campaign
    ready: bool
    rates: dict[str, dict[int, ResponseRate]] = field(default_factory=dict)  # key → school
    total: dict[str, Satisfied] = field(default_factory=dict)  # key → municipality
    schools: dict[str, dict[int, Satisfied]] = field(default_factory=dict)  # key → school


async def _ready_scopes(session: AsyncSession, asked: list[Asked], today: date) -> dict[int, Scope]:
    """{campaign: its municipality's scope} for the campaigns whose results may be shown."""
    municipal: dict[int, Scope] = {}
    scopes: dict[int, Scope] = {}
    for a in asked:
        if results_ready(a.campaign, today):
            if a.municipality_id not in municipal:
                municipal[a.municipality_id] = await municipality_scope(session, a.municipality_id)
            scopes[a.campaign.id] = municipal[a.municipality_id]
    return scopes


async def campaigns_figures(
    session: AsyncSession, asked: list[Asked], today: date
) -> dict[int, CampaignFigures]:
    """Response rates and satisfaction of many campaigns (a region's: two per municipality)
    in a fixed number of queries: response rates grouped, and each questionnaire's
    breakdowns of all the campaigns whose results are ready counted together. The
    per-question totals are left to `question_totals` (only the workbook lists them)."""
    rates = await response_rates_of(session, asked)
    figures = {
        a.campaign.id: CampaignFigures(a.campaign, results_ready(a.campaign, today)) for a in asked
    }
    scopes = await _ready_scopes(session, asked, today)
    for key in AUDIENCES:
        splits = (
            await school_breakdowns(session, questionnaire(key), scopes, questions=False)
            if scopes
            else {}
        )
        for a in asked:
            mine = figures[a.campaign.id]
            mine.rates[key] = rates[a.campaign.id][key]
            split = splits.get(a.campaign.id)
            if split is None:
                continue
            formula = scopes[a.campaign.id].formula
            mine.total[key] = _satisfied(split.total, formula)
            mine.schools[key] = {
                group.group_id: _satisfied(
                    group.aggregate, formula, suppressed=group.aggregate.enough
                )
                for group in split.groups
                if group.group_id in a.school_ids
            }
    return figures


async def question_totals(
    session: AsyncSession, asked: list[Asked], today: date
) -> dict[int, dict[str, Aggregate]]:
    """{campaign: {questionnaire: the municipal aggregate with every question}} for the
    campaigns whose results are ready, all counted together per questionnaire."""
    scopes = await _ready_scopes(session, asked, today)
    totals: dict[int, dict[str, Aggregate]] = {campaign_id: {} for campaign_id in scopes}
    if not scopes:
        return totals
    for key in AUDIENCES:
        splits = await school_breakdowns(session, questionnaire(key), scopes)
        for campaign_id, split in splits.items():
            totals[campaign_id][key] = split.total
    return totals


def _satisfied(aggregate, formula: str, suppressed: bool = False) -> Satisfied:
    sat = aggregate.satisfaction
    if sat is None or sat.percent is None:
        respondents = sat.respondents if sat is not None else aggregate.respondents
        return Satisfied(
            None,
            respondents,
            aggregate.k,
            formula,
            hidden=suppressed and respondents >= aggregate.k,
        )
    return Satisfied(sat.percent, sat.respondents, aggregate.k, sat.formula)
