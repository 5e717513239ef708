"""A municipal coordinator through the real process: renames a school and moves it to another
time zone (a waiting reminder moves with it), then deactivates the school's only curator and
invites a replacement who registers. Double taps on the confirmations change things once."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select

from storage.db import Database
from storage.models import Membership, MembershipChange, Organization, OrganizationChange
from storage.models.enums import MembershipStatus, Role
from storage.models.outbox import OutboxMessage
from storage.outbox.queue import enqueue, local_moment
from tests.support.chat import Person
from tests.support.seed import add_person, build_tree

pytestmark = pytest.mark.e2e

COORDINATOR, CURATOR, NEWCOMER = 6201, 6202, 6203
YEKATERINBURG = "UTC+5 — Екатеринбург, Сургут, Нижний Тагил"


async def seed(db_url: str) -> dict:
    database = Database(db_url)
    now = datetime.now(UTC)
    try:
        tree = await build_tree(database, now)
        await add_person(
            database, COORDINATOR, "Соболева Зинаида", Role.coordinator, tree.municipality_id, now
        )
        curator = await add_person(
            database, CURATOR, "Абрамова Ольга", Role.curator, tree.school_id, now
        )
        # A reminder planned for 10:00 in Moscow the day after tomorrow, waiting in the outbox.
        due = local_moment(datetime.now(UTC).date() + timedelta(days=2), "Europe/Moscow")
        async with database.transaction() as s:
            await enqueue(
                s,
                kind="meeting_nudge",
                subject="e2e",
                person_id=curator,
                due_at=due,
                timezone="Europe/Moscow",
                now=now,
                org_id=tree.school_id,
            )
        return {"school": tree.school_id, "curator": curator, "due": due}
    finally:
        await database.dispose()


async def read(db_url: str, query):
    database = Database(db_url)
    try:
        async with database.reading() as s:
            return (await s.execute(query)).all()
    finally:
        await database.dispose()


async def double_tap(person: Person, message, text: str):
    """Two taps on one button before the bot answers; returns the message once edited."""
    before = (message.text, message.buttons)
    person.fake.click(message, text=text)
    person.fake.click(message, text=text)
    return await person.tg.wait_for(
        person.id, lambda m: m.message_id == message.message_id and (m.text, m.buttons) != before
    )


async def test_a_coordinator_changes_a_school_and_replaces_its_curator(bot_process, tg, db_url):
    seeded = await seed(db_url)
    await bot_process.start(tg)
    coordinator = Person(tg, COORDINATOR, "Зинаида")
    curator = Person(tg, CURATOR, "Ольга")

    # Rename.
    await coordinator.say("/orgs")
    await coordinator.tap_edit("✎ Изменить организацию")
    card = await coordinator.tap_edit("МБОУ лицей № 9")
    assert "Часовой пояс: как у вышестоящей: UTC+3" in card.text
    await coordinator.tap_edit("✎ Название")
    refused = await coordinator.say("мбоу сош № 2")
    assert refused.text.startswith("Там уже есть организация с названием «мбоу сош № 2».")
    question = await coordinator.say("МБОУ лицей № 9 им. Пушкина")
    assert question.text.startswith(
        "Переименовать «МБОУ лицей № 9» в «МБОУ лицей № 9 им. Пушкина»?"
    )
    saved = await double_tap(coordinator, question, "✔ Изменить")
    assert (
        saved.text == "Сохранено: «МБОУ лицей № 9» теперь называется «МБОУ лицей № 9 им. Пушкина»."
    )

    # Time zone: the confirmation says what moves.
    card = await coordinator.tap_edit("◀ К организации", saved)
    choices = await coordinator.tap_edit("✎ Часовой пояс", card)
    refused = await coordinator.say("Марс")
    assert refused.text.startswith("«Марс» — неизвестный часовой пояс.")
    question = await coordinator.tap(YEKATERINBURG, choices)
    assert "теперь в 10:00 по UTC+5, то есть на 2 часа раньше, чем прежде" in question.text
    assert "• 1 уже запланированное напоминание, ожидающее отправки, сдвигается" in question.text
    assert "остаются теми же календарными днями" in question.text
    saved = await double_tap(coordinator, question, "✔ Изменить")
    assert saved.text.startswith("Сохранено: часовой пояс «МБОУ лицей № 9 им. Пушкина» изменён.")

    [(name, zone)] = await read(
        db_url,
        select(Organization.name, Organization.timezone).where(Organization.id == seeded["school"]),
    )
    assert (name, zone) == ("МБОУ лицей № 9 им. Пушкина", "Asia/Yekaterinburg")
    [(due_at, row_zone)] = await read(db_url, select(OutboxMessage.due_at, OutboxMessage.timezone))
    assert (due_at, row_zone) == (seeded["due"] - timedelta(hours=2), "Asia/Yekaterinburg")
    changes = await read(db_url, select(OrganizationChange.changes).order_by(OrganizationChange.id))
    assert [c for (c,) in changes] == [
        {"name": ["МБОУ лицей № 9", "МБОУ лицей № 9 им. Пушкина"]},
        {"timezone": [None, "Asia/Yekaterinburg"]},
    ]

    # The school's only curator: deactivated after a warning, once.
    listing = await coordinator.say("/people")
    assert "1. Абрамова Ольга — куратор, «МБОУ лицей № 9 им. Пушкина»" in listing.text
    card = await coordinator.tap_edit("1. Абрамова Ольга")
    asked = await coordinator.tap_edit("Деактивировать", card)
    assert "⚠ Единственный активный куратор организации" in asked.text
    card = await double_tap(coordinator, asked, "✔ Деактивировать")
    assert "Статус: деактивирован" in card.text
    told = await tg.wait_for(CURATOR, lambda m: m.text.startswith("Ваша роль деактивирована"))
    assert "Это сделал(а): Соболева Зинаида" in told.text
    refused = await curator.say("/people")
    assert refused.text.startswith("Эта команда недоступна")

    # A replacement: one link however often tapped, and the newcomer registers with it.
    invitation = await double_tap(coordinator, card, "✉ Пригласить замену")
    code = invitation.text.split("?start=", 1)[1].split()[0]
    assert "Это приглашение на замену: Абрамова Ольга." in invitation.text
    newcomer = Person(tg, NEWCOMER, "Елена")
    await newcomer.say(f"/start {code}")
    await newcomer.tap("✔ Согласен(-на)")
    await newcomer.say("Дмитриева Елена Павловна")
    done = await newcomer.tap("✔ Всё верно")
    assert done.text.startswith(
        "Готово! Вы зарегистрированы: куратор, «МБОУ лицей № 9 им. Пушкина»."
    )
    await tg.wait_for(COORDINATOR, lambda m: "Дмитриева Елена Павловна зарегистрировал" in m.text)

    roles = await read(
        db_url, select(Membership.person_id, Membership.status).where(Membership.role == "curator")
    )
    assert sorted(status for _p, status in roles) == [
        MembershipStatus.active,
        MembershipStatus.deactivated,
    ]
    trail = await read(db_url, select(MembershipChange.action).order_by(MembershipChange.id))
    assert [a for (a,) in trail] == ["status", "replacement_invited"]
    assert await bot_process.stop() == 0
