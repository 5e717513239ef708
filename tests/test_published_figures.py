"""Figures never move by one person's change after they were seen.

The issue's scenario through the real dispatcher: a coordinator closes a campaign early
(mentees' satisfaction 90,0 %), reopens it, one mentee changes one answer, the coordinator
closes it again: /results, the workbook and the note still say 90,0 %. Only once at least k
more people have answered in the school does its figure move.
"""

from __future__ import annotations

import io
from datetime import UTC, date, datetime

import docx
import openpyxl
import pytest

from storage.campaigns.core import ensure_campaign
from storage.demo import add_pairs, add_people, national_form
from storage.models.surveys import Campaign
from storage.surveys.answers import Target, submit
from storage.surveys.questionnaires.builtin import latest
from tests.support.seed import add_person, build_tree

COORDINATOR, CURATOR = 601, 602
TODAY = date(2026, 12, 10)  # the window of the campaign with the deadline 20.12.2026
MENTEES = 13


def answers(score: int, overall: int | None = None) -> dict:
    items = (
        "effectiveness",
        "communication",
        "individual_meetings",
        "goals_clear",
        "expectations_met",
        "support",
    )
    return {
        **dict.fromkeys(items, score),
        "overall": overall or score,
        "continue": True,
        "become_mentor": False,
    }


@pytest.fixture
async def world(harness, clock):
    clock.set(datetime(2026, 12, 10, 7, tzinfo=UTC))
    db, now = harness.app.database, clock.now()
    tree = await build_tree(db, now)
    await add_person(db, COORDINATOR, "Соболева Зинаида", "coordinator", tree.municipality_id, now)
    await add_person(db, CURATOR, "Куратор Ольга", "curator", tree.school_id, now)
    async with db.transaction() as s:
        form = await national_form(s, "teacher_teacher")
        mentors = await add_people(
            s, tree.school_id, "mentor", "teacher", 1, now, telegram_from=7000
        )
        mentees = await add_people(
            s, tree.school_id, "mentee", "young_teacher", MENTEES, now, telegram_from=7100
        )
        pairs = await add_pairs(
            s, tree.school_id, form, [(mentors, [m]) for m in mentees], date(2026, 9, 1), now
        )
        campaign = await ensure_campaign(s, tree.municipality_id, TODAY, now)
    return {
        "tree": tree,
        "form": form,
        "campaign": campaign.id,
        "mentees": list(zip(mentees, pairs, strict=True)),
    }


async def answer(harness, settings, clock, world, n: int, got: dict) -> bool:
    """Mentee n sends (or changes) the monitoring questionnaire; True if it replaced one."""
    person, programme = world["mentees"][n]
    async with harness.app.database.transaction() as s:
        campaign = await s.get(Campaign, world["campaign"])
        result = await submit(
            s,
            key=settings.survey_key,
            questionnaire=latest("monitoring_mentee"),
            target=Target(
                person_id=person,
                school_id=world["tree"].school_id,
                respondent_role="mentee",
                programme_id=programme,
                form_id=world["form"],
                campaign=campaign,
            ),
            answers=got,
            category="young_teacher",
            today=TODAY,
            now=clock.now(),
        )
    return result.replaced


async def card(coordinator):
    await coordinator.send("/campaign")
    await coordinator.click(coordinator.last, text="⚙ Кампания со сроком 20.12.2026")


async def close(coordinator) -> None:
    await card(coordinator)
    await coordinator.click(coordinator.last, text="✖ Закрыть досрочно")
    await coordinator.click(coordinator.last, text="Да, закрыть")
    assert "— завершена" in coordinator.last.text


async def reopen(coordinator) -> str:
    await card(coordinator)
    await coordinator.click(coordinator.last, text="↺ Открыть снова")
    confirmation = coordinator.last.text
    await coordinator.click(coordinator.last, text="Да, открыть снова")
    assert "— идёт приём ответов" in coordinator.last.text
    return confirmation


async def mentee_satisfaction(coordinator) -> str:
    before = len(coordinator.replies)
    await coordinator.send("/results")
    seen = "\n".join(m.text or "" for m in coordinator.replies[before:])
    mentees = seen.split("Анкета мониторинга для наставляемого")[1]
    return mentees.split("Удовлетворённость: ")[1].split(" ")[0]


async def workbook_and_note(coordinator) -> tuple[list[object], str]:
    await coordinator.send("/export")
    book = openpyxl.load_workbook(io.BytesIO(coordinator.last.file_bytes))
    monitoring = [c.value for row in book["Мониторинг"].iter_rows() for c in row]
    await coordinator.send("/report")
    note = docx.Document(io.BytesIO(coordinator.last.file_bytes))
    parts = [p.text for p in note.paragraphs]
    parts += [cell.text for table in note.tables for row in table.rows for cell in row.cells]
    return monitoring, "\n".join(parts)


async def test_one_changed_answer_after_a_reopen_moves_no_figure(harness, settings, clock, world):
    for n in range(10):
        await answer(harness, settings, clock, world, n, answers(9))
    coordinator = harness.client.user(COORDINATOR)
    await close(coordinator)
    assert await mentee_satisfaction(coordinator) == "90,0"

    confirmation = await reopen(coordinator)
    assert "ответят ещё как минимум 3 человека" in confirmation
    assert "Изменения уже данных ответов опубликованные цифры не изменят." in confirmation
    # One mentee changes one answer: live, the figure would be 88,0 %.
    assert await answer(harness, settings, clock, world, 0, answers(9, overall=1))
    await close(coordinator)
    assert await mentee_satisfaction(coordinator) == "90,0"
    monitoring, note = await workbook_and_note(coordinator)
    assert 90.0 in monitoring and 88.0 not in monitoring
    assert "90,0\u00a0%" in note and "88,0" not in note
    curator = harness.client.user(CURATOR)
    await curator.send("/results")
    seen = "\n".join(m.text or "" for m in curator.replies)
    assert "Удовлетворённость: 90,0 %" in seen and "88,0" not in seen
    assert "Цифры показаны в опубликованном виде" in seen

    # Two more mentees answer: fewer than k, the school's figure stays.
    await reopen(coordinator)
    for n in (10, 11):
        await answer(harness, settings, clock, world, n, answers(5))
    await close(coordinator)
    assert await mentee_satisfaction(coordinator) == "90,0"

    # A third: k more people than published, so the school's cell is replaced by what the
    # thirteen answered, the earlier change included: (9 × 9 + 7 + 3 × 5) ÷ 13 = 7,92.
    await reopen(coordinator)
    await answer(harness, settings, clock, world, 12, answers(5))
    await close(coordinator)
    assert await mentee_satisfaction(coordinator) == "79,2"
    monitoring, note = await workbook_and_note(coordinator)
    assert 79.2 in monitoring and 90.0 not in monitoring
    assert "79,2\u00a0%" in note
