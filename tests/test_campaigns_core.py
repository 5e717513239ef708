"""Campaign periods: default deadlines, one row per period, which campaign accepts answers."""

from __future__ import annotations

from datetime import UTC, date, datetime

from storage.campaigns.core import (
    CampaignRules,
    CampaignState,
    campaign_for_school,
    ensure_campaign,
    municipality_of,
    next_deadline,
    rules_for,
    state_of,
)
from storage.models.surveys import SurveySettings
from tests.support.seed import build_tree

NOW = datetime(2026, 11, 23, 9, tzinfo=UTC)


def test_next_deadline_is_the_nearest_of_20_december_and_20_may() -> None:
    rules = CampaignRules()
    assert next_deadline(rules, date(2026, 11, 23)) == date(2026, 12, 20)
    assert next_deadline(rules, date(2026, 12, 20)) == date(2026, 12, 20)
    assert next_deadline(rules, date(2026, 12, 21)) == date(2027, 5, 20)
    assert next_deadline(rules, date(2027, 5, 21)) == date(2027, 12, 20)


async def test_one_campaign_per_period_and_schools_inherit_it(database) -> None:
    tree = await build_tree(database, NOW)
    async with database.transaction() as s:
        first = await ensure_campaign(s, tree.municipality_id, date(2026, 11, 23), NOW)
        again = await ensure_campaign(s, tree.municipality_id, date(2026, 12, 1), NOW)
        assert again.id == first.id
        assert (first.period, first.opens_on, first.deadline) == (
            "2026-12",
            date(2026, 12, 6),
            date(2026, 12, 20),
        )
        assert await municipality_of(s, tree.school_id) == tree.municipality_id
        assert await municipality_of(s, tree.region_id) is None
        # Before the window opens nothing accepts answers; inside it the school sees it.
        assert await campaign_for_school(s, tree.school_id, date(2026, 12, 5)) is None
        current = await campaign_for_school(s, tree.school_id, date(2026, 12, 6))
        assert current is not None and current.id == first.id
        assert state_of(first, date(2026, 12, 6)) == CampaignState.open
        assert state_of(first, date(2026, 12, 21)) == CampaignState.late
        # Another municipality's schools do not inherit it.
        assert await campaign_for_school(s, tree.foreign_school_id, date(2026, 12, 6)) is None
        # The next campaign supersedes the late one once its own window opens.
        later = await ensure_campaign(s, tree.municipality_id, date(2026, 12, 21), NOW)
        assert later.period == "2027-05"
        current = await campaign_for_school(s, tree.school_id, date(2027, 5, 6))
        assert current is not None and current.id == later.id
        first.closed_at = NOW
        assert state_of(first, date(2026, 12, 10)) == CampaignState.closed


async def test_rules_never_go_below_three_respondents(database) -> None:
    tree = await build_tree(database, NOW)
    async with database.transaction() as s:
        s.add(
            SurveySettings(municipality_id=tree.municipality_id, min_respondents=1, updated_at=NOW)
        )
        await s.flush()
        rules = await rules_for(s, tree.municipality_id)
        assert rules.min_respondents == 3
        assert rules.window_days == 14
