"""Published cells on both databases: a campaign's figures, once visible, are read from its
cells; a later publication replaces a school's cell only when it moved by at least k people,
and every other figure (the municipality's, the region's) is the sum of the chosen cells."""

from __future__ import annotations

import secrets
from datetime import UTC, date, datetime, timedelta

import pytest
from sqlalchemy import delete, select, update

from scheduler.campaigns import run_campaigns
from storage.campaigns.changes import close_early, reopen, seal_due, set_dates
from storage.campaigns.core import ensure_campaign
from storage.clock import FrozenClock
from storage.models.enums import Role
from storage.models.surveys import Campaign, PublishedCell, SurveyParticipation, SurveyResponse
from storage.privacy import erase_person
from storage.surveys.aggregates import (
    aggregate,
    breakdown,
    municipality_scope,
    school_aggregate,
    school_breakdowns,
)
from storage.surveys.aggregates_core import Counted
from storage.surveys.answers import response_link, scope_key
from storage.surveys.cells import replaces
from storage.surveys.questionnaires.builtin import latest
from tests.support.seed import add_person, build_tree

NOW = datetime(2026, 12, 10, 9, tzinfo=UTC)
TODAY = date(2026, 12, 10)
MENTEE = latest("monitoring_mentee")
KEY = b"k" * 32


def got(score: int, text: str | None = None) -> dict:
    found = {
        "effectiveness": score,
        "communication": score,
        "expectations_met": score,
        "overall": score,
        "continue": True,
    }
    if text:
        found["valuable"] = text
    return found


def add(s, school_id: int, campaign_id: int, answers: dict, link: str | None = None) -> str:
    row_id = secrets.token_hex(16)
    s.add(
        SurveyResponse(
            id=row_id,
            questionnaire="monitoring_mentee",
            version=1,
            campaign_id=campaign_id,
            school_id=school_id,
            respondent_role="mentee",
            late=False,
            link=link,
            answers=answers,
        )
    )
    return row_id


async def figures(s, campaign_id: int, municipality_id: int, school_id: int) -> dict:
    """Satisfaction of every reader over the same campaign."""
    scope = await municipality_scope(s, municipality_id)
    total = await aggregate(s, MENTEE, scope, campaign_id=campaign_id)
    split = await breakdown(s, MENTEE, scope, campaign_id=campaign_id)
    mine = await school_aggregate(s, MENTEE, school_id, campaign_id=campaign_id)
    many = (await school_breakdowns(s, MENTEE, {campaign_id: scope}))[campaign_id]
    cell = next(g.aggregate for g in split.groups if g.group_id == school_id)
    return {
        "total": total.satisfaction.percent if total.satisfaction else None,
        "split": split.total.satisfaction.percent if split.total.satisfaction else None,
        "school": cell.satisfaction.percent if cell.satisfaction else None,
        "own": mine.satisfaction.percent if mine.satisfaction else None,
        "report": many.total.satisfaction.percent if many.total.satisfaction else None,
        "respondents": total.respondents,
        "texts": sorted(next(q for q in total.questions if q.key == "valuable").texts),
    }


async def total(s, campaign_id: int, tree) -> float | None:
    return (await figures(s, campaign_id, tree.municipality_id, tree.school_id))["total"]


def test_a_cell_is_replaced_only_by_k_more_respondents_on_every_question() -> None:
    def cell(respondents: int, answered: int, scores: int | None = None) -> Counted:
        return Counted(
            respondents=respondents,
            values={"effectiveness": [(9, answered)], "valuable": [("x", answered)]},
            scores={(36, 4): respondents if scores is None else scores},
        )

    assert not replaces(MENTEE, cell(10, 10), cell(10, 10), 3), "a changed answer alone"
    assert not replaces(MENTEE, cell(10, 10), cell(12, 12), 3), "two more: fewer than k"
    assert replaces(MENTEE, cell(10, 10), cell(13, 13), 3)
    # Three more respondents, but one more wrote a free text: that text would be isolated.
    assert not replaces(MENTEE, cell(10, 10), cell(13, 11), 3)
    assert not replaces(MENTEE, cell(10, 10), cell(13, 13, scores=11), 3)
    assert replaces(MENTEE, None, cell(3, 3), 3) and not replaces(MENTEE, None, cell(2, 2), 3)
    assert replaces(MENTEE, cell(3, 3), None, 3), "a school whose answers all went"


async def test_published_cells_hold_and_move_only_by_k(database) -> None:
    tree = await build_tree(database, NOW)
    a, b = tree.school_id, tree.other_school_id
    async with database.transaction() as s:
        campaign = await ensure_campaign(s, tree.municipality_id, TODAY, NOW)
        campaign.opens_on = date(2026, 12, 1)
        changing = add(s, a, campaign.id, got(9, "первый"))
        for n in range(3):
            add(s, a, campaign.id, got(9, f"а{n}"))
        for n in range(3):
            add(s, b, campaign.id, got(5, f"б{n}"))
        await s.flush()
        await close_early(s, campaign, NOW)
        seen = await figures(s, campaign.id, tree.municipality_id, a)
        assert seen["total"] == seen["split"] == seen["report"] == 72.9
        assert seen["school"] == seen["own"] == 90.0
        assert len(seen["texts"]) == 7

        await reopen(s, campaign, TODAY, NOW)
        # School A: one respondent changes everything (text too); school B: three more.
        await s.execute(
            update(SurveyResponse)
            .where(SurveyResponse.id == changing)
            .values(answers=got(1, "ИЗМЕНЁННЫЙ"))
        )
        for n in range(3):
            add(s, b, campaign.id, got(3, f"новый{n}"))
        await s.flush()
        assert await figures(s, campaign.id, tree.municipality_id, a) == seen, "reopened"
        await close_early(s, campaign, NOW + timedelta(days=1))
        now = await figures(s, campaign.id, tree.municipality_id, a)
        # A keeps its published cell (90 %); B is replaced by its six: the municipality is
        # A's four at 9 and B's six at 5 and 3 (60 %), and B's new texts appear, not A's change.
        assert (now["school"], now["own"]) == (90.0, 90.0)
        assert now["total"] == now["split"] == now["report"] == 60.0
        assert now["respondents"] == 10
        assert "ИЗМЕНЁННЫЙ" not in now["texts"] and "первый" in now["texts"]
        assert {"новый0", "новый1", "новый2"} <= set(now["texts"])

        # A school's answers all erased by at least k: its cell goes.
        await reopen(s, campaign, TODAY, NOW)
        await s.execute(delete(SurveyResponse).where(SurveyResponse.school_id == b))
        await close_early(s, campaign, NOW + timedelta(days=2))
        cells = (await s.scalars(select(PublishedCell.school_id))).all()
        assert cells == [a]
        with pytest.raises(ValueError):
            await breakdown(
                s,
                MENTEE,
                await municipality_scope(s, tree.municipality_id),
                campaign_id=campaign.id,
                by="form",
            )


async def test_the_deadline_publishes_and_moving_it_back_keeps_what_was_seen(database) -> None:
    tree = await build_tree(database, NOW)
    async with database.transaction() as s:
        campaign = await ensure_campaign(s, tree.municipality_id, TODAY, NOW)
        for score in (9, 9, 6):
            add(s, tree.school_id, campaign.id, got(score))
        campaign_id = campaign.id
    after = date(2026, 12, 21)
    # The deadline passed: the figures show (live), and the ticker's seal publishes them.
    async with database.reading() as s:
        assert (await figures(s, campaign_id, tree.municipality_id, tree.school_id))[
            "total"
        ] == 80.0
    await run_campaigns(
        database, FrozenClock(datetime(2026, 12, 20, 22, tzinfo=UTC)), "Europe/Moscow"
    )
    async with database.transaction() as s:
        campaign = await s.get(Campaign, campaign_id)
        assert campaign.sealed_at is not None and campaign.published_at is not None
        # Extended after that: the figures seen stay whatever changes meanwhile.
        await set_dates(s, campaign, deadline=date(2026, 12, 27), today=after, now=NOW)
        await s.execute(update(SurveyResponse).values(answers=got(1)))
        assert await seal_due(s, tree.municipality_id, date(2026, 12, 28), NOW) == 1
        assert (await figures(s, campaign_id, tree.municipality_id, tree.school_id))[
            "total"
        ] == 80.0


async def test_moving_a_passed_deadline_before_the_seal_publishes_first(database) -> None:
    tree = await build_tree(database, NOW)
    async with database.transaction() as s:
        campaign = await ensure_campaign(s, tree.municipality_id, TODAY, NOW)
        changing = add(s, tree.school_id, campaign.id, got(9))
        for score in (9, 6):
            add(s, tree.school_id, campaign.id, got(score))
        await s.flush()
        after = date(2026, 12, 21)  # past the deadline, not sealed yet: figures are visible
        await set_dates(s, campaign, deadline=date(2026, 12, 27), today=after, now=NOW)
        assert campaign.published_at is not None
        await s.execute(
            update(SurveyResponse).where(SurveyResponse.id == changing).values(answers=got(1))
        )
        await seal_due(s, tree.municipality_id, date(2026, 12, 28), NOW)
        assert (await figures(s, campaign.id, tree.municipality_id, tree.school_id))[
            "total"
        ] == 80.0


async def test_reopening_a_campaign_closed_before_publications_publishes_it_first(database):
    tree = await build_tree(database, NOW)
    async with database.transaction() as s:
        campaign = await ensure_campaign(s, tree.municipality_id, TODAY, NOW)
        changing = add(s, tree.school_id, campaign.id, got(9))
        for score in (9, 6):
            add(s, tree.school_id, campaign.id, got(score))
        campaign.closed_at = NOW  # closed by a version that published nothing
        await s.flush()
        await reopen(s, campaign, TODAY, NOW)
        await s.execute(
            update(SurveyResponse).where(SurveyResponse.id == changing).values(answers=got(1))
        )
        await close_early(s, campaign, NOW)
        assert (await figures(s, campaign.id, tree.municipality_id, tree.school_id))[
            "total"
        ] == 80.0


async def test_forget_after_the_deadline_cannot_move_what_was_seen(database) -> None:
    """Between the deadline and the seal the figures show live; a respondent's /forget then
    publishes them before erasing the response through its link."""
    tree = await build_tree(database, NOW)
    mentee = await add_person(database, 31, "Иванова Анна", Role.mentee, tree.school_id, NOW)
    async with database.transaction() as s:
        campaign = await ensure_campaign(s, tree.municipality_id, TODAY, NOW)
        scope = scope_key("monitoring_mentee", campaign.id, mentee, None, tree.school_id)
        s.add(
            SurveyParticipation(
                scope_key=scope,
                questionnaire="monitoring_mentee",
                campaign_id=campaign.id,
                person_id=mentee,
                school_id=tree.school_id,
                submitted_at=NOW,
                late=False,
            )
        )
        add(s, tree.school_id, campaign.id, got(1), link=response_link(KEY, scope))
        for score in (9, 9, 9):
            add(s, tree.school_id, campaign.id, got(score))
        campaign_id = campaign.id
    after_deadline = datetime(2026, 12, 21, 9, tzinfo=UTC)
    async with database.transaction() as s:
        seen = await figures(s, campaign_id, tree.municipality_id, tree.school_id)
        assert seen["total"] == 70.0
        await erase_person(s, mentee, after_deadline, KEY)
        assert (
            await s.scalar(select(SurveyResponse).where(SurveyResponse.link.is_not(None)))
        ) is None
        assert await figures(s, campaign_id, tree.municipality_id, tree.school_id) == seen
