"""The meeting log: writing a meeting, the mentees' answers, edits and deletions.

Every write keeps the audit trail (meeting_changes). Handlers validate what people type and
say what is expected; the checks here guard the data against forged or stale input and raise
MeetingError with a code the handlers translate.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from storage.models.meetings import Meeting, MeetingAttendee, MeetingChange, MeetingPhoto
from storage.models.programmes import PlanItem, Programme, ProgrammeMember

FORMATS = ("in_person", "online")
ACTIVITIES = (
    "consultation",
    "lesson_visit",
    "mutual_visits",
    "joint_planning",
    "master_class",
    "project",
    "competition",
    "other",
)
DURATION = (5, 600)  # minutes
TOPIC_LENGTH = 200
NOTES_LENGTH = 2000
MAX_PHOTOS = 5
EDIT_DAYS = 7  # a mentor may change their log this long after logging it
CONFIRM_DAYS = 3  # a mentee's answer still pending after this reads as unconfirmed
EDITABLE = ("held_on", "format", "duration_minutes", "activity", "topic", "notes", "plan_item_id")


class MeetingError(ValueError):
    """A write the rules refuse. `code`: inactive, date, value, attendees, gone, not_yours,
    expired, stale, answered."""

    def __init__(self, code: str) -> None:
        super().__init__(code)
        self.code = code


@dataclass
class Photo:
    file_id: str
    file_unique_id: str
    publish_allowed: bool


@dataclass
class Draft:
    programme_id: int
    held_on: date
    format: str
    duration_minutes: int
    activity: str
    topic: str | None = None
    notes: str | None = None
    plan_item_id: int | None = None
    attendee_ids: list[int] = field(default_factory=list)
    photos: list[Photo] = field(default_factory=list)


def record(meeting: Meeting) -> dict[str, Any]:
    return {
        key: (value.isoformat() if isinstance(value, date) else value)
        for key, value in ((k, getattr(meeting, k)) for k in EDITABLE)
    }


async def check_values(session: AsyncSession, programme: Programme, values: dict, today: date):
    held_on = values["held_on"]
    if not programme.starts_on <= held_on <= today:
        raise MeetingError("date")
    if values["format"] not in FORMATS or values["activity"] not in ACTIVITIES:
        raise MeetingError("value")
    if not DURATION[0] <= values["duration_minutes"] <= DURATION[1]:
        raise MeetingError("value")
    if len(values.get("topic") or "") > TOPIC_LENGTH:
        raise MeetingError("value")
    if len(values.get("notes") or "") > NOTES_LENGTH:
        raise MeetingError("value")
    item_id = values.get("plan_item_id")
    if item_id is not None:
        item = await session.get(PlanItem, item_id)
        if item is None or item.programme_id != programme.id:
            raise MeetingError("value")


async def locked_programme(session: AsyncSession, programme_id: int) -> Programme:
    programme = await session.get(
        Programme,
        programme_id,
        with_for_update=session.bind.dialect.name != "sqlite",
        populate_existing=True,
    )
    if programme is None or programme.status != "active":
        raise MeetingError("inactive")
    return programme


async def checked_attendees(
    session: AsyncSession, programme: Programme, attendee_ids: list[int]
) -> set[int]:
    """Who came: at least one, and only mentees of the programme."""
    mentees = set(
        (
            await session.scalars(
                select(ProgrammeMember.person_id).where(
                    ProgrammeMember.programme_id == programme.id, ProgrammeMember.role == "mentee"
                )
            )
        ).all()
    )
    attendees = set(attendee_ids)
    if not attendees or not attendees <= mentees:
        raise MeetingError("attendees")
    return attendees


async def by_request_key(session: AsyncSession, request_key: str) -> Meeting | None:
    return await session.scalar(select(Meeting).where(Meeting.request_key == request_key))


async def log_meeting(
    session: AsyncSession,
    draft: Draft,
    by_person_id: int,
    request_key: str,
    today: date,
    now: datetime,
) -> tuple[Meeting, bool]:
    """The saved meeting and True; or the meeting saved earlier with this key and False."""
    existing = await by_request_key(session, request_key)
    if existing is not None:
        return existing, False
    programme = await locked_programme(session, draft.programme_id)
    values = {k: getattr(draft, k) for k in EDITABLE}
    await check_values(session, programme, values, today)
    attendees = await checked_attendees(session, programme, draft.attendee_ids)
    if len(draft.photos) > MAX_PHOTOS:
        raise MeetingError("value")
    meeting = Meeting(
        **values,
        programme_id=programme.id,
        logged_by=by_person_id,
        request_key=request_key,
        created_at=now,
        updated_at=now,
        version=1,
    )
    try:
        # A concurrent save with the same key (PostgreSQL) loses here and returns the winner.
        async with session.begin_nested():
            session.add(meeting)
            await session.flush()
    except IntegrityError:
        existing = await by_request_key(session, request_key)
        if existing is None:
            raise
        return existing, False
    for person_id in sorted(attendees):
        session.add(
            MeetingAttendee(meeting_id=meeting.id, person_id=person_id, confirmation="pending")
        )
    for photo in draft.photos:
        session.add(
            MeetingPhoto(
                meeting_id=meeting.id,
                file_id=photo.file_id,
                file_unique_id=photo.file_unique_id,
                publish_allowed=photo.publish_allowed,
                added_by=by_person_id,
                added_at=now,
            )
        )
    full = {**record(meeting), "attendees": sorted(attendees), "photos": len(draft.photos)}
    session.add(
        MeetingChange(
            meeting_id=meeting.id,
            person_id=by_person_id,
            action="created",
            changes=full,
            changed_at=now,
        )
    )
    await session.flush()
    return meeting, True
