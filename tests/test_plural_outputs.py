"""Numbers and nouns agree where people read them: the /campaign settings and the /pair
suggestions in the chat."""

from __future__ import annotations

from storage.models.enums import Role
from tests.support.seed import add_person, build_tree

COORDINATOR, CURATOR, MENTOR, MENTOR2, MENTEE = 61, 62, 63, 64, 65


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
