"""/stats: a curator types the school's denominators; bad numbers and contradictions get a
clear answer and change nothing; skipped figures stay unknown; another school is refused."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from handlers.reports.stats import StatsAct
from storage.models.statistics import SchoolStatistics
from tests.support.seed import add_person, build_tree

CURATOR, OTHER = 71, 72


@pytest.fixture
async def world(harness, clock):
    db, now = harness.app.database, clock.now()
    tree = await build_tree(db, now)
    await add_person(db, CURATOR, "Куратор Ольга", "curator", tree.school_id, now)
    await add_person(db, OTHER, "Чужой Куратор", "curator", tree.foreign_school_id, now)
    return tree


async def stored(harness) -> list[tuple]:
    async with harness.app.database.reading() as s:
        rows = await s.scalars(select(SchoolStatistics).order_by(SchoolStatistics.id))
        return [
            (
                r.school_id,
                r.academic_year,
                r.students_10_18,
                r.students_15_18,
                r.teachers,
                r.young_teachers,
            )
            for r in rows
        ]


async def test_the_curator_enters_and_changes_the_figures(harness, world):
    curator = harness.client.user(CURATOR)
    await curator.send("/stats")
    card = curator.last
    assert card.text.startswith("МБОУ лицей № 9: данные для расчёта показателей, 2026/2027")
    assert "• Обучающиеся 10–18 лет: не внесено" in card.text
    assert card.buttons == ["✎ Внести данные за 2026/2027", "2025/2026 учебный год"]
    await curator.click(card, text="✎ Внести данные за 2026/2027")
    assert "Сколько обучающихся в возрасте от 10 до 18 лет" in curator.last.text
    await curator.send("много")
    assert curator.last.text == (
        "Нужно целое число человек от 0 до 100\u00a0000, например 6793.\nПопробуйте ещё раз."
    )
    await curator.send("6 793")
    await curator.send("1660")
    await curator.send("139")
    await curator.click(curator.last, text="Пропустить ▶")
    assert "Обучающиеся 10–18 лет</b>: 6793" in curator.last.source_text
    await curator.click(curator.last, text="✔ Всё верно")
    assert await stored(harness) == [(world.school_id, "2026/2027", 6793, 1660, 139, None)]
    assert "Сохранено." in curator.messages[-2].text
    assert "• Обучающиеся 10–18 лет: 6\u00a0793" in curator.last.text
    assert "• Молодые специалисты (0–3 года): не внесено" in curator.last.text

    # A contradiction: 15–18 more than 10–18. Nothing changes, the form starts again.
    await curator.click(curator.last, text="✎ Внести данные за 2026/2027")
    for value in ("100", "200", "10", "2"):
        await curator.send(value)
    await curator.click(curator.last, text="✔ Всё верно")
    problem = curator.messages[-2].text
    assert problem == (
        "«Обучающиеся 15–18 лет» (200) не может быть больше, чем «Обучающиеся 10–18 лет» "
        "(100). Ничего не сохранено; введите данные ещё раз."
    )
    assert await stored(harness) == [(world.school_id, "2026/2027", 6793, 1660, 139, None)]
    for value in ("6800", "1700", "140", "12"):
        await curator.send(value)
    await curator.click(curator.last, text="✔ Всё верно")
    assert await stored(harness) == [(world.school_id, "2026/2027", 6800, 1700, 140, 12)]


async def test_the_previous_year_and_a_forged_school(harness, world):
    curator = harness.client.user(CURATOR)
    await curator.send("/stats")
    await curator.click(curator.last, text="2025/2026 учебный год")
    assert curator.last.text.startswith("МБОУ лицей № 9: данные для расчёта показателей, 2025/2026")
    await curator.press(
        curator.last, data=StatsAct(school=world.foreign_school_id, action="edit").pack()
    )
    alert = harness.tg.requests_for("answerCallbackQuery")[-1][1]
    assert alert.get("text") == "Эта образовательная организация не в вашем ведении."
    # Years outside the current and the previous one are refused too.
    await curator.press(
        curator.last, data=StatsAct(school=world.school_id, year="2019/2020", action="edit").pack()
    )
    alert = harness.tg.requests_for("answerCallbackQuery")[-1][1]
    assert alert.get("text") == "Эта образовательная организация не в вашем ведении."
    assert await stored(harness) == []
