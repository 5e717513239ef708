"""The meeting log under 152-FZ: what /mydata lists and what /forget erases.

Meetings stay as anonymous facts (the school's reports count them); what a person wrote or
is seen in goes: a mentor's topics and notes (in the audit trail too) and the photos they
added; a mentee's photos are no longer publishable.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import delete, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from storage.models.meetings import Meeting, MeetingAttendee, MeetingChange, MeetingPhoto

WRITTEN = ("topic", "notes")


def _plain(value: Any) -> Any:
    return value.isoformat() if isinstance(value, date | datetime) else value


async def meetings_for_export(session: AsyncSession, person_id: int) -> dict[str, Any]:
    logged = await session.scalars(
        select(Meeting).where(Meeting.logged_by == person_id).order_by(Meeting.id)
    )
    attended = await session.execute(
        select(Meeting, MeetingAttendee)
        .join(MeetingAttendee, MeetingAttendee.meeting_id == Meeting.id)
        .where(MeetingAttendee.person_id == person_id)
        .order_by(Meeting.id)
    )
    photos = await session.scalars(
        select(MeetingPhoto).where(MeetingPhoto.added_by == person_id).order_by(MeetingPhoto.id)
    )
    fields = ("held_on", "format", "duration_minutes", "activity", "topic", "notes")
    return {
        "meetings_logged": [
            {
                **{key: _plain(getattr(m, key)) for key in fields},
                "logged_at": _plain(m.created_at),
                "deleted_at": _plain(m.deleted_at),
            }
            for m in logged.all()
        ],
        "meetings_attended": [
            {
                "held_on": _plain(m.held_on),
                "activity": m.activity,
                "answer": a.confirmation,
                "rating": a.rating,
                "answered_at": _plain(a.answered_at),
            }
            for m, a in attended.all()
            if m.deleted_at is None
        ],
        "meeting_photos_added": [
            {"added_at": _plain(p.added_at), "publish_allowed": p.publish_allowed}
            for p in photos.all()
        ],
    }


async def erase_meeting_data(session: AsyncSession, person_id: int) -> None:
    logged = select(Meeting.id).where(Meeting.logged_by == person_id)
    await session.execute(
        update(Meeting).where(Meeting.logged_by == person_id).values(topic=None, notes=None)
    )
    changes = await session.scalars(
        select(MeetingChange).where(MeetingChange.meeting_id.in_(logged))
    )
    for change in changes.all():
        if any(key in change.changes for key in WRITTEN):
            change.changes = {k: v for k, v in change.changes.items() if k not in WRITTEN}
    await session.execute(delete(MeetingPhoto).where(MeetingPhoto.added_by == person_id))
    attended = select(MeetingAttendee.meeting_id).where(MeetingAttendee.person_id == person_id)
    await session.execute(
        update(MeetingPhoto)
        .where(MeetingPhoto.meeting_id.in_(attended))
        .values(publish_allowed=False)
    )
    await session.flush()
