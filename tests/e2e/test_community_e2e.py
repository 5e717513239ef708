"""The bank of best practices, announcements and questions through the real process: a case
travels from a mentor to the municipal bank; an announcement reaches every mentor of a
municipality through the outbox with the counts reported (one mentor blocked the bot); a
question and its answer make the round trip."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime

import pytest
from sqlalchemy import select

from storage.db import Database
from storage.models.enums import Role
from storage.models.orgs import Organization
from storage.models.outbox import OutboxMessage
from tests.support.chat import Person
from tests.support.seed import add_person, build_tree

pytestmark = pytest.mark.e2e

CURATOR, COORDINATOR, MENTOR, MENTEE, OTHER_MENTOR, BLOCKED_MENTOR, FOREIGN_MENTOR = range(
    7001, 7008
)


def midday_zone(now: datetime) -> str:
    """A fixed-offset zone where it is about noon now, so quiet hours never hold the test."""
    offset = (12 - now.hour) % 24
    if offset > 14:
        offset -= 24
    if offset == 0:
        return "Etc/GMT"
    # Etc/GMT zones carry the sign reversed: Etc/GMT-5 is UTC+5.
    return f"Etc/GMT{'-' if offset > 0 else '+'}{abs(offset)}"


async def seed(db_url: str) -> None:
    database = Database(db_url)
    now = datetime.now(UTC)
    try:
        tree = await build_tree(database, now)
        async with database.transaction() as s:
            (await s.get(Organization, tree.municipality_id)).timezone = midday_zone(now)
        school = tree.school_id
        await add_person(database, CURATOR, "Иванченко Ольга", Role.curator, school, now)
        await add_person(
            database, COORDINATOR, "Соболева Зинаида", Role.coordinator, tree.municipality_id, now
        )
        await add_person(database, MENTOR, "Петров Иван", Role.mentor, school, now)
        await add_person(database, MENTEE, "Кузнецова Анна", Role.mentee, school, now)
        await add_person(
            database, OTHER_MENTOR, "Сидоров Пётр", Role.mentor, tree.other_school_id, now
        )
        await add_person(database, BLOCKED_MENTOR, "Орлов Глеб", Role.mentor, school, now)
        await add_person(
            database, FOREIGN_MENTOR, "Азовский наставник", Role.mentor, tree.foreign_school_id, now
        )
    finally:
        await database.dispose()


async def outbox_states(db_url: str) -> list[str]:
    database = Database(db_url)
    try:
        async with database.reading() as s:
            return list((await s.scalars(select(OutboxMessage.state))).all())
    finally:
        await database.dispose()


async def test_practices_announcements_and_questions(bot_process, tg, db_url):
    await seed(db_url)
    await bot_process.start(tg)
    curator, coordinator = Person(tg, CURATOR, "Ольга"), Person(tg, COORDINATOR, "Зинаида")
    mentor, mentee = Person(tg, MENTOR, "Иван"), Person(tg, MENTEE, "Анна")
    other_mentor = Person(tg, OTHER_MENTOR, "Пётр")
    foreign_mentor = tg.user(FOREIGN_MENTOR, first_name="Азов")
    tg.user(BLOCKED_MENTOR, first_name="Глеб").blocked = True

    # A case from the mentor to the municipal bank.
    await mentor.say("/practices")
    await mentor.tap("✍ Предложить практику")
    await mentor.say("Наставник и молодой учитель: открытый урок вдвоём")
    await mentor.tap("Учитель – учитель")
    await mentor.tap("методика обучения и преподавания")
    await mentor.say(
        "Молодой учитель провёл открытый урок вместе с наставником, дисциплина выросла."
    )
    newest = mentor.fake.last.message_id
    mentor.fake.send_document(data=b"plan", file_name="plan.docx", mime_type="application/msword")
    await tg.wait_for(MENTOR, lambda m: m.message_id > newest)
    preview = await mentor.tap("Готово ▶")
    assert "Файлов: 1, ссылок: 0." in preview.text
    await mentor.tap("✔ Отправить")
    notice = await tg.wait_for(CURATOR, lambda m: (m.text or "").startswith("📚 Новая практика"))
    await curator.tap_edit("Открыть практику", notice)
    await curator.tap("✔ Одобрить для банка школы", notice)
    await tg.wait_for(MENTOR, lambda m: "одобрена для банка школы" in (m.text or ""))
    await coordinator.say("/practices")
    await coordinator.tap_edit("⭐ Для муниципального банка (1)")
    await coordinator.tap_edit("Наставник и молодой учитель: открытый урок вдвоём")
    await coordinator.tap("⭐ В муниципальный банк")
    await tg.wait_for(MENTOR, lambda m: "включена в муниципальный банк" in (m.text or ""))
    await other_mentor.say("/practices")
    bank = await other_mentor.tap_edit("🏛 Муниципальный банк: Сальский район")
    assert "Практик: 1" in bank.text
    card = await other_mentor.tap_edit("Наставник и молодой учитель: открытый урок вдвоём")
    assert "Статус: в муниципальном банке" in card.text
    document = await other_mentor.tap("📎 Файлы (1)", card)
    assert document.kind == "document" and document.file_name == "plan.docx"

    # An announcement to every mentor of the municipality, through the outbox.
    await coordinator.say("/announce")
    await coordinator.tap_edit("🏛 Целиком: Сальский район")
    await coordinator.tap_edit("▫️ наставники")
    await coordinator.tap("Далее ▶")
    preview = await coordinator.say(
        "Муниципальный конкурс «Педагогический дуэт»: заявки до 28 апреля."
    )
    assert "Получателей: 3" in preview.text
    status = await coordinator.tap("✔ Отправить: 3")
    assert "Получателей: 3" in status.text
    for telegram_id in (MENTOR, OTHER_MENTOR):
        message = await tg.wait_for(telegram_id, lambda m: "Педагогический дуэт" in (m.text or ""))
        assert message.text.startswith("📣 Объявление: Соболева Зинаида, Сальский район")
    for _ in range(200):
        if set(await outbox_states(db_url)) <= {"sent", "blocked"}:
            break
        await asyncio.sleep(0.05)
    refreshed = await coordinator.tap_edit("↻ Обновить", status)
    assert "✅ доставлено: 2" in refreshed.text
    assert "🚫 заблокировали бота: 1" in refreshed.text
    assert "⏳ ожидают отправки: 0" in refreshed.text
    assert not any("Педагогический дуэт" in (m.text or "") for m in foreign_mentor.messages)

    # A question and its answer.
    await mentee.say("/ask")
    sent = await mentee.say("Можно ли провести встречу с наставником онлайн?")
    assert sent.text == "Вопрос отправлен куратору. Ответ придёт сюда."
    question = await tg.wait_for(CURATOR, lambda m: (m.text or "").startswith("❓ Вопрос от"))
    assert "Кузнецова Анна" in question.text
    await curator.tap("✍ Ответить", question)
    await curator.say("Да, виртуальное наставничество — одна из форм, отметьте её в журнале.")
    answer = await tg.wait_for(MENTEE, lambda m: (m.text or "").startswith("💬"))
    assert "Иванченко Ольга" in answer.text and "виртуальное наставничество" in answer.text
    assert await bot_process.stop() == 0
