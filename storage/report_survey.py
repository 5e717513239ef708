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

from storage.campaigns import campaigns_of
from storage.models.programmes import Programme, ProgrammeMember
from storage.models.surveys import Campaign, SurveyParticipation
from storage.questionnaires import builtin
from storage.questionnaires.model import Questionnaire
from storage.survey_aggregates import (
    Aggregate,
    ResponseRate,
    breakdown,
    municipality_scope,
    results_ready,
)

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


async def response_rates(
    session: AsyncSession, key: str, school_ids: list[int], campaign: Campaign
) -> dict[int, ResponseRate]:
    """{school: answered of expected} for a mentee or mentor questionnaire."""
    audience = questionnaire(key).audience.value
    answered = dict(
        (
            await session.execute(
                select(SurveyParticipation.school_id, func.count())
                .where(
                    SurveyParticipation.campaign_id == campaign.id,
                    SurveyParticipation.questionnaire == key,
                    SurveyParticipation.school_id.in_(school_ids),
                )
                .group_by(SurveyParticipation.school_id)
            )
        ).all()
    )
    expected = dict(
        (
            await session.execute(
                select(Programme.school_id, func.count())
                .select_from(ProgrammeMember)
                .join(Programme, Programme.id == ProgrammeMember.programme_id)
                .where(
                    Programme.school_id.in_(school_ids),
                    Programme.status.in_(("active", "closed")),
                    Programme.starts_on <= campaign.deadline,
                    or_(Programme.ended_on.is_(None), Programme.ended_on >= campaign.opens_on),
                    ProgrammeMember.role == audience,
                    ProgrammeMember.response == "accepted",
                )
                .group_by(Programme.school_id)
            )
        ).all()
    )
    return {s: ResponseRate(int(answered.get(s, 0)), int(expected.get(s, 0))) for s in school_ids}


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
    aggregates: dict[str, Aggregate] = field(default_factory=dict)  # key → municipal total


async def campaign_figures(
    session: AsyncSession,
    municipality_id: int,
    school_ids: list[int],
    campaign: Campaign,
    today: date,
) -> CampaignFigures:
    ready = results_ready(campaign, today)
    figures = CampaignFigures(campaign, ready)
    scope = await municipality_scope(session, municipality_id)
    for key in AUDIENCES:
        figures.rates[key] = await response_rates(session, key, school_ids, campaign)
        if not ready:
            continue
        split = await breakdown(session, questionnaire(key), scope, campaign_id=campaign.id)
        figures.total[key] = _satisfied(split.total, scope.formula)
        figures.aggregates[key] = split.total
        per_school: dict[int, Satisfied] = defaultdict(lambda: Satisfied(None, 0, scope.k, ""))
        for group in split.groups:
            if group.group_id in school_ids:
                per_school[group.group_id] = _satisfied(
                    group.aggregate, scope.formula, suppressed=group.aggregate.enough
                )
        figures.schools[key] = dict(per_school)
    return figures


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
