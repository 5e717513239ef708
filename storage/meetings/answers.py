"""The mentees' side of the meeting log: "did it take place?" and the usefulness rating."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy.ext.asyncio import AsyncSession

from storage.meetings.writing import MeetingError
from storage.models.meetings import Meeting, MeetingAttendee


async def answer(
    session: AsyncSession, meeting_id: int, person_id: int, took_place: bool, now: datetime
) -> MeetingAttendee:
    """The mentee's yes or no; a second answer is refused (the first one stands)."""
    meeting = await session.get(Meeting, meeting_id)
    attendee = await session.get(
        MeetingAttendee,
        (meeting_id, person_id),
        with_for_update=session.bind.dialect.name != "sqlite",
        populate_existing=True,
    )
    if meeting is None or meeting.deleted_at is not None or attendee is None:
        raise MeetingError("gone")
    if attendee.confirmation != "pending":
        raise MeetingError("answered")
    attendee.confirmation = "confirmed" if took_place else "disputed"
    attendee.answered_at = now
    await session.flush()
    return attendee


async def rate(
    session: AsyncSession, meeting_id: int, person_id: int, rating: int
) -> MeetingAttendee:
    """Usefulness 1–5, once, after confirming."""
    attendee = await session.get(
        MeetingAttendee,
        (meeting_id, person_id),
        with_for_update=session.bind.dialect.name != "sqlite",
        populate_existing=True,
    )
    meeting = await session.get(Meeting, meeting_id)
    if attendee is None or meeting is None or meeting.deleted_at is not None:
        raise MeetingError("gone")
    if attendee.confirmation != "confirmed" or attendee.rating is not None:
        raise MeetingError("answered")
    if not 1 <= rating <= 5:
        raise MeetingError("value")
    attendee.rating = rating
    await session.flush()
    return attendee
