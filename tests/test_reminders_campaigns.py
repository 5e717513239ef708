"""Campaign reminders: the window opening, the countdown to those who still owe, the
curator's digest and the coordinator's digest that respects the anonymity threshold."""

from __future__ import annotations

import secrets
from datetime import UTC, datetime

import pytest
from sqlalchemy import select

import scheduler.reminders_campaigns  # noqa: F401  (registers the kinds)
from handlers import outbox_renderers
from scheduler.outbox_texts import render_delivery
from scheduler.reminders import plan_and_enqueue
from storage.campaigns.core import ensure_campaign
from storage.models.enums import MembershipStatus, Role
from storage.models.outbox import OutboxMessage
from storage.models.surveys import SurveyParticipation, SurveyResponse
from storage.outbox.queue import Delivery, Item
from tests.support.seed import add_person, build_tree, make_programme

MENTOR, MENTEE, CURATOR, COORDINATOR, SILENT = 41, 42, 43, 44, 45
OPENS = datetime(2026, 12, 6, 7, tzinfo=UTC)  # 10:00 in Moscow on the opening day


@pytest.fixture
async def world(database, clock):
    clock.set(datetime(2026, 11, 23, 7, tzinfo=UTC))
    now = clock.now()
    tree = await build_tree(database, now)
    school = tree.school_id
    ids = {
        "mentor": await add_person(database, MENTOR, "Петров Иван", Role.mentor, school, now),
        "mentee": await add_person(database, MENTEE, "Иванова Анна", Role.mentee, school, now),
        "curator": await add_person(database, CURATOR, "Куратор Ольга", Role.curator, school, now),
        "coordinator": await add_person(
            database, COORDINATOR, "Соболева Зинаида", Role.coordinator, tree.municipality_id, now
        ),
        "silent": await add_person(
            database,
            SILENT,
            "Смирнов Артём",
            Role.mentee,
            school,
            now,
            status=MembershipStatus.awaiting_guardian,
        ),
    }
    ids["pair"] = await make_programme(
        database, tree, now, ids["curator"], ids["mentor"], [ids["mentee"]]
    )
    async with database.transaction() as s:
        campaign = await ensure_campaign(s, tree.municipality_id, now.date(), now)
        ids["campaign"] = campaign.id
    ids["tree"] = tree
    return ids


async def plan(database, clock, kind: str) -> list[OutboxMessage]:
    async with database.transaction() as s:
        await plan_and_enqueue(s, clock.now(), "Europe/Moscow", [kind])
    async with database.reading() as s:
        rows = await s.scalars(select(OutboxMessage).where(OutboxMessage.kind == kind))
        return list(rows.all())


async def answered(database, clock, world, person: str, role: str) -> None:
    async with database.transaction() as s:
        s.add(
            SurveyParticipation(
                scope_key=f"monitoring_{role}:{world['campaign']}:{world[person]}:{world['pair']}",
                questionnaire=f"monitoring_{role}",
                campaign_id=world["campaign"],
                person_id=world[person],
                programme_id=world["pair"],
                school_id=world["tree"].school_id,
                submitted_at=clock.now(),
                late=False,
            )
        )


def rendered(harness, row: OutboxMessage) -> str:
    delivery = Delivery(
        row.person_id, 0, "ru", [Item(row.id, row.kind, row.subject, row.params, row.due_at)]
    )
    with harness.app.i18n.context(), harness.app.i18n.use_locale("ru"):
        return render_delivery(delivery, late=False, renderers=outbox_renderers())[0]


async def test_the_window_opens_for_everyone_who_owes_and_the_countdown_skips_who_answered(
    harness, database, clock, world
):
    clock.set(OPENS.replace(day=5))
    assert await plan(database, clock, "survey_open") == []
    clock.set(OPENS)
    opened = await plan(database, clock, "survey_open")
    assert {row.person_id for row in opened} == {world["mentor"], world["mentee"], world["curator"]}
    assert world["silent"] not in {row.person_id for row in opened}
    assert "20.12.2026" in rendered(harness, opened[0])

    await answered(database, clock, world, "mentee", "mentee")
    clock.set(datetime(2026, 12, 13, 7, tzinfo=UTC))  # seven days before the deadline
    countdown = await plan(database, clock, "survey_countdown")
    assert {row.person_id for row in countdown} == {world["mentor"], world["curator"]}
    text = rendered(harness, countdown[0])
    assert "7 дней" in text and "/survey" in text


async def test_the_curator_digest_names_who_has_not_answered_and_quiet_pairs(
    harness, database, clock, world
):
    await answered(database, clock, world, "mentor", "mentor")
    clock.set(datetime(2026, 12, 13, 7, tzinfo=UTC))  # a week into the campaign
    [digest] = await plan(database, clock, "curator_digest")
    assert digest.person_id == world["curator"]
    text = rendered(harness, digest)
    # Expected: the mentor's and the mentee's monitoring, the curator's own conditions.
    assert "Ответов получено: 1 из 3." in text
    owing = text.split("Не ответили:")[1].split("Пары")[0]
    assert "Иванова Анна" in owing and "Куратор Ольга" in owing and "Петров Иван" not in owing
    assert "Пары без встреч за 30 дней" in text and "Петров Иван → Иванова Анна" in text


@pytest.mark.parametrize("mentees", [2, 3])
async def test_the_coordinator_digest_shows_satisfaction_only_over_k_answers(
    harness, database, clock, world, mentees
):
    async with database.transaction() as s:
        for score in range(mentees):
            s.add(
                SurveyResponse(
                    id=secrets.token_hex(16),
                    questionnaire="monitoring_mentee",
                    version=1,
                    campaign_id=world["campaign"],
                    school_id=world["tree"].school_id,
                    respondent_role="mentee",
                    late=False,
                    answers={"effectiveness": 7 + score, "overall": 9, "valuable": "SECRET-TEXT"},
                )
            )
    clock.set(datetime(2026, 12, 21, 7, tzinfo=UTC))
    [digest] = await plan(database, clock, "coordinator_digest")
    assert digest.person_id == world["coordinator"]
    text = rendered(harness, digest)
    assert "SECRET-TEXT" not in text
    if mentees < 3:
        assert "Удовлетворённость наставляемых: слишком мало ответов" in text
        assert "%" not in text
    else:
        assert "Удовлетворённость наставляемых: 85,0 %" in text
        assert "среднее по вопросам удовлетворённости" in text


async def test_the_coordinator_digest_says_hidden_where_a_school_is_suppressed(
    harness, database, clock, world
):
    """The lyceum has three answers, another school one: the lyceum's figure would give the
    other school's away (the municipal total minus the lyceum), so it is hidden, and the
    digest must not call three answers too few."""
    async with database.transaction() as s:
        for school, score in [(world["tree"].school_id, 7)] * 3 + [
            (world["tree"].other_school_id, 9)
        ]:
            s.add(
                SurveyResponse(
                    id=secrets.token_hex(16),
                    questionnaire="monitoring_mentee",
                    version=1,
                    campaign_id=world["campaign"],
                    school_id=school,
                    respondent_role="mentee",
                    late=False,
                    answers={"effectiveness": score, "overall": score},
                )
            )
    clock.set(datetime(2026, 12, 21, 7, tzinfo=UTC))
    [digest] = await plan(database, clock, "coordinator_digest")
    text = rendered(harness, digest)
    assert "Удовлетворённость наставляемых: 75,0 % (среднее" in text
    lyceum = next(line for line in text.splitlines() if line.startswith("• МБОУ лицей № 9"))
    assert lyceum.endswith("скрыто, иначе можно вычислить другие школы"), lyceum
    assert "70,0" not in text and "90,0" not in text


async def test_the_coordinator_digest_counts_too_few_answers(harness, database, clock, world):
    async with database.transaction() as s:
        for _n in range(2):
            s.add(
                SurveyResponse(
                    id=secrets.token_hex(16),
                    questionnaire="monitoring_mentee",
                    version=1,
                    campaign_id=world["campaign"],
                    school_id=world["tree"].school_id,
                    respondent_role="mentee",
                    late=False,
                    answers={"effectiveness": 7, "overall": 9},
                )
            )
    clock.set(datetime(2026, 12, 21, 7, tzinfo=UTC))
    [digest] = await plan(database, clock, "coordinator_digest")
    text = rendered(harness, digest)
    assert "Удовлетворённость наставляемых: слишком мало ответов (2 при минимуме 3)." in text
    assert "среднее по вопросам" not in text  # no formula for a figure not shown
    lyceum = next(line for line in text.splitlines() if line.startswith("• МБОУ лицей № 9"))
    assert lyceum.endswith(", слишком мало ответов (2 при минимуме 3)"), lyceum
