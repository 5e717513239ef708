"""The outbox and its sender against the fake Bot API, with an injected clock.

Each failure class Telegram can answer with, quiet hours in time zones from UTC+2 to
UTC+12, downtime (late wording, expiry), a crash between claiming and sending, and the
grouping of several messages due to one person into one.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest
from sqlalchemy import select

from handlers import outbox_renderers
from scheduler.outbox_sender import OutboxSender
from scheduler.pacing import Pacer
from storage.models.core import Person
from storage.models.outbox import OutboxMessage
from storage.outbox import queue as outbox
from storage.people.lookup import get_or_create_person

MOSCOW, KALININGRAD, KAMCHATKA = "Europe/Moscow", "Europe/Kaliningrad", "Asia/Kamchatka"
# 07:00 UTC: 10:00 in Moscow, 09:00 in Kaliningrad, 19:00 in Kamchatka.
START = datetime(2026, 11, 23, 7, 0, tzinfo=UTC)


@pytest.fixture
def sender(harness, database, clock):
    return OutboxSender(
        database,
        harness.bot,
        harness.app.i18n,
        clock,
        send_rate=1000,
        default_locale="ru",
        renderers=outbox_renderers(),
        pacer=Pacer(1000, per_chat_interval=0),
    )


async def person(database, harness, telegram_id: int, now=START) -> int:
    harness.tg.user(telegram_id, first_name=f"User{telegram_id}")
    async with database.transaction() as s:
        return (await get_or_create_person(s, telegram_id, now)).id


async def owe(database, person_id: int, subject: str, due_at=START, zone=MOSCOW, **kw) -> bool:
    async with database.transaction() as s:
        return await outbox.enqueue(
            s,
            kind="announcement",
            subject=subject,
            person_id=person_id,
            due_at=due_at,
            timezone=zone,
            now=START,
            params={"text": kw.pop("text", f"text {subject}"), "sender": "Куратор"},
            **kw,
        )


async def states(database) -> dict[str, str]:
    async with database.reading() as s:
        rows = await s.scalars(select(OutboxMessage).order_by(OutboxMessage.id))
        return {row.subject: row.state for row in rows}


def texts(harness, telegram_id: int) -> list[str]:
    return [m.text for m in harness.tg.chats.get(telegram_id, [])]


async def test_owed_once_sent_once_and_grouped_per_person(harness, database, sender, clock):
    clock.set(START)
    anna = await person(database, harness, 501)
    assert await owe(database, anna, "a1")
    assert not await owe(database, anna, "a1"), "the same reminder is owed once"
    assert await owe(database, anna, "a2", text="second")
    await sender.drain_once()
    sent = texts(harness, 501)
    assert len(sent) == 1, "two messages due at once go as one"
    assert "text a1" in sent[0] and "second" in sent[0]
    assert "Объявление" in sent[0]
    assert await states(database) == {"a1": "sent", "a2": "sent"}
    await sender.drain_once()
    assert len(texts(harness, 501)) == 1


@pytest.mark.parametrize(
    ("zone", "utc_hour", "expected_utc_hour"),
    [
        (KALININGRAD, 5, 7),  # 07:00 local is quiet: waits for 09:00 local = 07:00 UTC
        (MOSCOW, 19, 6),  # 22:00 local: the next morning 09:00 = 06:00 UTC
        (KAMCHATKA, 9, 21),  # 21:00 local (UTC+12): 09:00 local = 21:00 UTC
    ],
)
async def test_quiet_hours_in_the_persons_zone(
    harness, database, sender, clock, zone, utc_hour, expected_utc_hour
):
    now = START.replace(hour=utc_hour)
    clock.set(now)
    anna = await person(database, harness, 502)
    await owe(database, anna, "q", due_at=now, zone=zone)
    await sender.drain_once()
    assert texts(harness, 502) == []
    async with database.reading() as s:
        row = await s.scalar(select(OutboxMessage))
        assert row.next_attempt_at.hour == expected_utc_hour
        assert row.state == "pending"
        retry_at = row.next_attempt_at
    clock.set(retry_at)
    await sender.drain_once()
    assert len(texts(harness, 502)) == 1


async def test_students_are_not_messaged_after_20(harness, database, sender, clock):
    clock.set(START.replace(hour=17, minute=30))  # 20:30 in Moscow
    pupil = await person(database, harness, 503)
    adult = await person(database, harness, 504)
    await owe(database, pupil, "s", due_at=clock.now(), student=True)
    await owe(database, adult, "t", due_at=clock.now())
    await sender.drain_once()
    assert texts(harness, 503) == [] and len(texts(harness, 504)) == 1


def test_local_moment_and_quiet_window() -> None:
    ten = outbox.local_moment(date(2026, 12, 13), KAMCHATKA)
    assert ten == datetime(2026, 12, 12, 22, 0, tzinfo=UTC)
    assert outbox.next_allowed(ten, KAMCHATKA, 21, 9) == ten


async def test_429_pauses_and_retries_the_same_row(harness, database, sender, clock):
    clock.set(START)
    anna = await person(database, harness, 505)
    await owe(database, anna, "r")
    harness.tg.fail_next("sendMessage", status=429, retry_after=3)
    await sender.drain_once()
    async with database.reading() as s:
        row = await s.scalar(select(OutboxMessage))
        assert (row.state, row.attempts) == ("pending", 0), "a 429 is not a failed attempt"
        assert row.next_attempt_at == START + timedelta(seconds=3)
    assert sender.pacer.paused_until > 0
    clock.advance(timedelta(seconds=3))
    sender.pacer.paused_until = 0  # the pause itself was real time; the row waits on the clock
    await sender.drain_once()
    assert await states(database) == {"r": "sent"}
    assert len(texts(harness, 505)) == 1


async def test_403_marks_the_person_blocked_and_stops_sending(harness, database, sender, clock):
    clock.set(START)
    anna = await person(database, harness, 506)
    await owe(database, anna, "b1")
    harness.tg.users[506].blocked = True
    await sender.drain_once()
    await owe(database, anna, "b2")
    requests_before = len(harness.tg.requests_for("sendMessage"))
    await sender.drain_once()
    assert len(harness.tg.requests_for("sendMessage")) == requests_before
    assert await states(database) == {"b1": "blocked", "b2": "blocked"}
    async with database.reading() as s:
        assert (await s.get(Person, anna)).blocked_at == START


async def test_400_fails_with_the_reason(harness, database, sender, clock):
    clock.set(START)
    anna = await person(database, harness, 507)
    await owe(database, anna, "bad")
    harness.tg.fail_next("sendMessage", status=400, description="Bad Request: chat not found")
    await sender.drain_once()
    async with database.reading() as s:
        row = await s.scalar(select(OutboxMessage))
        assert row.state == "failed" and "chat not found" in row.last_error


async def test_5xx_retries_with_backoff_then_gives_up(harness, database, sender, clock):
    clock.set(START)
    anna = await person(database, harness, 508)
    await owe(database, anna, "x")
    harness.tg.fail_next("sendMessage", n=1, status=502, description="Bad Gateway")
    await sender.drain_once()
    async with database.reading() as s:
        row = await s.scalar(select(OutboxMessage))
        assert (row.state, row.attempts) == ("pending", 1)
        assert row.next_attempt_at == START + timedelta(seconds=outbox.RETRY_BASE_SECONDS)
    await sender.drain_once()
    assert texts(harness, 508) == [], "not before the backoff"
    clock.advance(timedelta(seconds=outbox.RETRY_BASE_SECONDS))
    await sender.drain_once()
    assert await states(database) == {"x": "sent"}

    await owe(database, anna, "y")
    harness.tg.fail_next("sendMessage", n=100, status=500)
    for _attempt in range(outbox.MAX_ATTEMPTS + 1):
        await sender.drain_once()
        clock.advance(timedelta(seconds=outbox.MAX_BACKOFF_SECONDS))
    async with database.reading() as s:
        row = await s.scalar(select(OutboxMessage).where(OutboxMessage.subject == "y"))
        assert row.state == "failed" and "gave up" in row.last_error


async def test_a_crash_between_claim_and_send_sends_again(harness, database, sender, clock):
    clock.set(START)
    anna = await person(database, harness, 509)
    await owe(database, anna, "c")
    async with database.transaction() as s:
        row = await s.scalar(select(OutboxMessage))
        assert await outbox.mark_sending(s, [row.id])
    await sender.drain_once()
    assert texts(harness, 509) == [], "a row being sent is not picked up twice"
    async with database.transaction() as s:
        assert await outbox.release_in_flight(s) == 1
    await sender.drain_once()
    assert len(texts(harness, 509)) == 1


async def test_downtime_sends_late_with_wording_then_expires(harness, database, sender, clock):
    anna = await person(database, harness, 510)
    await owe(database, anna, "late", due_at=START - timedelta(days=1))
    await owe(database, anna, "stale", due_at=START - timedelta(days=3))
    clock.set(START)
    await sender.drain_once()
    [message] = texts(harness, 510)
    assert "с опозданием" in message and "text late" in message
    assert "text stale" not in message
    assert await states(database) == {"late": "sent", "stale": "expired"}


async def test_blocking_and_unblocking_the_bot_is_recorded(harness, database, clock):
    clock.set(START)
    anna = await person(database, harness, 511)
    client_user = harness.client.user(511, first_name="Anna")
    await client_user.block_bot()
    async with database.reading() as s:
        assert (await s.get(Person, anna)).blocked_at is not None
    await client_user.unblock_bot()
    async with database.reading() as s:
        assert (await s.get(Person, anna)).blocked_at is None


async def test_outbox_screen_counts_only_the_coordinators_scope(harness, database, clock):
    from storage.models.enums import Role
    from tests.conftest import ADMIN_ID
    from tests.support.seed import add_person, build_tree

    clock.set(START)
    tree = await build_tree(database, START)
    await add_person(
        database, 520, "Соболева Зинаида", Role.coordinator, tree.municipality_id, START
    )
    ours = await add_person(database, 521, "Петров Иван", Role.mentor, tree.school_id, START)
    theirs = await add_person(
        database, 522, "Орлов Глеб", Role.mentor, tree.foreign_school_id, START
    )
    await owe(database, ours, "ours", org_id=tree.school_id)
    await owe(database, theirs, "theirs", org_id=tree.foreign_school_id)
    async with database.transaction() as s:
        await outbox.mark_failed(s, [2], "Bad Request: chat not found")

    coordinator = harness.client.user(520)
    await coordinator.send("/outbox")
    screen = coordinator.last.text
    assert "ждут отправки: 1" in screen and "ошибка: 0" in screen
    assert "chat not found" not in screen, "another municipality's failure is not shown"
    assert "К отправке сейчас: 1" in screen

    admin = harness.client.user(ADMIN_ID)
    await admin.send("/outbox")
    assert "ошибка: 1" in admin.last.text and "chat not found" in admin.last.text
