"""Pairs and programmes through the real process: suggestions with reasons, a pair and a
group formed and accepted, the programme filled, read and closed."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from storage.db import Database
from storage.models.enums import MembershipStatus, Role
from tests.support.chat import Person
from tests.support.seed import add_person, build_tree

pytestmark = pytest.mark.e2e

CURATOR, MENTOR, MENTEE, PUPIL_MENTOR, PUPIL1, PUPIL2 = 201, 202, 203, 204, 205, 206


async def seed_school(db_url: str) -> None:
    database = Database(db_url)
    now = datetime.now(UTC)
    try:
        tree = await build_tree(database, now)
        school = tree.school_id
        await add_person(database, CURATOR, "Иванченко Ольга", Role.curator, school, now)
        await add_person(
            database,
            MENTOR,
            "Петров Иван",
            Role.mentor,
            school,
            now,
            profile={
                "competencies": "дисциплина в классе, подготовка к ЕГЭ",
                "experience_years": 20,
            },
        )
        await add_person(
            database,
            MENTEE,
            "Кузнецова Анна",
            Role.mentee,
            school,
            now,
            profile={"request": "дисциплина на уроках", "difficulties": ["classroom"]},
        )
        await add_person(
            database,
            PUPIL_MENTOR,
            "Орлов Глеб",
            Role.mentor,
            school,
            now,
            profile={
                "category": "student",
                "grade": 10,
                "birth_year": 2010,
                "competencies": "математика",
            },
        )
        for telegram_id, name in ((PUPIL1, "Смирнов Артём"), (PUPIL2, "Белова Дарья")):
            await add_person(
                database,
                telegram_id,
                name,
                Role.mentee,
                school,
                now,
                status=MembershipStatus.active,
                profile={"category": "student", "grade": 7, "birth_year": 2013},
            )
    finally:
        await database.dispose()


async def accept(person: Person) -> None:
    invitation = next(m for m in reversed(person.fake.messages) if "✔ Согласен(-на)" in m.buttons)
    await person.tap("✔ Согласен(-на)", invitation)


async def test_a_pair_and_a_group_from_forming_to_closing(bot_process, tg, db_url):
    await seed_school(db_url)
    await bot_process.start(tg)
    curator = Person(tg, CURATOR, "Ольга")
    mentor, mentee = Person(tg, MENTOR, "Иван"), Person(tg, MENTEE, "Анна")
    pupil_mentor, pupil1, pupil2 = (
        Person(tg, i, n) for i, n in ((PUPIL_MENTOR, "Глеб"), (PUPIL1, "Артём"), (PUPIL2, "Дарья"))
    )

    # A pair, helped by suggestions that say why.
    await curator.say("/pair")
    await curator.tap("Пара")
    suggestions = await curator.tap("Кузнецова Анна")
    assert suggestions.text.startswith("Предлагаемые наставники")
    assert "разбирается в том, что трудно наставляемому" in suggestions.text
    assert suggestions.text.index("Петров Иван") < suggestions.text.index("Орлов Глеб")
    await curator.tap("1. Петров Иван")
    await curator.tap("Учитель – учитель")
    await curator.tap("Опытный педагог – молодой специалист")
    await curator.tap("Пропустить ▶")
    await curator.tap("Сегодня")
    await curator.tap("6 месяцев")
    summary = await curator.say("Адаптация молодого специалиста, дисциплина на уроках")
    assert "Наставники: Петров Иван" in summary.text
    assert (await curator.tap("✔ Сформировать и отправить")).text.startswith("Сформировано.")
    await tg.wait_for(MENTEE, lambda m: "✔ Согласен(-на)" in m.buttons)
    await accept(mentor)
    await accept(mentee)
    await tg.wait_for(CURATOR, lambda m: m.text.startswith("Все участники согласились"))

    # A group of two pupils with a pupil mentor: free mentees first, one found by name.
    await curator.say("/pair")
    listed = await curator.tap("Группа")
    assert listed.buttons[:3] == [
        "▫️ Белова Дарья",
        "▫️ Смирнов Артём",
        "▫️ Кузнецова Анна · 1 наставник",
    ]
    found = await curator.say("смир")
    assert found.text.startswith("Выберите наставляемых:\nНайдено по запросу «смир»: 1.")
    assert found.buttons == ["▫️ Смирнов Артём", "✖ Показать всех", "Готово ✔", "✖ Отмена"]
    await curator.tap_edit("▫️ Смирнов Артём", found)
    everyone = await curator.tap("✖ Показать всех", found)
    assert "✅ Смирнов Артём" in everyone.buttons
    await curator.tap_edit("▫️ Белова Дарья", everyone)
    await curator.tap("Готово ✔", everyone)
    await curator.tap_edit("▫️ Орлов Глеб")
    await curator.tap("Готово ✔")
    await curator.tap("Ученик – ученик")
    await curator.tap("Равный – равному")
    await curator.tap("Групповое")
    await curator.tap("Сегодня")
    await curator.tap("3 месяца")
    await curator.say("Подготовка к олимпиаде по математике")
    await curator.tap("✔ Сформировать и отправить")
    for person in (pupil1, pupil2, pupil_mentor):
        await tg.wait_for(person.id, lambda m: "✔ Согласен(-на)" in m.buttons)
        await accept(person)
    await tg.wait_for(PUPIL_MENTOR, lambda m: m.text.startswith("Все участники согласились"))

    # The mentor fills the programme of the pair with three plan items.
    card = await mentor.say("/programme")
    assert "Кузнецова Анна" in card.text
    for title in ("Посещение уроков наставника", "Совместное планирование урока", "Открытый урок"):
        await mentor.tap("+ Пункт плана", card)
        await mentor.say(title)
        newest = mentor.fake.last.message_id
        await mentor.tap("Без даты")
        card = await tg.wait_for(
            MENTOR, lambda m, after=newest: m.message_id > after and "+ Пункт плана" in m.buttons
        )
    assert "Открытый урок" in card.text

    # The mentee reads it.
    read = await mentee.say("/programme")
    for title in ("Посещение уроков наставника", "Совместное планирование урока", "Открытый урок"):
        assert title in read.text
    assert "✎ Цели" not in read.buttons and "💬 Комментарий" in read.buttons

    # The curator closes the pair with results.
    chooser = await curator.say("/programme")
    card = await curator.tap_any("Петров Иван → Кузнецова Анна", chooser)
    await curator.tap("Завершить программу", card)
    await curator.tap("Сегодня")
    await curator.say("Молодой специалист освоил приёмы работы с дисциплиной")
    await curator.tap("Без ссылки")
    summary = await curator.tap("Завершена успешно")
    assert "Завершена успешно" in summary.text
    assert (await curator.tap("✔ Завершить программу")).text == "Программа завершена."
    await tg.wait_for(
        MENTEE, lambda m: m.text.startswith("Ваша программа наставничества завершена")
    )
    assert await bot_process.stop() == 0
