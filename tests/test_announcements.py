"""/announce: scope and roles, the preview's count, one enqueue per recipient however many
taps, the delivery counts, and scopes that are not the author's."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select, update

from storage.models.community import Announcement
from storage.models.core import Person
from storage.models.enums import MembershipStatus, Role
from storage.models.orgs import Organization
from storage.models.outbox import OutboxMessage
from storage.outbox import queue as outbox
from tests.support.seed import add_person, build_tree

CURATOR, COORDINATOR, FOREIGN_COORDINATOR = 401, 402, 403
MENTOR, PUPIL_MENTOR, MENTEE, WAITING_PUPIL, ERASED, OTHER_MENTOR, FOREIGN_MENTOR = range(411, 418)


@pytest.fixture
async def world(harness, clock):
    db, now = harness.app.database, clock.now()
    tree = await build_tree(db, now)
    async with db.transaction() as s:
        (await s.get(Organization, tree.municipality_id)).timezone = "Europe/Samara"
        (await s.get(Organization, tree.other_school_id)).timezone = "Asia/Yekaterinburg"
    school = tree.school_id
    await add_person(db, CURATOR, "Иванченко Ольга", Role.curator, school, now)
    await add_person(
        db, COORDINATOR, "Соболева Зинаида", Role.coordinator, tree.municipality_id, now
    )
    await add_person(
        db, FOREIGN_COORDINATOR, "Азовский координатор", Role.coordinator,
        tree.other_municipality_id, now,
    )  # fmt: skip
    await add_person(db, MENTOR, "Петров Иван", Role.mentor, school, now)
    await add_person(
        db, PUPIL_MENTOR, "Орлов Глеб", Role.mentor, school, now,
        profile={"category": "student", "grade": 10, "birth_year": 2010},
    )  # fmt: skip
    await add_person(db, MENTEE, "Иванова Анна", Role.mentee, school, now)
    await add_person(
        db, WAITING_PUPIL, "Смирнов Артём", Role.mentee, school, now,
        status=MembershipStatus.awaiting_guardian,
        profile={"category": "student", "grade": 7, "birth_year": 2013},
    )  # fmt: skip
    erased = await add_person(db, ERASED, "Удалённый", Role.mentor, school, now)
    async with db.transaction() as s:
        (await s.get(Person, erased)).erased_at = now
    await add_person(db, OTHER_MENTOR, "Сидоров Пётр", Role.mentor, tree.other_school_id, now)
    await add_person(
        db, FOREIGN_MENTOR, "Азовский наставник", Role.mentor, tree.foreign_school_id, now
    )
    return tree


def alert(harness) -> str:
    return harness.tg.requests_for("answerCallbackQuery")[-1][1].get("text", "")


async def rows(harness) -> list[OutboxMessage]:
    async with harness.app.database.reading() as s:
        found = await s.scalars(select(OutboxMessage).order_by(OutboxMessage.person_id))
        return list(found.all())


async def telegram_ids(harness, outbox_rows) -> set[int]:
    async with harness.app.database.reading() as s:
        found = await s.scalars(
            select(Person.telegram_id).where(Person.id.in_([r.person_id for r in outbox_rows]))
        )
        return set(found.all())


async def test_a_curator_writes_to_the_schools_mentors_and_mentees(harness, world):
    curator = harness.client.user(CURATOR)
    await curator.send("/announce")
    assert curator.last.buttons == ["🏫 МБОУ лицей № 9", "✖ Отмена"]
    await curator.click(curator.last, text="🏫 МБОУ лицей № 9")
    assert curator.last.buttons == [
        "▫️ наставники", "▫️ наставляемые", "▫️ кураторы", "Далее ▶", "◀ Назад", "✖ Отмена"
    ]  # fmt: skip
    await curator.click(curator.last, text="Далее ▶")
    assert alert(harness) == "Отметьте хотя бы одну роль."
    await curator.click(curator.last, text="▫️ наставники")
    await curator.click(curator.last, text="▫️ наставляемые")
    await curator.click(curator.last, text="Далее ▶")
    await curator.send("Ок")
    assert curator.last.text.startswith("Объявление должно быть длиной от 5 до 3000 символов")
    await curator.send("Собрание наставников в пятницу в 15:00, кабинет 12.")
    preview = curator.last
    assert "Получателей: 3" in preview.text
    assert "📣 Объявление: Иванченко Ольга, МБОУ лицей № 9" in preview.text
    assert await rows(harness) == [], "nothing is owed before the confirmation"

    await curator.click(preview, text="✔ Отправить: 3")
    # A second tap on the same button (and a forged repeat) owes nothing more.
    status = curator.last
    await curator.press(preview, text="✔ Отправить: 3")
    assert alert(harness) == "Это объявление уже отправлено."
    owed = await rows(harness)
    assert await telegram_ids(harness, owed) == {MENTOR, PUPIL_MENTOR, MENTEE}
    async with harness.app.database.reading() as s:
        [announcement] = (await s.scalars(select(Announcement))).all()
    assert announcement.recipients == 3 and announcement.roles == ["mentor", "mentee"]
    assert {r.subject for r in owed} == {f"a{announcement.id}"}
    assert {r.kind for r in owed} == {"announcement"}
    assert {r.timezone for r in owed} == {"Europe/Samara"}, "the school inherits its zone"
    assert {r.org_id for r in owed} == {world.school_id}
    quiet = {r.person_id: r.quiet_from for r in owed}
    assert sorted(quiet.values()) == [20, 21, 21], "the pupil mentor's evening is shorter"
    assert owed[0].params == {
        "text": "Собрание наставников в пятницу в 15:00, кабинет 12.",
        "sender": "Иванченко Ольга, МБОУ лицей № 9",
    }
    assert "✅ доставлено: 0" in status.text and "⏳ ожидают отправки: 3" in status.text

    # The sender's outcomes, as it records them.
    async with harness.app.database.transaction() as s:
        await s.execute(
            update(OutboxMessage).where(OutboxMessage.id == owed[0].id).values(state=outbox.SENT)
        )
        await s.execute(
            update(OutboxMessage).where(OutboxMessage.id == owed[1].id).values(state=outbox.BLOCKED)
        )
        await s.execute(
            update(OutboxMessage).where(OutboxMessage.id == owed[2].id).values(state=outbox.FAILED)
        )
    await curator.click(status, text="↻ Обновить")
    assert "✅ доставлено: 1" in status.text
    assert "🚫 заблокировали бота: 1" in status.text
    assert "⚠ не доставлено: 1" in status.text and "⏳ ожидают отправки: 0" in status.text


async def test_a_coordinator_writes_to_one_school_or_the_whole_municipality(harness, world):
    coordinator = harness.client.user(COORDINATOR)
    await coordinator.send("/announce")
    await coordinator.click(coordinator.last, text="🏫 Одна школа: Сальский район")
    assert coordinator.last.buttons == ["🏫 МБОУ СОШ № 2", "🏫 МБОУ лицей № 9", "◀ Назад"]
    await coordinator.click(coordinator.last, text="🏫 МБОУ СОШ № 2")
    await coordinator.click(coordinator.last, text="▫️ наставники")
    await coordinator.click(coordinator.last, text="Далее ▶")
    await coordinator.send("Семинар для наставников второй школы.")
    assert "Получателей: 1" in coordinator.last.text
    await coordinator.click(coordinator.last, text="✔ Отправить: 1")
    [row] = await rows(harness)
    assert row.timezone == "Asia/Yekaterinburg" and row.org_id == world.other_school_id

    await coordinator.send("/announce")
    await coordinator.click(coordinator.last, text="🏛 Целиком: Сальский район")
    await coordinator.click(coordinator.last, text="▫️ наставники")
    await coordinator.click(coordinator.last, text="▫️ координаторы")
    await coordinator.click(coordinator.last, text="Далее ▶")
    await coordinator.send("Муниципальный конкурс наставников.")
    assert "Получателей: 3" in coordinator.last.text, "three mentors; the author is left out"
    await coordinator.click(coordinator.last, text="✔ Отправить: 3")
    found = await rows(harness)
    assert len(found) == 4
    assert FOREIGN_MENTOR not in await telegram_ids(harness, found)


async def test_foreign_scopes_roles_and_announcements_are_refused(harness, world):
    coordinator = harness.client.user(COORDINATOR)
    await coordinator.send("/announce")
    for data in (
        f"an_s:{world.other_municipality_id}",
        f"an_s:{world.foreign_school_id}",
        f"an_c:{world.other_municipality_id}:0",
    ):
        await coordinator.press(coordinator.last, data=data)
        assert alert(harness) == "Эта организация не входит в вашу зону.", data

    curator = harness.client.user(CURATOR)
    await curator.send("/announce")
    await curator.press(curator.last, data=f"an_s:{world.municipality_id}")
    assert alert(harness) == "Эта организация не входит в вашу зону."
    await curator.click(curator.last, text="🏫 МБОУ лицей № 9")
    await curator.press(curator.last, data="an_r:coordinator")
    assert alert(harness) == "Эта кнопка больше не действует."
    await curator.click(curator.last, text="▫️ кураторы")
    await curator.click(curator.last, text="Далее ▶")
    await curator.send("Только для кураторов школы.")
    assert "Получателей: 0" in curator.last.text
    assert "✔ Отправить: 0" not in curator.last.buttons

    # Someone else's announcement: neither its counts nor a resend.
    await coordinator.send("/announce")
    await coordinator.click(coordinator.last, text="🏛 Целиком: Сальский район")
    await coordinator.click(coordinator.last, text="▫️ наставники")
    await coordinator.click(coordinator.last, text="Далее ▶")
    await coordinator.send("Объявление координатора.")
    await coordinator.click(coordinator.last, text="✔ Отправить: 3")
    async with harness.app.database.reading() as s:
        announcement = await s.scalar(select(Announcement))
    await curator.press(curator.last, data=f"an_v:{announcement.id}")
    assert alert(harness) == "Это объявление отправили не вы."
    await curator.press(curator.last, data=f"an_p:send:{announcement.key}")
    assert alert(harness).startswith("Эта кнопка больше не действует.")
    async with harness.app.database.reading() as s:
        assert await s.scalar(select(func.count()).select_from(OutboxMessage)) == 3
