"""Changing a meeting log: the mentor edits or deletes their own log for EDIT_DAYS; a change
from a stale screen (an older Meeting.version) is refused; every change joins the audit trail."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from storage.meetings.writing import (
    EDIT_DAYS,
    EDITABLE,
    MeetingError,
    check_values,
    checked_attendees,
    locked_programme,
    record,
)
from storage.models.meetings import Meeting, MeetingAttendee, MeetingChange


async def _own_recent(
    session: AsyncSession, meeting_id: int, by_person_id: int, version: int, now: datetime
) -> Meeting:
    meeting = await session.get(
        Meeting,
        meeting_id,
        with_for_update=session.bind.dialect.name != "sqlite",
        populate_existing=True,
    )
    if meeting is None or meeting.deleted_at is not None:
        raise MeetingError("gone")
    if meeting.logged_by != by_person_id:
        raise MeetingError("not_yours")
    if now - meeting.created_at > timedelta(days=EDIT_DAYS):
        raise MeetingError("expired")
    if meeting.version != version:
        raise MeetingError("stale")
    return meeting


def editable_until(meeting: Meeting) -> datetime:
    return meeting.created_at + timedelta(days=EDIT_DAYS)


async def edit_meeting(
    session: AsyncSession,
    meeting_id: int,
    by_person_id: int,
    version: int,
    values: dict[str, Any],
    today: date,
    now: datetime,
    attendee_ids: list[int] | None = None,
) -> tuple[Meeting, dict[str, list[Any]]]:
    """Apply the changed values and, for a group, who came (None: unchanged); returns the
    meeting and {field: [old, new]} (maybe empty).

    A changed date asks the mentees again: their answers were about the old date. A mentee
    added to who came is asked; one taken off loses their answer with their row."""
    meeting = await _own_recent(session, meeting_id, by_person_id, version, now)
    programme = await locked_programme(session, meeting.programme_id)
    old = record(meeting)
    merged = {**{k: getattr(meeting, k) for k in EDITABLE}, **values}
    await check_values(session, programme, merged, today)
    rows = list(
        (
            await session.scalars(
                select(MeetingAttendee).where(MeetingAttendee.meeting_id == meeting.id)
            )
        ).all()
    )
    before = sorted(a.person_id for a in rows)
    after = (
        sorted(await checked_attendees(session, programme, attendee_ids))
        if attendee_ids is not None
        else before
    )
    for key in EDITABLE:
        setattr(meeting, key, merged[key])
    new = record(meeting)
    changes = {k: [old[k], new[k]] for k in EDITABLE if old[k] != new[k]}
    if after != before:
        changes["attendees"] = [before, after]
    if not changes:
        return meeting, changes
    for attendee in rows:
        if attendee.person_id not in after:
            await session.delete(attendee)
        elif "held_on" in changes:
            attendee.confirmation, attendee.rating, attendee.answered_at = "pending", None, None
    for person_id in sorted(set(after) - set(before)):
        session.add(
            MeetingAttendee(meeting_id=meeting.id, person_id=person_id, confirmation="pending")
        )
    meeting.version += 1
    meeting.updated_at = now
    session.add(
        MeetingChange(
            meeting_id=meeting.id,
            person_id=by_person_id,
            action="edited",
            changes=changes,
            changed_at=now,
        )
    )
    await session.flush()
    return meeting, changes


async def delete_meeting(
    session: AsyncSession, meeting_id: int, by_person_id: int, version: int, now: datetime
) -> Meeting:
    """Kept for the audit trail; every report leaves deleted meetings out."""
    meeting = await _own_recent(session, meeting_id, by_person_id, version, now)
    meeting.deleted_at = now
    meeting.updated_at = now
    meeting.version += 1
    session.add(
        MeetingChange(
            meeting_id=meeting.id,
            person_id=by_person_id,
            action="deleted",
            changes=record(meeting),
            changed_at=now,
        )
    )
    await session.flush()
    return meeting
