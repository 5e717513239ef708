"""The meeting log's storage: the request key, the guards, derived statuses, the reminders'
query and the rating threshold, on both backends."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from sqlalchemy import func, select

from storage.meetings.answers import answer, rate
from storage.meetings.edit import delete_meeting, edit_meeting
from storage.meetings.read import meeting_view, pending_confirmations, rating_summary
from storage.meetings.writing import Draft, MeetingError, log_meeting
from storage.models.enums import Role
from storage.models.meetings import Meeting, MeetingChange
from storage.programmes.content import close_programme
from tests.support.seed import add_person, make_programme

TODAY = date(2026, 11, 23)


@pytest.fixture
async def group(database, clock):
    from tests.support.seed import build_tree

    now = clock.now()
    tree = await build_tree(database, now)
    curator = await add_person(database, 41, "Куратор", Role.curator, tree.school_id, now)
    mentor = await add_person(database, 42, "Наставник", Role.mentor, tree.school_id, now)
    mentees = [
        await add_person(database, 43 + i, f"Ученик {name}", Role.mentee, tree.school_id, now)
        for i, name in enumerate(("Один", "Два", "Три"))
    ]
    programme = await make_programme(database, tree, now, curator, mentor, mentees)
    return programme, mentor, mentees, curator


def draft(programme: int, mentees: list[int], **changes) -> Draft:
    values = {
        "programme_id": programme,
        "held_on": TODAY,
        "format": "in_person",
        "duration_minutes": 45,
        "activity": "consultation",
        "attendee_ids": mentees,
    }
    return Draft(**{**values, **changes})


async def test_one_key_makes_one_meeting(database, clock, group):
    programme, mentor, mentees, _curator = group
    async with database.transaction() as s:
        first, created = await log_meeting(
            s, draft(programme, mentees), mentor, "k1", TODAY, clock.now()
        )
        again, created_again = await log_meeting(
            s, draft(programme, mentees[:1]), mentor, "k1", TODAY, clock.now()
        )
    assert created and not created_again and again.id == first.id
    async with database.reading() as s:
        assert await s.scalar(select(func.count()).select_from(Meeting)) == 1


@pytest.mark.parametrize(
    ("changes", "code"),
    [
        ({"held_on": TODAY + timedelta(days=1)}, "date"),
        ({"held_on": date(2026, 8, 31)}, "date"),
        ({"duration_minutes": 4}, "value"),
        ({"duration_minutes": 601}, "value"),
        ({"notes": "x" * 2001}, "value"),
        ({"format": "by_pigeon"}, "value"),
        ({"attendee_ids": []}, "attendees"),
        ({"attendee_ids": [1]}, "attendees"),
    ],
)
async def test_bad_values_are_refused(database, clock, group, changes, code):
    programme, mentor, mentees, _curator = group
    with pytest.raises(MeetingError) as refused:
        async with database.transaction() as s:
            await log_meeting(
                s, draft(programme, mentees, **changes), mentor, "k", TODAY, clock.now()
            )
    assert refused.value.code == code


async def test_statuses_reminders_and_the_rating_threshold(database, clock, group):
    programme, mentor, mentees, curator = group
    now = clock.now()
    async with database.transaction() as s:
        meeting, _ = await log_meeting(s, draft(programme, mentees), mentor, "k", TODAY, now)
        await answer(s, meeting.id, mentees[0], True, now)
        await rate(s, meeting.id, mentees[0], 5)
        await answer(s, meeting.id, mentees[1], True, now)
        await rate(s, meeting.id, mentees[1], 4)
        with pytest.raises(MeetingError):
            await rate(s, meeting.id, mentees[1], 1)
    async with database.reading() as s:
        view = await meeting_view(s, meeting.id, now)
        assert view.status == "pending" and view.mean_rating is None
        assert await rating_summary(s, mentor, set()) == (None, 2)
        assert await pending_confirmations(s, now) == []
        later = now + timedelta(days=3, minutes=1)
        assert await pending_confirmations(s, later) == [(meeting.id, mentees[2])]
        assert (await meeting_view(s, meeting.id, later)).status == "unconfirmed"
    async with database.transaction() as s:
        await answer(s, meeting.id, mentees[2], True, later)
        await rate(s, meeting.id, mentees[2], 3)
    async with database.reading() as s:
        view = await meeting_view(s, meeting.id, later)
        assert view.status == "confirmed" and view.mean_rating == 4.0
        assert await rating_summary(s, mentor, set()) == (4.0, 3)
        assert await rating_summary(s, curator, set()) == (None, 0), "not the curator's school"


async def test_edits_are_the_mentors_for_seven_days_and_never_stale(database, clock, group):
    programme, mentor, mentees, curator = group
    now = clock.now()
    async with database.transaction() as s:
        meeting, _ = await log_meeting(s, draft(programme, mentees), mentor, "k", TODAY, now)
    for by, version, at, code in (
        (curator, 1, now, "not_yours"),
        (mentor, 0, now, "stale"),
        (mentor, 1, now + timedelta(days=7, seconds=1), "expired"),
    ):
        with pytest.raises(MeetingError) as refused:
            async with database.transaction() as s:
                await edit_meeting(s, meeting.id, by, version, {"duration_minutes": 60}, TODAY, at)
        assert refused.value.code == code
    async with database.transaction() as s:
        _m, changes = await edit_meeting(
            s, meeting.id, mentor, 1, {"duration_minutes": 60, "topic": "План"}, TODAY, now
        )
        assert changes == {"duration_minutes": [45, 60], "topic": [None, "План"]}
        await delete_meeting(s, meeting.id, mentor, 2, now)
        with pytest.raises(MeetingError):
            await answer(s, meeting.id, mentees[0], True, now)
    async with database.reading() as s:
        actions = (await s.scalars(select(MeetingChange.action).order_by(MeetingChange.id))).all()
        assert actions == ["created", "edited", "deleted"]


async def test_a_closed_programme_takes_no_meetings(database, clock, group):
    programme, mentor, mentees, _curator = group
    async with database.transaction() as s:
        await close_programme(s, programme, mentor, TODAY, "Итоги работы", None, True, clock.now())
    with pytest.raises(MeetingError) as refused:
        async with database.transaction() as s:
            await log_meeting(s, draft(programme, mentees), mentor, "k", TODAY, clock.now())
    assert refused.value.code == "inactive"


async def test_export_and_erasure_of_meeting_data(database, clock, group):
    from storage.meetings.privacy import erase_meeting_data, meetings_for_export
    from storage.meetings.writing import Photo
    from storage.models.meetings import MeetingPhoto

    programme, mentor, mentees, _curator = group
    now = clock.now()
    written = draft(
        programme,
        mentees,
        topic="Дисциплина",
        notes="Ученик Один стесняется",
        photos=[Photo("file-1", "u1", True), Photo("file-2", "u2", True)],
    )
    async with database.transaction() as s:
        meeting, _ = await log_meeting(s, written, mentor, "k", TODAY, now)
        await answer(s, meeting.id, mentees[0], True, now)
    async with database.reading() as s:
        mine = await meetings_for_export(s, mentor)
        theirs = await meetings_for_export(s, mentees[0])
    assert mine["meetings_logged"][0]["notes"] == "Ученик Один стесняется"
    assert len(mine["meeting_photos_added"]) == 2
    assert theirs["meetings_attended"] == [
        {
            "held_on": "2026-11-23",
            "activity": "consultation",
            "answer": "confirmed",
            "rating": None,
            "answered_at": now.isoformat(),
        }
    ]
    async with database.transaction() as s:
        await erase_meeting_data(s, mentees[1])
    async with database.reading() as s:
        photos = (await s.scalars(select(MeetingPhoto))).all()
        assert [p.publish_allowed for p in photos] == [False, False], "a mentee left the photos"
    async with database.transaction() as s:
        await erase_meeting_data(s, mentor)
    async with database.reading() as s:
        kept = await s.get(Meeting, meeting.id)
        assert (kept.topic, kept.notes, kept.duration_minutes) == (None, None, 45)
        [created] = (await s.scalars(select(MeetingChange))).all()
        assert "notes" not in created.changes and created.changes["duration_minutes"] == 45
        assert (await s.scalars(select(MeetingPhoto))).all() == []
