"""Campaign mutations and the ticker's job: dates validated, close and reopen, the rules,
next campaigns ensured, links erased once the deadline has passed."""

from __future__ import annotations

import secrets
from datetime import UTC, date, datetime, timedelta

import pytest
from sqlalchemy import func, select

from scheduler.campaigns import CampaignJob, run_campaigns
from storage.campaigns.changes import (
    CampaignProblem,
    Problem,
    change_rules,
    close_early,
    ensure_upcoming,
    find_campaign,
    reopen,
    set_dates,
)
from storage.campaigns.core import campaign_for_school, campaigns_of, rules_for
from storage.clock import FrozenClock
from storage.models.enums import Role
from storage.models.surveys import Campaign, SurveyResponse
from tests.support.seed import add_person, build_tree

NOW = datetime(2026, 11, 23, 9, tzinfo=UTC)
TODAY = date(2026, 11, 23)


def problem_of(error: pytest.ExceptionInfo[CampaignProblem]) -> Problem:
    return error.value.problem


async def test_dates_are_validated_against_the_deadline_and_the_neighbours(database) -> None:
    tree = await build_tree(database, NOW)
    async with database.transaction() as s:
        winter, spring = await ensure_upcoming(s, tree.municipality_id, TODAY, NOW)
        assert (winter.period, spring.period) == ("2026-12", "2027-05")
        assert spring.opens_on == date(2027, 5, 6)
        with pytest.raises(CampaignProblem) as error:
            await set_dates(s, winter, opens_on=date(2026, 12, 20), today=TODAY, now=NOW)
        assert problem_of(error) == Problem.opens_after_deadline
        with pytest.raises(CampaignProblem) as error:
            await set_dates(s, winter, deadline=date(2027, 5, 10), today=TODAY, now=NOW)
        assert problem_of(error) == Problem.overlaps
        assert winter.deadline == date(2026, 12, 20)  # nothing changed
        await set_dates(
            s,
            winter,
            opens_on=date(2026, 11, 23),
            deadline=date(2026, 12, 25),
            today=TODAY,
            now=NOW,
            actor_id=None,
        )
        assert await campaign_for_school(s, tree.school_id, TODAY) is not None


async def test_close_early_reopen_and_a_superseded_campaign(database) -> None:
    tree = await build_tree(database, NOW)
    async with database.transaction() as s:
        winter, _spring = await ensure_upcoming(s, tree.municipality_id, TODAY, NOW)
        await close_early(s, winter, NOW)
        with pytest.raises(CampaignProblem) as error:
            await close_early(s, winter, NOW)
        assert problem_of(error) == Problem.closed
        assert await campaign_for_school(s, tree.school_id, date(2026, 12, 10)) is None
        await reopen(s, winter, date(2026, 12, 10), NOW)
        assert (await campaign_for_school(s, tree.school_id, date(2026, 12, 10))).id == winter.id
        with pytest.raises(CampaignProblem) as error:
            await reopen(s, winter, date(2026, 12, 10), NOW)
        assert problem_of(error) == Problem.not_closed
        await close_early(s, winter, NOW)
        with pytest.raises(CampaignProblem) as error:
            await reopen(s, winter, date(2027, 5, 7), NOW)  # spring has opened since
        assert problem_of(error) == Problem.superseded


async def test_rules_are_validated_and_untouched_upcoming_campaigns_follow(database) -> None:
    tree = await build_tree(database, NOW)
    m = tree.municipality_id
    coordinator = await add_person(database, 5, "Соболева Зинаида", Role.coordinator, m, NOW)
    async with database.transaction() as s:
        _winter, spring = await ensure_upcoming(s, m, TODAY, NOW)
        # Spring was changed by hand: it keeps its dates when the rules change.
        await set_dates(
            s, spring, opens_on=date(2027, 5, 1), today=TODAY, now=NOW, actor_id=coordinator
        )
        for bad, problem in (
            ({"window_days": 0}, Problem.window),
            ({"window_days": 61}, Problem.window),
            ({"min_respondents": 2}, Problem.min_respondents),
            ({"satisfaction_formula": "median"}, Problem.formula),
            ({"winter_deadline": "06-01"}, Problem.deadlines_too_close),
        ):
            with pytest.raises(CampaignProblem) as error:
                await change_rules(s, m, TODAY, NOW, **bad)
            assert problem_of(error) == problem, bad
        assert (await rules_for(s, m)).window_days == 14
        await change_rules(s, m, TODAY, NOW, window_days=21, min_respondents=5)
        rules = await rules_for(s, m)
        assert (rules.window_days, rules.min_respondents) == (21, 5)
        moved = await find_campaign(s, m, "2026-12")
        assert moved is not None and moved.opens_on == date(2026, 11, 29)
        await change_rules(s, m, TODAY, NOW, winter_deadline="12-25", satisfaction_formula="share8")
        periods = {c.period: (c.opens_on, c.deadline) for c in await campaigns_of(s, m)}
        assert periods["2026-12"] == (date(2026, 12, 4), date(2026, 12, 25))
        assert periods["2027-05"] == (date(2027, 5, 1), date(2027, 5, 20))
        assert len(periods) == 2


async def test_the_job_ensures_campaigns_and_seals_past_deadlines(database) -> None:
    tree = await build_tree(database, NOW)
    clock = FrozenClock(NOW)
    await run_campaigns(database, clock, "Europe/Moscow")
    async with database.transaction() as s:
        assert await s.scalar(select(func.count()).select_from(Campaign)) == 4  # 2 × 2
        winter = await find_campaign(s, tree.municipality_id, "2026-12")
        for late, link in ((False, "a" * 64), (True, "b" * 64)):
            s.add(
                SurveyResponse(
                    id=secrets.token_hex(16),
                    questionnaire="monitoring_mentee",
                    version=1,
                    campaign_id=winter.id,
                    school_id=tree.school_id,
                    respondent_role="mentee",
                    late=late,
                    link=link,
                    answers={},
                )
            )
    # On the deadline day answers can still be changed: links stay.
    clock.set(datetime(2026, 12, 20, 20, 59, tzinfo=UTC))  # 23:59 in Moscow
    assert await run_campaigns(database, clock, "Europe/Moscow") == 0
    async with database.reading() as s:
        links = (await s.scalars(select(SurveyResponse.link))).all()
        assert all(links)
    clock.set(datetime(2026, 12, 20, 21, 0, tzinfo=UTC))  # midnight in Moscow
    job = CampaignJob(database, clock, "Europe/Moscow")
    await job()
    async with database.reading() as s:
        assert (await s.scalars(select(SurveyResponse.link))).all() == [None, None]
        winter = await s.get(Campaign, winter.id)
        assert winter.sealed_at is not None
        assert await s.scalar(select(func.count()).select_from(Campaign)) >= 4
    # Moving the deadline into the future unseals; the next pass after it seals again.
    async with database.transaction() as s:
        winter = await s.get(Campaign, winter.id)
        await set_dates(
            s, winter, deadline=date(2026, 12, 28), today=date(2026, 12, 21), now=clock.now()
        )
        assert winter.sealed_at is None
    clock.advance(timedelta(days=8))
    await job()
    async with database.reading() as s:
        assert (await s.get(Campaign, winter.id)).sealed_at is not None
