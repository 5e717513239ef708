"""Reminder kinds about pairs and meetings, planned with an injected clock and delivered
through the outbox: the day they fall due in each school's zone (UTC+2 to UTC+12), once
only, late after downtime and not at all once too late."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest
from sqlalchemy import select, update

from handlers import outbox_renderers
from scheduler.outbox_sender import OutboxSender
from scheduler.pacing import Pacer
from scheduler.reminders import plan_and_enqueue
from storage.models.enums import Role
from storage.models.meetings import Meeting, MeetingAttendee
from storage.models.orgs import Organization
from storage.models.outbox import OutboxMessage
from storage.models.programmes import Programme
from storage.people.invitations import create_invitation
from tests.support.seed import add_person, build_tree, make_programme

MENTOR, MENTEE, CURATOR = 31, 32, 33
END = date(2027, 5, 31)


@pytest.fixture
async def school(database, clock):
    now = clock.now()
    tree = await build_tree(database, now)
    ids = {
        "mentor": await add_person(
            database, MENTOR, "Петров Иван", Role.mentor, tree.school_id, now
        ),
        "mentee": await add_person(
            database, MENTEE, "Иванова Анна", Role.mentee, tree.school_id, now
        ),
        "curator": await add_person(
            database, CURATOR, "Куратор Ольга", Role.curator, tree.school_id, now
        ),
    }
    ids["pair"] = await make_programme(
        database, tree, now, ids["curator"], ids["mentor"], [ids["mentee"]]
    )
    ids["tree"] = tree
    return ids


async def set_zone(database, school_id: int, zone: str) -> None:
    async with database.transaction() as s:
        await s.execute(
            update(Organization).where(Organization.id == school_id).values(timezone=zone)
        )


async def plan(database, clock, kind: str) -> list[OutboxMessage]:
    async with database.transaction() as s:
        await plan_and_enqueue(s, clock.now(), "Europe/Moscow", [kind])
    async with database.reading() as s:
        return list((await s.scalars(select(OutboxMessage).order_by(OutboxMessage.id))).all())


def sender_for(harness, database, clock) -> OutboxSender:
    return OutboxSender(
        database,
        harness.bot,
        harness.app.i18n,
        clock,
        1000,
        "ru",
        renderers=outbox_renderers(),
        pacer=Pacer(1000, per_chat_interval=0),
    )


@pytest.mark.parametrize(
    ("zone", "utc_offset"),
    [("Europe/Kaliningrad", 2), ("Europe/Moscow", 3), ("Asia/Kamchatka", 12)],
)
async def test_programme_ending_in_14_days_in_the_schools_zone(
    harness, database, clock, school, zone, utc_offset
):
    import scheduler.reminders_pairs  # noqa: F401

    await set_zone(database, school["tree"].school_id, zone)
    notice_day = END - timedelta(days=14)
    # One hour before local midnight of the notice day: nothing yet.
    local_midnight = datetime.combine(notice_day, datetime.min.time(), tzinfo=UTC) - timedelta(
        hours=utc_offset
    )
    clock.set(local_midnight - timedelta(hours=1))
    assert await plan(database, clock, "programme_ending") == []
    clock.set(local_midnight + timedelta(minutes=1))
    rows = await plan(database, clock, "programme_ending")
    assert sorted(row.person_id for row in rows) == sorted([school["mentor"], school["curator"]])
    # Due at 10:00 local that day, and owed once however often the planner runs.
    assert {row.due_at for row in rows} == {local_midnight + timedelta(hours=10)}
    assert len(await plan(database, clock, "programme_ending")) == 2

    harness.tg.user(MENTOR, first_name="Иван")
    harness.tg.user(CURATOR, first_name="Ольга")
    sender = sender_for(harness, database, clock)
    await sender.drain_once()
    assert harness.tg.chats.get(MENTOR) is None, "not before 10:00 local"
    clock.set(local_midnight + timedelta(hours=10))
    await sender.drain_once()
    [message] = [m.text for m in harness.tg.chats[MENTOR]]
    assert "31.05.2027" in message and "Петров Иван → Иванова Анна" in message
    assert "с опозданием" not in message


async def test_downtime_across_the_day_sends_late_once_and_too_late_never(
    harness, database, clock, school
):
    import scheduler.reminders_pairs  # noqa: F401

    harness.tg.user(MENTOR, first_name="Иван")
    notice_day = END - timedelta(days=14)
    # The bot comes back the day after the notice day, at 12:00 in Moscow.
    noon = datetime.combine(notice_day, datetime.min.time(), tzinfo=UTC) + timedelta(hours=9)
    clock.set(noon + timedelta(days=1))
    assert len(await plan(database, clock, "programme_ending")) == 2
    sender = sender_for(harness, database, clock)
    await sender.drain_once()
    await plan(database, clock, "programme_ending")
    await sender.drain_once()
    [message] = [m.text for m in harness.tg.chats[MENTOR]]
    assert "с опозданием" in message and "31.05.2027" in message

    # Another end date whose notice day was two and a half days ago: owed, but past the
    # outbox's two-day cutoff, so it expires unsent.
    async with database.transaction() as s:
        await s.execute(update(Programme).values(planned_end_on=END + timedelta(days=30)))
    clock.set(noon + timedelta(days=30 + 2, hours=12))
    rows = await plan(database, clock, "programme_ending")
    assert len(rows) == 4
    await sender.drain_once()
    assert len(harness.tg.chats[MENTOR]) == 1
    async with database.reading() as s:
        states = (await s.scalars(select(OutboxMessage.state).order_by(OutboxMessage.id))).all()
    assert states == ["sent", "sent", "expired", "expired"]
    # And a notice day further back than the planner's lookback is not owed at all.
    async with database.transaction() as s:
        await s.execute(update(Programme).values(planned_end_on=END + timedelta(days=60)))
    clock.set(noon + timedelta(days=60 + 4))
    assert len(await plan(database, clock, "programme_ending")) == 4


async def test_a_mentor_is_nudged_every_21_days_without_a_meeting(database, clock, school):
    import scheduler.reminders_pairs  # noqa: F401

    started = date(2026, 9, 1)
    clock.set(datetime(2026, 9, 21, 9, tzinfo=UTC))
    assert await plan(database, clock, "meeting_nudge") == []
    clock.set(datetime(2026, 9, 22, 9, tzinfo=UTC))
    [first] = await plan(database, clock, "meeting_nudge")
    assert first.person_id == school["mentor"]
    assert first.params["since"] == started.isoformat() and not first.params["had_meeting"]
    # A meeting on 1 October restarts the count: the next nudge is on 22 October.
    async with database.transaction() as s:
        s.add(
            Meeting(
                programme_id=school["pair"],
                logged_by=school["mentor"],
                held_on=date(2026, 10, 1),
                format="in_person",
                duration_minutes=45,
                activity="consultation",
                request_key="k1",
                created_at=clock.now(),
                updated_at=clock.now(),
            )
        )
    clock.set(datetime(2026, 10, 21, 9, tzinfo=UTC))
    assert len(await plan(database, clock, "meeting_nudge")) == 1
    clock.set(datetime(2026, 10, 22, 9, tzinfo=UTC))
    rows = await plan(database, clock, "meeting_nudge")
    assert len(rows) == 2 and rows[1].params["had_meeting"]
    clock.set(datetime(2026, 11, 12, 9, tzinfo=UTC))
    assert len(await plan(database, clock, "meeting_nudge")) == 3


async def test_an_unconfirmed_meeting_reminds_the_mentee_who_answers_from_it(
    harness, database, clock, school
):
    import scheduler.reminders_pairs  # noqa: F401

    logged = clock.now()
    async with database.transaction() as s:
        meeting = Meeting(
            programme_id=school["pair"],
            logged_by=school["mentor"],
            held_on=logged.date(),
            format="online",
            duration_minutes=30,
            activity="consultation",
            request_key="k2",
            created_at=logged,
            updated_at=logged,
        )
        s.add(meeting)
        await s.flush()
        s.add(
            MeetingAttendee(
                meeting_id=meeting.id, person_id=school["mentee"], confirmation="pending"
            )
        )
        meeting_id = meeting.id
    clock.set(logged + timedelta(hours=23))
    assert await plan(database, clock, "meeting_unconfirmed") == []
    clock.set(logged + timedelta(days=1, hours=1))
    [row] = await plan(database, clock, "meeting_unconfirmed")
    assert row.person_id == school["mentee"]

    mentee = harness.client.user(MENTEE, first_name="Анна")
    await sender_for(harness, database, clock).drain_once()
    reminder = mentee.last
    assert "Петров Иван" in reminder.text and "✔ Да, состоялась" in reminder.buttons
    await mentee.click(reminder, text="✔ Да, состоялась")
    async with database.reading() as s:
        attendee = await s.get(MeetingAttendee, (meeting_id, school["mentee"]))
        assert attendee.confirmation == "confirmed"
    clock.set(logged + timedelta(days=2, hours=1))
    assert len(await plan(database, clock, "meeting_unconfirmed")) == 1


async def test_an_unused_invitation_reminds_its_author_after_a_week(database, clock, school):
    import scheduler.reminders_pairs  # noqa: F401

    async with database.transaction() as s:
        await create_invitation(
            s,
            role=Role.mentor,
            organization_id=school["tree"].school_id,
            created_by=school["curator"],
            created_by_telegram_id=CURATOR,
            max_uses=10,
            now=clock.now(),
        )
    clock.set(clock.now() + timedelta(days=6))
    assert await plan(database, clock, "invitation_unused") == []
    clock.set(clock.now() + timedelta(days=1))
    [row] = await plan(database, clock, "invitation_unused")
    assert row.person_id == school["curator"] and row.params["role"] == "mentor"
