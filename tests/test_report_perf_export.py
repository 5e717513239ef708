"""«Встречи» of /export aggregated in SQL: a municipality or region gets one row per pair or
group (meetings, hours, first and last date, confirmed / disputed / unconfirmed, formats),
a school keeps one row per meeting; deleted logs are left out of both."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from decimal import Decimal

from storage.demo import _insert, add_pairs, add_people, national_form
from storage.models.meetings import Meeting, MeetingAttendee
from storage.reports.registers import meeting_rows, meeting_summary_rows, programmes
from tests.test_indicators import municipality

NOW = datetime(2026, 3, 1, 9, tzinfo=UTC)
STARTS = date(2025, 9, 15)


async def _world(database) -> tuple[list[int], list[int], list[int]]:
    """Two schools: a group of two mentees with five meetings (one deleted), a pair with one
    meeting in the other school, and a pair without meetings."""
    _salsk, schools = await municipality(database, 2)
    async with database.transaction() as s:
        form = await national_form(s, "teacher_teacher")
        mentor = await add_people(s, schools[0], "mentor", "teacher", 2, NOW, telegram_from=1000)
        mentees = await add_people(
            s, schools[0], "mentee", "young_teacher", 3, NOW, telegram_from=1500
        )
        group, idle = await add_pairs(
            s,
            schools[0],
            form,
            [([mentor[0]], mentees[:2]), ([mentor[1]], mentees[2:])],
            STARTS,
            NOW,
        )
        other_mentor = await add_people(
            s, schools[1], "mentor", "teacher", 1, NOW, telegram_from=2000
        )
        other_mentee = await add_people(
            s, schools[1], "mentee", "young_teacher", 1, NOW, telegram_from=3000
        )
        (pair,) = await add_pairs(s, schools[1], form, [(other_mentor, other_mentee)], STARTS, NOW)

        def meeting(programme: int, n: int, fmt: str, minutes: int, deleted: bool = False) -> dict:
            return {
                "programme_id": programme,
                "held_on": date(2025, 10, 1) + timedelta(days=7 * n),
                "format": fmt,
                "duration_minutes": minutes,
                "activity": "consultation",
                "request_key": f"m-{programme}-{n}",
                "created_at": NOW,
                "updated_at": NOW,
                "deleted_at": NOW if deleted else None,
                "version": 1,
            }

        ids = await _insert(
            s,
            Meeting,
            [
                meeting(group, 0, "in_person", 45),
                meeting(group, 1, "online", 30),
                meeting(group, 2, "in_person", 60),
                meeting(group, 3, "online", 45),
                meeting(group, 4, "in_person", 90, deleted=True),
                meeting(pair, 5, "in_person", 40),
            ],
            ids=True,
        )
        # Meeting 0: both confirmed; 1: one confirmed, one disputed; 2: one confirmed, one
        # pending; 3: no attendee; 4 (deleted): both confirmed; the pair's: disputed.
        answers = [
            (ids[0], mentees[0], "confirmed"),
            (ids[0], mentees[1], "confirmed"),
            (ids[1], mentees[0], "confirmed"),
            (ids[1], mentees[1], "disputed"),
            (ids[2], mentees[0], "confirmed"),
            (ids[2], mentees[1], "pending"),
            (ids[4], mentees[0], "confirmed"),
            (ids[4], mentees[1], "confirmed"),
            (ids[5], other_mentee[0], "disputed"),
        ]
        await _insert(
            s,
            MeetingAttendee,
            [{"meeting_id": m, "person_id": p, "confirmation": c} for m, p, c in answers],
        )
    return schools, [group, idle, pair], ids


async def test_municipal_meetings_sheet_has_one_row_per_programme(database) -> None:
    schools, (group, _idle, pair), _ids = await _world(database)
    async with database.reading() as s:
        found = await programmes(s, frozenset(schools))
        rows = await meeting_summary_rows(s, frozenset(schools), {p.id: p for p in found})
    by_programme = {row[2]: row for row in rows}
    assert set(by_programme) == {group, pair}  # a programme without meetings has no row
    assert [row[0] for row in rows] == [1, 2]
    grouped = by_programme[group]
    assert grouped[3] == "группа" and grouped[5].count(",") == 1  # two mentees listed
    # 4 meetings (the deleted one left out), 180 minutes = 3.0 hours, 1 Oct to 22 Oct;
    # confirmed 1, disputed 1, unconfirmed 2 (one pending, one without attendees);
    # in person 2, online 2.
    assert grouped[6:] == (
        4,
        Decimal("3.0"),
        date(2025, 10, 1),
        date(2025, 10, 22),
        1,
        1,
        2,
        2,
        2,
    )
    assert by_programme[pair][3] == "пара"
    assert by_programme[pair][6:] == (
        1,
        Decimal("0.7"),
        date(2025, 11, 5),
        date(2025, 11, 5),
        0,
        1,
        0,
        1,
        0,
    )


async def test_school_meetings_sheet_keeps_one_row_per_meeting(database) -> None:
    schools, (group, _idle, _pair), _ids = await _world(database)
    school = frozenset(schools[:1])
    async with database.reading() as s:
        found = await programmes(s, school)
        rows = [row async for row in meeting_rows(s, school, {p.id: p for p in found})]
    assert [row[2] for row in rows] == [
        date(2025, 10, 1) + timedelta(days=7 * n) for n in (3, 2, 1, 0)
    ]
    assert {row[3] for row in rows} == {group}
    assert [row[9] for row in rows] == ["0 из 0", "1 из 2", "1 из 2", "2 из 2"]
