"""Numbers and nouns agree where people read them: the /campaign settings and the /pair
suggestions in the chat, the counts of the «Показатели» sheet and the paragraphs of the
analytical note (1 программа, 2 программы, 5 программ, 13 программ, 21 программа)."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from storage.demo import add_pairs, add_people, national_form
from storage.models.enums import Role
from tests.support.seed import add_person, build_tree
from tests.test_report_outputs import (
    NOW,
    REGIONAL,
    STARTS,
    build_world,
    docx_text,
    workbook_texts,
)


@pytest.fixture
async def world(harness, clock):
    return await build_world(harness, clock)


@pytest.fixture
def clock_in_june(clock):
    clock.set(datetime(2026, 6, 1, 7, tzinfo=UTC))
    return clock


COORDINATOR, CURATOR, MENTOR, MENTOR2, MENTEE = 61, 62, 63, 64, 65
AZOV_COORDINATOR = 66


async def test_the_campaign_settings_count_days_and_respondents(harness, clock):
    tree = await build_tree(harness.app.database, clock.now())
    await add_person(
        harness.app.database, COORDINATOR, "Соболева Зинаида", Role.coordinator,
        tree.municipality_id, clock.now(),
    )  # fmt: skip
    coordinator = harness.client.user(COORDINATOR)
    await coordinator.send("/campaign")
    await coordinator.click(coordinator.last, text="⚙ Настройки")
    for days, said in (
        (1, "за 1 день"),
        (2, "за 2 дня"),
        (5, "за 5 дней"),
        (11, "за 11 дней"),
        (21, "за 21 день"),
        (22, "за 22 дня"),
        (25, "за 25 дней"),
    ):
        await coordinator.click(coordinator.last, text="Приём ответов, дней")
        await coordinator.send(str(days))
        assert f"Приём ответов {said} до срока" in coordinator.last.text, days
    for k, said in ((21, "21 ответившему"), (22, "22 ответившим"), (3, "3 ответившим")):
        await coordinator.click(coordinator.last, text="Минимум ответивших")
        await coordinator.send(str(k))
        assert f"итоги не меньше чем по {said};" in coordinator.last.text, k


async def test_suggestions_count_points_and_years(harness, clock):
    db, now = harness.app.database, clock.now()
    tree = await build_tree(db, now)
    await add_person(db, CURATOR, "Иванченко Ольга", Role.curator, tree.school_id, now)
    for telegram_id, name, competencies, years in (
        (MENTOR, "Петров Иван", "дисциплина в классе", 21),
        (MENTOR2, "Сидорова Нина", "хор и вокал", 3),
    ):
        await add_person(
            db, telegram_id, name, Role.mentor, tree.school_id, now,
            profile={"competencies": competencies, "experience_years": years, "max_mentees": 1},
        )  # fmt: skip
    await add_person(
        db, MENTEE, "Кузнецова Анна", Role.mentee, tree.school_id, now,
        profile={"experience_years": 2, "difficulties": ["classroom"]},
    )  # fmt: skip
    curator = harness.client.user(CURATOR)
    await curator.send("/pair")
    await curator.click(curator.last, text="Пара")
    await curator.click(curator.last, text="Кузнецова Анна")
    text = curator.last.text
    # 35 (the difficulty) + 7 (a word of the request) + 10 (the school) + 6 (one free
    # place) + 15 (19 more years); and 10 + 6 + 5 (one more year).
    assert "1. Петров Иван — 73 балла" in text
    assert "педагогический стаж: у наставника 21 год, у наставляемого 2 года" in text
    assert "2. Сидорова Нина — 21 балл" in text
    assert "педагогический стаж: у наставника 3 года, у наставляемого 2 года" in text


async def test_documents_count_programmes(harness, clock_in_june, world):
    await add_person(
        harness.app.database, AZOV_COORDINATOR, "Азовский Координатор", "coordinator",
        world.other_municipality_id, NOW,
    )  # fmt: skip

    async def pairs(count: int, base: int) -> None:
        async with harness.app.database.transaction() as s:
            form = await national_form(s, "teacher_teacher")
            school = world.foreign_school_id
            mentors = await add_people(s, school, "mentor", "teacher", 1, NOW, telegram_from=base)
            mentees = await add_people(
                s, school, "mentee", "young_teacher", count, NOW, telegram_from=base + 50
            )
            await add_pairs(s, school, form, [(mentors, [m]) for m in mentees], STARTS, NOW)

    async def programmes(user_id: int) -> str:
        user = harness.client.user(user_id)
        await user.send("/export")
        book, _cells = workbook_texts(user.last.file_bytes)
        row = next(r for r in book["Показатели"].iter_rows(values_only=True) if r[0] == "2")
        return row[-2]  # this year's calculation

    assert await programmes(AZOV_COORDINATOR) == "1 программа"
    await pairs(1, 6_000_000)
    assert await programmes(AZOV_COORDINATOR) == "2 программы"
    await pairs(3, 6_100_000)
    assert await programmes(AZOV_COORDINATOR) == "5 программ"
    assert await programmes(REGIONAL) == "13 программ"
    await pairs(8, 6_200_000)
    assert await programmes(REGIONAL) == "21 программа"

    regional = harness.client.user(REGIONAL)
    await regional.send("/report")
    note = docx_text(regional.last.file_bytes)
    assert "21 программа" in note
    assert "медиана — 0 встреч на пару или группу" in note
    assert (
        "Азовский район: кампания со сроком 20.05.2026 — получены ответы 1 из 13 наставляемых"
        in (note)
    )
    assert "получены ответы 8 из 8 наставляемых; получены ответы 0 из 8 наставников" in note
    assert "показывается по группам не меньше 3 ответивших" in note
