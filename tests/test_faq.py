"""/faq: the coordinator keeps the list; everyone below reads it, nobody else edits it."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from storage.models.community import FaqEntry
from storage.models.enums import Role
from tests.support.seed import add_person, build_tree

MENTOR, COORDINATOR, REGIONAL, FOREIGN_MENTOR, FOREIGN_COORDINATOR = range(601, 606)


@pytest.fixture
async def world(harness, clock):
    db, now = harness.app.database, clock.now()
    tree = await build_tree(db, now)
    await add_person(db, MENTOR, "Петров Иван", Role.mentor, tree.school_id, now)
    await add_person(
        db, COORDINATOR, "Соболева Зинаида", Role.coordinator, tree.municipality_id, now
    )
    await add_person(
        db, REGIONAL, "Региональный координатор", Role.coordinator, tree.region_id, now
    )
    await add_person(
        db, FOREIGN_MENTOR, "Азовский наставник", Role.mentor, tree.foreign_school_id, now
    )
    await add_person(
        db, FOREIGN_COORDINATOR, "Азовский координатор", Role.coordinator,
        tree.other_municipality_id, now,
    )  # fmt: skip
    return tree


def alert(harness) -> str:
    return harness.tg.requests_for("answerCallbackQuery")[-1][1].get("text", "")


async def add(user, question: str, answer: str) -> None:
    await user.click(user.last, text="+ Добавить вопрос")
    await user.send(question)
    await user.send(answer)
    assert user.replies[-2].text == "Сохранено."


async def entries(harness) -> list[tuple[str, int]]:
    async with harness.app.database.reading() as s:
        rows = await s.scalars(select(FaqEntry).order_by(FaqEntry.position))
        return [(e.question, e.org_id) for e in rows.all()]


async def test_the_coordinator_keeps_the_list_and_everyone_below_reads_it(harness, world):
    mentor = harness.client.user(MENTOR)
    await mentor.send("/faq")
    assert "Частых вопросов пока нет." in mentor.last.text and mentor.last.buttons == []

    coordinator = harness.client.user(COORDINATOR)
    await coordinator.send("/faq")
    await coordinator.click(coordinator.last, text="✎ Редактировать: Сальский район")
    assert "Список пуст" in coordinator.last.text
    await coordinator.click(coordinator.last, text="+ Добавить вопрос")
    await coordinator.send("Как?")
    assert coordinator.last.text == "Нужно от 5 до 500 символов, а здесь 4.\nПопробуйте ещё раз."
    await coordinator.send("Когда мониторинг?")
    await coordinator.send("До 20 декабря и до 20 мая.")
    assert coordinator.replies[-2].text == "Сохранено."
    await add(coordinator, "Кто может быть наставником?", "Педагог, ученик 15–18 лет или партнёр.")
    await add(coordinator, "Нужно ли согласие родителей?", "Да, для несовершеннолетних.")

    regional = harness.client.user(REGIONAL)
    await regional.send("/faq")
    await regional.click(regional.last, text="✎ Редактировать: Ростовская область")
    await add(regional, "Где методические рекомендации?", "На сайте регионального центра.")

    # Reorder and edit: the third question goes to the top and gets a new answer.
    await coordinator.click(coordinator.last, text="3. Нужно ли согласие родителей?")
    await coordinator.click(coordinator.last, text="▲ Выше")
    await coordinator.click(coordinator.last, text="2. Нужно ли согласие родителей?")
    await coordinator.click(coordinator.last, text="▲ Выше")
    await coordinator.click(coordinator.last, text="1. Нужно ли согласие родителей?")
    await coordinator.click(coordinator.last, text="▲ Выше")
    assert alert(harness) == "Вопрос уже на краю списка."
    await coordinator.click(coordinator.last, text="✎ Ответ")
    await coordinator.send("Да, письменное согласие законного представителя.")
    # Delete the second one after a confirmation.
    await coordinator.click(coordinator.last, text="2. Когда мониторинг?")
    await coordinator.click(coordinator.last, text="🗑 Удалить")
    await coordinator.click(coordinator.last, text="🗑 Да, удалить")
    assert [q for q, org in await entries(harness) if org == world.municipality_id] == [
        "Нужно ли согласие родителей?",
        "Кто может быть наставником?",
    ]

    await mentor.send("/faq")
    assert mentor.last.buttons == [
        "1. Нужно ли согласие родителей?",
        "2. Кто может быть наставником?",
        "3. Где методические рекомендации?",
    ], "the municipality's own answers first, then the region's"
    await mentor.click(mentor.last, text="1. Нужно ли согласие родителей?")
    assert "Да, письменное согласие законного представителя." in mentor.last.text

    foreign = harness.client.user(FOREIGN_MENTOR)
    await foreign.send("/faq")
    assert foreign.last.buttons == ["1. Где методические рекомендации?"]


async def test_nobody_edits_or_reads_another_municipalitys_list(harness, world):
    coordinator = harness.client.user(COORDINATOR)
    await coordinator.send("/faq")
    await coordinator.click(coordinator.last, text="✎ Редактировать: Сальский район")
    await add(coordinator, "Когда мониторинг?", "До 20 декабря и до 20 мая.")
    async with harness.app.database.reading() as s:
        entry = await s.scalar(select(FaqEntry))

    foreign = harness.client.user(FOREIGN_COORDINATOR)
    await foreign.send("/faq")
    for data in (
        f"fq_a:{entry.id}:delete_ok",
        f"fq_a:{entry.id}:answer",
        f"fq_e:{world.municipality_id}",
        f"fq_n:{world.municipality_id}",
    ):
        await foreign.press(foreign.last, data=data)
        assert alert(harness) == "Этот список ведёте не вы.", data
    await foreign.press(foreign.last, data=f"fq_o:{entry.id}:0")
    assert alert(harness) == "Этот вопрос вам недоступен."

    mentor = harness.client.user(MENTOR)
    await mentor.send("/faq")
    await mentor.press(mentor.last, data=f"fq_a:{entry.id}:delete_ok")
    assert alert(harness) == "Этот список ведёте не вы."
    assert await entries(harness) == [("Когда мониторинг?", world.municipality_id)]
