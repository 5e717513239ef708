"""/meeting and the mentees' confirmations, in process: the log, validation, idempotence,
groups, disputes, edits and deletions with the audit trail, forged buttons."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from sqlalchemy import select

from handlers.meetings.common import MeetingAct, MeetingAnswer, MeetingPick, MeetingStep
from storage.models.enums import Role
from storage.models.meetings import Meeting, MeetingAttendee, MeetingChange, MeetingPhoto
from tests.support.seed import add_person, build_tree, make_programme

MENTOR, MENTEE, CURATOR, OTHER_MENTOR = 21, 22, 23, 24
GROUP_MENTOR, PUPILS = 25, (26, 27, 28)
PUPIL_NAMES = ("Белова Дарья", "Смирнов Артём", "Ахмедов Тимур")


@pytest.fixture
async def school(database, clock):
    now = clock.now()
    tree = await build_tree(database, now)
    add = add_person
    ids = {
        "mentor": await add(database, MENTOR, "Петров Иван", Role.mentor, tree.school_id, now),
        "mentee": await add(database, MENTEE, "Иванова Анна", Role.mentee, tree.school_id, now),
        "curator": await add(database, CURATOR, "Куратор Ольга", Role.curator, tree.school_id, now),
        "other": await add(
            database, OTHER_MENTOR, "Чужой Наставник", Role.mentor, tree.other_school_id, now
        ),
    }
    ids["pair"] = await make_programme(
        database, tree, now, ids["curator"], ids["mentor"], [ids["mentee"]]
    )
    ids["tree"] = tree
    return ids


async def english(harness, telegram_id):
    user = harness.client.user(telegram_id)
    await user.send("/language")
    await user.click(user.last, text="English")
    return user


def alert(harness) -> str:
    return harness.tg.requests_for("answerCallbackQuery")[-1][1]["text"]


async def meetings(harness) -> list[Meeting]:
    async with harness.app.database.reading() as s:
        return list((await s.scalars(select(Meeting).order_by(Meeting.id))).all())


async def attendees(harness, meeting_id) -> list[MeetingAttendee]:
    async with harness.app.database.reading() as s:
        rows = await s.scalars(
            select(MeetingAttendee).where(MeetingAttendee.meeting_id == meeting_id)
        )
        return list(rows.all())


async def log_first(mentor) -> None:
    await mentor.send("/meeting")
    assert mentor.last.text.startswith("When was the meeting?")
    await mentor.click(mentor.last, text="Today, 23.11.2026")
    await mentor.click(mentor.last, text="In person")
    await mentor.click(mentor.last, text="45 min")
    await mentor.click(mentor.last, text="Consultation")


async def test_a_meeting_is_logged_confirmed_and_rated(harness, school):
    mentor = await english(harness, MENTOR)
    mentee = await english(harness, MENTEE)
    await log_first(mentor)
    summary = mentor.last
    for line in ("Date: 23.11.2026", "Format: in person", "Duration: 45 min", "consultation"):
        assert line in summary.text
    assert await meetings(harness) == [], "nothing is saved before the summary is confirmed"
    await mentor.click(summary, text="✔ Save")
    assert mentor.last.text.startswith("Saved: the meeting on 23.11.2026.")
    [meeting] = await meetings(harness)
    assert (meeting.format, meeting.duration_minutes, meeting.activity) == (
        "in_person",
        45,
        "consultation",
    )

    asked = mentee.last
    assert "Did the meeting on 23.11.2026 take place?" in asked.text
    await mentee.click(asked, text="✔ Yes, it did")
    assert "at least three ratings" in mentee.last.text
    await mentee.click(mentee.last, text="4")
    assert mentee.last.text == "Thank you! Your rating: 4 of 5."
    [attendee] = await attendees(harness, meeting.id)
    assert (attendee.confirmation, attendee.rating) == ("confirmed", 4)
    await mentee.press(asked, text="✖ No, it did not")
    assert alert(harness) == "You have already answered about this meeting."

    # The second log starts from the first one's values: «Today», then «Save».
    await mentor.send("/meeting")
    await mentor.click(mentor.last, text="Today, 23.11.2026")
    assert "Duration: 45 min" in mentor.last.text
    await mentor.click(mentor.last, text="✔ Save")
    assert len(await meetings(harness)) == 2

    await mentor.send("/meetings")
    assert "Meetings: 2" in mentor.last.text
    assert "shown once there are at least 3 ratings" in mentor.last.text
    assert mentor.last.buttons[1] == "✅ 23.11.2026 · Иванова Анна"


async def test_bad_values_are_refused_with_what_is_expected(harness, school):
    mentor = await english(harness, MENTOR)
    await mentor.send("/meeting")
    await mentor.send("24.11.2026")
    assert mentor.replies[-2].text == (
        "A meeting is logged once it has taken place: the date cannot be later than today, "
        "23.11.2026.\nPlease try again."
    )
    assert mentor.last.text.startswith("When was the meeting?"), "the question again"
    await mentor.send("31.08.2026")
    assert mentor.replies[-2].text.startswith("The pair started on 01.09.2026")
    await mentor.send("31.02.2026")
    assert mentor.replies[-2].text.startswith("Expected a date as DD.MM.YYYY")
    await mentor.send("01.09.2026")
    await mentor.click(mentor.last, text="Online")
    await mentor.send("3")
    assert mentor.replies[-2].text.startswith("Expected a whole number from 5 to 600.")
    await mentor.send("601")
    assert mentor.replies[-2].text.startswith("Expected a whole number from 5 to 600.")
    await mentor.send("75")
    await mentor.click(mentor.last, text="Master class")
    await mentor.click(mentor.last, text="Notes")
    await mentor.send("x" * 2001)
    assert mentor.replies[-2].text.startswith("Expected 1 to 2000 characters; this has 2001.")
    await mentor.send("Разобрали план урока")
    summary = mentor.last
    assert "Notes: Разобрали план урока" in summary.text
    assert "Duration: 75 min" in summary.text and "Date: 01.09.2026" in summary.text
    assert await meetings(harness) == []
    await mentor.click(summary, text="✔ Save")
    [meeting] = await meetings(harness)
    assert meeting.held_on == date(2026, 9, 1) and meeting.notes == "Разобрали план урока"

    # A forged calendar day in the future is refused as well.
    await mentor.send("/meeting")
    forged = MeetingStep(action="date", value="2026-12-01").pack()
    await mentor.press(mentor.last, data=forged)
    assert mentor.replies[-2].text.startswith("A meeting is logged once it has taken place")


async def test_a_double_tap_saves_one_meeting(harness, school):
    mentor = await english(harness, MENTOR)
    await log_first(mentor)
    summary = mentor.last
    await mentor.click(summary, text="✔ Save")
    await mentor.press(summary, text="✔ Save")
    assert alert(harness) == "This meeting is already saved."
    assert len(await meetings(harness)) == 1


async def test_a_group_meeting_covers_those_present(harness, school, database, clock):
    now = clock.now()
    tree = school["tree"]
    mentor_id = await add_person(
        database, GROUP_MENTOR, "Орлов Глеб", Role.mentor, tree.school_id, now
    )
    pupils = [
        await add_person(database, tid, name, Role.mentee, tree.school_id, now)
        for tid, name in zip(
            PUPILS, ("Белова Дарья", "Смирнов Артём", "Ахмедов Тимур"), strict=True
        )
    ]
    await make_programme(database, tree, now, school["curator"], mentor_id, pupils)
    mentor = await english(harness, GROUP_MENTOR)
    for tid in PUPILS:
        await english(harness, tid)
    await log_first(mentor)
    assert "Present: Ахмедов Тимур, Белова Дарья, Смирнов Артём" in mentor.last.text
    await mentor.click(mentor.last, text="👥 Who came")
    await mentor.click(mentor.last, text="✅ Смирнов Артём")
    for name in ("Ахмедов Тимур", "Белова Дарья"):
        await mentor.click(mentor.last, text="✅ " + name)
    await mentor.click(mentor.last, text="Done ✔")
    assert alert(harness) == "Tick at least one mentee who came."
    for name in ("Ахмедов Тимур", "Белова Дарья"):
        await mentor.click(mentor.last, text="▫️ " + name)
    await mentor.click(mentor.last, text="Done ✔")
    assert "Present: Ахмедов Тимур, Белова Дарья" in mentor.last.text
    await mentor.click(mentor.last, text="✔ Save")
    [meeting] = await meetings(harness)
    assert sorted(a.person_id for a in await attendees(harness, meeting.id)) == sorted(
        [pupils[0], pupils[2]]
    )
    absent = harness.client.user(PUPILS[1])
    assert not any("take place" in m.text for m in absent.replies)
    present = harness.client.user(PUPILS[0])
    assert "Did the meeting on 23.11.2026 take place?" in present.last.text

    # Who came, corrected: Смирнов Артём was there after all, Белова Дарья was not.
    await mentor.send("/meetings")
    await mentor.click(mentor.last, text=next(b for b in mentor.last.buttons if "23.11.2026" in b))
    await mentor.click(mentor.last, text="✎ Change")
    await mentor.click(mentor.last, text="👥 Who came")
    await mentor.click(mentor.last, text="▫️ Смирнов Артём")
    await mentor.click(mentor.last, text="✅ Белова Дарья")
    await mentor.click(mentor.last, text="Done ✔")
    assert "Present: Ахмедов Тимур, Смирнов Артём" in mentor.last.text
    await mentor.click(mentor.last, text="✔ Save changes")
    assert mentor.last.text.startswith("The changes are saved")
    assert sorted(a.person_id for a in await attendees(harness, meeting.id)) == sorted(
        [pupils[1], pupils[2]]
    )
    assert "Did the meeting on 23.11.2026 take place?" in absent.last.text, "the one added"
    asked = [m for m in present.replies if "take place" in m.text]
    assert len(asked) == 1, "the date did not change: nobody else is asked again"
    async with harness.app.database.reading() as s:
        edited = await s.scalar(select(MeetingChange).where(MeetingChange.action == "edited"))
    assert edited.changes == {
        "attendees": [sorted([pupils[0], pupils[2]]), sorted([pupils[1], pupils[2]])]
    }


async def test_a_disputed_meeting_is_flagged_to_the_curator(harness, school):
    mentor = await english(harness, MENTOR)
    mentee = await english(harness, MENTEE)
    curator = await english(harness, CURATOR)
    await log_first(mentor)
    await mentor.click(mentor.last, text="✔ Save")
    await mentee.click(mentee.last, text="✖ No, it did not")
    assert mentee.last.text.startswith("Thank you. The curator is told")
    assert curator.last.text.startswith(
        "⚠️ Иванова Анна says the meeting on 23.11.2026 logged by the mentor Петров Иван"
    )
    await curator.send("/meetings")
    assert curator.last.buttons[0] == "⚠️ 23.11.2026 · Иванова Анна"
    await curator.click(curator.last, text="⚠️ Disputed")
    assert "Disputed meetings: 1" in curator.last.text
    await curator.click(curator.last, text="⚠️ 23.11.2026 · Иванова Анна")
    assert "Confirmation: ⚠️ disputed" in curator.last.text
    assert "✎ Change" not in curator.last.buttons


async def test_edit_delete_and_the_audit_trail(harness, school, clock):
    mentor = await english(harness, MENTOR)
    mentee = await english(harness, MENTEE)
    await log_first(mentor)
    await mentor.click(mentor.last, text="✔ Save")
    await mentee.click(mentee.last, text="✔ Yes, it did")
    await mentor.send("/meetings")
    await mentor.click(mentor.last, text="✅ 23.11.2026 · Иванова Анна")
    card = mentor.last
    assert "You can change or delete this log until 30.11.2026." in card.text
    await mentor.click(card, text="✎ Change")
    assert mentor.last.text.startswith("Changes to the meeting")
    await mentor.click(mentor.last, text="Date")
    await mentor.click(mentor.last, text="Yesterday")
    await mentor.click(mentor.last, text="✔ Save changes")
    assert mentor.last.text.startswith("The changes are saved")
    [meeting] = await meetings(harness)
    assert meeting.held_on == date(2026, 11, 22) and meeting.version == 2
    [attendee] = await attendees(harness, meeting.id)
    assert attendee.confirmation == "pending", "a new date is asked again"
    assert "Did the meeting on 22.11.2026 take place?" in mentee.last.text

    # The old card's button carries version 1: refused.
    await mentor.press(card, text="🗑 Delete")
    assert alert(harness).startswith("This meeting was changed meanwhile")
    await mentor.send("/meetings")
    await mentor.click(mentor.last, text="⏳ 22.11.2026 · Иванова Анна")
    await mentor.click(mentor.last, text="🗑 Delete")
    await mentor.click(mentor.last, text="🗑 Yes, delete")
    assert mentor.last.text == "The meeting on 22.11.2026 is deleted."
    async with harness.app.database.reading() as s:
        trail = (await s.scalars(select(MeetingChange).order_by(MeetingChange.id))).all()
    assert [c.action for c in trail] == ["created", "edited", "deleted"]
    assert trail[1].changes == {"held_on": ["2026-11-23", "2026-11-22"]}
    await mentor.send("/meetings")
    assert "Meetings: 0" in mentor.last.text


async def test_a_log_older_than_seven_days_stays(harness, school, clock):
    mentor = await english(harness, MENTOR)
    await log_first(mentor)
    await mentor.click(mentor.last, text="✔ Save")
    [meeting] = await meetings(harness)
    clock.advance(timedelta(days=8))
    await mentor.send("/meetings")
    assert mentor.last.buttons[0] == "❔ 23.11.2026 · Иванова Анна", "unconfirmed after 3 days"
    await mentor.click(mentor.last, text="❔ 23.11.2026 · Иванова Анна")
    assert mentor.last.buttons == ["◀ All meetings"]
    forged = MeetingAct(meeting_id=meeting.id, action="edit", version=1).pack()
    await mentor.press(mentor.last, data=forged)
    assert alert(harness) == "A meeting can be changed for 7 days after it was logged."


async def test_forged_buttons_are_refused(harness, school):
    other = await english(harness, OTHER_MENTOR)
    mentor = await english(harness, MENTOR)
    await other.send("/meeting")
    assert other.last.text.startswith("You have no active pair or group")
    await other.press(other.last, data=MeetingPick(programme_id=school["pair"]).pack())
    assert alert(harness) == "This pair or group is not available to you."
    await log_first(mentor)
    await mentor.click(mentor.last, text="✔ Save")
    [meeting] = await meetings(harness)
    await other.press(
        other.last, data=MeetingAnswer(meeting_id=meeting.id, took_place=False).pack()
    )
    assert [a.confirmation for a in await attendees(harness, meeting.id)] == ["pending"]
    await other.press(other.last, data=MeetingAct(meeting_id=meeting.id, action="delete").pack())
    assert alert(harness) == "This meeting is not available to you."


async def test_a_photo_with_consent_reaches_the_curator(harness, school):
    mentor = await english(harness, MENTOR)
    curator = await english(harness, CURATOR)
    await log_first(mentor)
    await mentor.click(mentor.last, text="📷 Photo")
    await mentor.send("not a photo")
    assert mentor.last.text.startswith("Please send a photo")
    await mentor.send_photo()
    await mentor.click(mentor.last, text="✔ Yes, it may be published")
    assert "Photos: 1 (may be published: 1)" in mentor.last.text
    await mentor.click(mentor.last, text="✔ Save")
    async with harness.app.database.reading() as s:
        [photo] = (await s.scalars(select(MeetingPhoto))).all()
    assert photo.publish_allowed
    await curator.send("/meetings")
    await curator.click(curator.last, text="📷 Photos")
    assert "Photos of meetings: 1" in curator.last.text
    await curator.click(curator.last, text="📷 Meeting on 23.11.2026 · ✅ may be published")
    sent = harness.tg.requests_for("sendPhoto")[-1][1]
    assert sent["photo"] == photo.file_id and sent["chat_id"] == CURATOR
