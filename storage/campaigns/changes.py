"""What a coordinator changes in a municipality's campaigns and rules, and the ticker's seal.

Every change is checked here, not only in the chat: a window opens before its deadline and
never overlaps the municipality's other campaigns (the campaign accepting answers would
become ambiguous), the two default deadlines are further apart than the window, k stays at
three or more. A refused change raises `CampaignProblem` with a code the handler words.

Sealing: once a campaign's deadline has passed in the municipality's time zone, answers can
no longer be changed, so the keyed links from responses back to respondents are erased
(`seal_due`). A late answer that arrives afterwards loses its link at the next tick. A
deadline moved into the future again makes the campaign unsealed until it passes again.

Publishing: when figures become visible (a close, the seal after the deadline) they are
published (storage/surveys/publish.py), and a reopen or a deadline moved into the future
first publishes figures that were visible without a publication (the deadline passed
before the seal, or the campaign was closed before publications existed). A campaign's
figures are read from its publication from then on, so a reopen cannot move what was seen
by one person.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import date, datetime, timedelta
from enum import StrEnum

from sqlalchemy import delete, func, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from storage.campaigns.core import (
    MIN_RESPONDENTS_FLOOR,
    CampaignRules,
    ensure_campaign,
    next_deadline,
    rules_for,
)
from storage.models.surveys import Campaign, SurveyParticipation, SurveyResponse, SurveySettings
from storage.surveys.publish import publish, publish_if_seen

MAX_WINDOW_DAYS = 60
MAX_MIN_RESPONDENTS = 50
FORMULAS = ("mean", "share8")


class Problem(StrEnum):
    opens_after_deadline = "opens_after_deadline"  # the window must open before the deadline
    overlaps = "overlaps"  # the window would overlap another campaign of the municipality
    superseded = "superseded"  # the next campaign has opened; this one cannot be reopened
    not_closed = "not_closed"  # reopening a campaign that is not closed
    closed = "closed"  # closing a campaign that is closed already
    window = "window"  # window days outside 1–60
    deadlines_too_close = "deadlines_too_close"  # the two defaults leave no room for a window
    min_respondents = "min_respondents"  # k outside 3–50
    formula = "formula"


class CampaignProblem(ValueError):
    def __init__(self, problem: Problem) -> None:
        super().__init__(problem.value)
        self.problem = problem


async def find_campaign(
    session: AsyncSession, municipality_id: int, period: str
) -> Campaign | None:
    return await session.scalar(
        select(Campaign).where(
            Campaign.municipality_id == municipality_id, Campaign.period == period
        )
    )


async def neighbours(session: AsyncSession, campaign: Campaign) -> list[Campaign]:
    rows = await session.scalars(
        select(Campaign).where(
            Campaign.municipality_id == campaign.municipality_id, Campaign.id != campaign.id
        )
    )
    return list(rows.all())


async def is_superseded(session: AsyncSession, campaign: Campaign, today: date) -> bool:
    """A later campaign of the municipality has opened its window: this one takes no answers."""
    later = await session.scalar(
        select(func.count())
        .select_from(Campaign)
        .where(
            Campaign.municipality_id == campaign.municipality_id,
            Campaign.id != campaign.id,
            Campaign.opens_on > campaign.opens_on,
            Campaign.opens_on <= today,
        )
    )
    return bool(later)


async def check_dates(
    session: AsyncSession, campaign: Campaign, opens_on: date | None, deadline: date | None
) -> tuple[date, date]:
    """The new window, or CampaignProblem; changes nothing (to check several first)."""
    new_opens = opens_on or campaign.opens_on
    new_deadline = deadline or campaign.deadline
    if new_opens >= new_deadline:
        raise CampaignProblem(Problem.opens_after_deadline)
    for other in await neighbours(session, campaign):
        if new_opens <= other.deadline and other.opens_on <= new_deadline:
            raise CampaignProblem(Problem.overlaps)
    return new_opens, new_deadline


async def set_dates(
    session: AsyncSession,
    campaign: Campaign,
    *,
    opens_on: date | None = None,
    deadline: date | None = None,
    today: date,
    now: datetime,
    actor_id: int | None = None,
) -> Campaign:
    """Move the window's opening and/or the deadline (the deadline day itself still counts)."""
    new_opens, new_deadline = await check_dates(session, campaign, opens_on, deadline)
    if new_deadline >= today:
        await publish_if_seen(session, campaign, today, now)
    campaign.opens_on, campaign.deadline = new_opens, new_deadline
    if new_deadline >= today:
        campaign.sealed_at = None  # answers may be changed again until the new deadline
    _touch(campaign, now, actor_id)
    await session.flush()
    return campaign


async def close_early(
    session: AsyncSession, campaign: Campaign, now: datetime, actor_id: int | None = None
) -> Campaign:
    if campaign.closed_at is not None:
        raise CampaignProblem(Problem.closed)
    campaign.closed_at = now
    _touch(campaign, now, actor_id)
    await session.flush()
    await publish(session, campaign, now)  # its figures are visible from now on
    return campaign


async def reopen(
    session: AsyncSession,
    campaign: Campaign,
    today: date,
    now: datetime,
    actor_id: int | None = None,
) -> Campaign:
    if campaign.closed_at is None:
        raise CampaignProblem(Problem.not_closed)
    if await is_superseded(session, campaign, today):
        raise CampaignProblem(Problem.superseded)
    await publish_if_seen(session, campaign, today, now)
    campaign.closed_at = None
    _touch(campaign, now, actor_id)
    await session.flush()
    return campaign


def _touch(campaign: Campaign, now: datetime, actor_id: int | None) -> None:
    campaign.updated_at = now
    if actor_id is not None and campaign.created_by is None:
        # created_by doubles as "changed by hand": such a campaign keeps its dates when the
        # municipality's default rules change later.
        campaign.created_by = actor_id


def _day_of_year(month_day: str) -> int:
    month, day = (int(part) for part in month_day.split("-"))
    return date(2001, month, day).timetuple().tm_yday  # a non-leap year


def deadlines_fit(rules: CampaignRules) -> bool:
    """Both windows fit between the two deadlines, whichever way round the year goes."""
    gap = abs(_day_of_year(rules.winter_deadline) - _day_of_year(rules.spring_deadline))
    return min(gap, 365 - gap) > rules.window_days


def validate(rules: CampaignRules) -> None:
    if not 1 <= rules.window_days <= MAX_WINDOW_DAYS:
        raise CampaignProblem(Problem.window)
    if not MIN_RESPONDENTS_FLOOR <= rules.min_respondents <= MAX_MIN_RESPONDENTS:
        raise CampaignProblem(Problem.min_respondents)
    if rules.satisfaction_formula not in FORMULAS:
        raise CampaignProblem(Problem.formula)
    if not deadlines_fit(rules):
        raise CampaignProblem(Problem.deadlines_too_close)


async def check_rules(
    session: AsyncSession, municipality_id: int, **changes: object
) -> CampaignRules:
    """The rules after the change, or CampaignProblem; changes nothing."""
    new = replace(await rules_for(session, municipality_id), **changes)  # type: ignore[arg-type]
    validate(new)
    return new


async def change_rules(
    session: AsyncSession,
    municipality_id: int,
    today: date,
    now: datetime,
    actor_id: int | None = None,
    **changes: object,
) -> CampaignRules:
    """Store new rules (window_days, winter_deadline, spring_deadline as MM-DD,
    min_respondents, satisfaction_formula); upcoming campaigns nobody changed by hand and
    nobody answered follow the new dates at once."""
    old = await rules_for(session, municipality_id)
    new = await check_rules(session, municipality_id, **changes)
    stored = await session.get(SurveySettings, municipality_id)
    if stored is None:
        stored = SurveySettings(municipality_id=municipality_id, updated_at=now)
        session.add(stored)
    stored.window_days = new.window_days
    stored.winter_deadline = new.winter_deadline
    stored.spring_deadline = new.spring_deadline
    stored.min_respondents = new.min_respondents
    stored.satisfaction_formula = new.satisfaction_formula
    stored.updated_by = actor_id
    stored.updated_at = now
    await session.flush()
    if (old.window_days, old.winter_deadline, old.spring_deadline) != (
        new.window_days,
        new.winter_deadline,
        new.spring_deadline,
    ):
        await _follow_rules(session, municipality_id, today, now)
    return new


async def _follow_rules(
    session: AsyncSession, municipality_id: int, today: date, now: datetime
) -> None:
    untouched = (
        await session.scalars(
            select(Campaign).where(
                Campaign.municipality_id == municipality_id,
                Campaign.opens_on > today,
                Campaign.created_by.is_(None),
                Campaign.closed_at.is_(None),
            )
        )
    ).all()
    ids = [c.id for c in untouched]
    if ids:
        answered = await session.scalar(
            select(func.count())
            .select_from(SurveyParticipation)
            .where(SurveyParticipation.campaign_id.in_(ids))
        )
        if not answered:
            await session.execute(delete(Campaign).where(Campaign.id.in_(ids)))
            await session.flush()
    await ensure_upcoming(session, municipality_id, today, now)


async def ensure_upcoming(
    session: AsyncSession, municipality_id: int, today: date, now: datetime
) -> tuple[Campaign, Campaign]:
    """The campaign of the nearest default deadline and the one after it, created if
    missing (the coordinator can prepare the next period's dates in advance)."""
    first = await ensure_campaign(session, municipality_id, today, now)
    rules = await rules_for(session, municipality_id)
    after = next_deadline(rules, today) + timedelta(days=1)
    second = await ensure_campaign(session, municipality_id, after, now)
    return first, second


async def seal_due(session: AsyncSession, municipality_id: int, today: date, now: datetime) -> int:
    """Publish the figures of the municipality's campaigns whose deadline has passed since
    they were last sealed, then erase the response links of every campaign past its
    deadline; the number of campaigns sealed now."""
    due = await session.scalars(
        select(Campaign)
        .where(
            Campaign.municipality_id == municipality_id,
            Campaign.deadline < today,
            Campaign.sealed_at.is_(None),
        )
        .order_by(Campaign.id)
    )
    for campaign in due.all():
        await publish(session, campaign, now)
    past = select(Campaign.id).where(
        Campaign.municipality_id == municipality_id, Campaign.deadline < today
    )
    await session.execute(
        update(SurveyResponse)
        .where(SurveyResponse.campaign_id.in_(past), SurveyResponse.link.is_not(None))
        .values(link=None)
        .execution_options(synchronize_session=False)
    )
    result = await session.execute(
        update(Campaign)
        .where(
            Campaign.municipality_id == municipality_id,
            Campaign.deadline < today,
            Campaign.sealed_at.is_(None),
        )
        .values(sealed_at=now)
        .execution_options(synchronize_session=False)
    )
    return result.rowcount or 0


async def in_view(
    session: AsyncSession, municipality_id: int, today: date, now: datetime
) -> list[Campaign]:
    """What the coordinator works on: the latest campaign whose window has opened (even a
    closed one, to reopen it) and the upcoming ones, two in all; upcoming ones are ensured."""
    await ensure_upcoming(session, municipality_id, today, now)
    latest = await session.scalar(
        select(Campaign)
        .where(Campaign.municipality_id == municipality_id, Campaign.opens_on <= today)
        .order_by(Campaign.opens_on.desc(), Campaign.id.desc())
        .limit(1)
    )
    upcoming = (
        await session.scalars(
            select(Campaign)
            .where(Campaign.municipality_id == municipality_id, Campaign.opens_on > today)
            .order_by(Campaign.opens_on)
            .limit(2)
        )
    ).all()
    shown = [latest] if latest is not None else []
    return shown + list(upcoming)[: 2 - len(shown)]
