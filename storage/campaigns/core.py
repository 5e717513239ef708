"""Monitoring campaigns: one per municipality and period, inherited by its schools.

A campaign accepts answers from `opens_on` (by default 14 days before the deadline) until
the coordinator closes it or the municipality's next campaign opens; answers after the
deadline count as late. Dates are the municipality's local dates: callers pass "today" in
the school's time zone. Rows are created from the municipality's rules on demand and by
the ticker, idempotently (one per municipality and period).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from enum import StrEnum

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from storage.models.enums import OrgLevel
from storage.models.orgs import Organization
from storage.models.surveys import Campaign, SurveySettings
from storage.upsert import insert_ignoring_conflict

DEFAULT_WINDOW_DAYS = 14
DEFAULT_WINTER_DEADLINE = "12-20"
DEFAULT_SPRING_DEADLINE = "05-20"
# Aggregates over fewer respondents could be traced back to a person; never configurable below.
MIN_RESPONDENTS_FLOOR = 3


class CampaignState(StrEnum):
    upcoming = "upcoming"  # its window has not opened yet
    open = "open"  # answers count as on time
    late = "late"  # past the deadline, still accepting answers marked late
    closed = "closed"  # closed by the coordinator, or superseded by the next campaign


@dataclass(frozen=True)
class CampaignRules:
    window_days: int = DEFAULT_WINDOW_DAYS
    winter_deadline: str = DEFAULT_WINTER_DEADLINE
    spring_deadline: str = DEFAULT_SPRING_DEADLINE
    min_respondents: int = MIN_RESPONDENTS_FLOOR
    satisfaction_formula: str = "mean"  # mean | share8


async def rules_for(session: AsyncSession, municipality_id: int) -> CampaignRules:
    stored = await session.get(SurveySettings, municipality_id)
    if stored is None:
        return CampaignRules()
    return CampaignRules(
        window_days=stored.window_days,
        winter_deadline=stored.winter_deadline,
        spring_deadline=stored.spring_deadline,
        min_respondents=max(stored.min_respondents, MIN_RESPONDENTS_FLOOR),
        satisfaction_formula=stored.satisfaction_formula,
    )


async def municipality_of(session: AsyncSession, org_id: int) -> int | None:
    """The municipality at or above the organisation (a school's campaigns are its
    municipality's); None for a region or an organisation outside any municipality."""
    current: int | None = org_id
    while current is not None:
        org = await session.get(Organization, current)
        if org is None:
            return None
        if org.level == OrgLevel.municipality:
            return org.id
        current = org.parent_id
    return None


def _on(year: int, month_day: str) -> date:
    month, day = (int(part) for part in month_day.split("-"))
    return date(year, month, day)


def next_deadline(rules: CampaignRules, today: date) -> date:
    """The earliest default deadline on or after today."""
    candidates = [
        _on(year, month_day)
        for year in (today.year, today.year + 1)
        for month_day in (rules.winter_deadline, rules.spring_deadline)
    ]
    return min(d for d in candidates if d >= today)


def period_of(deadline: date) -> str:
    return f"{deadline.year:04d}-{deadline.month:02d}"


async def ensure_campaign(
    session: AsyncSession, municipality_id: int, today: date, now: datetime
) -> Campaign:
    """The campaign of the next default period, created from the rules if it is missing.

    A campaign the coordinator already moved (another deadline, closed early) is left as is.
    """
    rules = await rules_for(session, municipality_id)
    deadline = next_deadline(rules, today)
    period = period_of(deadline)
    await insert_ignoring_conflict(
        session,
        Campaign,
        municipality_id=municipality_id,
        period=period,
        opens_on=deadline - timedelta(days=rules.window_days),
        deadline=deadline,
        created_at=now,
        updated_at=now,
    )
    found = await session.scalar(
        select(Campaign).where(
            Campaign.municipality_id == municipality_id, Campaign.period == period
        )
    )
    assert found is not None
    return found


async def campaigns_of(session: AsyncSession, municipality_id: int) -> list[Campaign]:
    """Newest first."""
    rows = await session.scalars(
        select(Campaign)
        .where(Campaign.municipality_id == municipality_id)
        .order_by(Campaign.opens_on.desc(), Campaign.id.desc())
    )
    return list(rows.all())


def state_of(campaign: Campaign, today: date, superseded: bool = False) -> CampaignState:
    if campaign.closed_at is not None or superseded:
        return CampaignState.closed
    if today < campaign.opens_on:
        return CampaignState.upcoming
    return CampaignState.open if today <= campaign.deadline else CampaignState.late


async def current_campaign(
    session: AsyncSession, municipality_id: int, today: date
) -> Campaign | None:
    """The campaign accepting answers today: the latest one whose window has opened, unless
    the coordinator has closed it (an older one is superseded by it either way)."""
    latest = await session.scalar(
        select(Campaign)
        .where(Campaign.municipality_id == municipality_id, Campaign.opens_on <= today)
        .order_by(Campaign.opens_on.desc(), Campaign.id.desc())
        .limit(1)
    )
    if latest is None or latest.closed_at is not None:
        return None
    return latest


async def campaign_for_school(
    session: AsyncSession, school_id: int, today: date
) -> Campaign | None:
    municipality_id = await municipality_of(session, school_id)
    if municipality_id is None:
        return None
    return await current_campaign(session, municipality_id, today)
