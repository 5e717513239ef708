"""Reading the meeting log: history pages, one meeting, confirmation statuses, defaults.

Statuses are derived at read time: an answer still pending CONFIRM_DAYS after the meeting was
logged reads as unconfirmed; nothing needs to run on a timer for that.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import func, or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from storage.meetings.writing import CONFIRM_DAYS
from storage.models.core import Person
from storage.models.meetings import Meeting, MeetingAttendee, MeetingPhoto
from storage.models.programmes import PlanItem, Programme, ProgrammeMember

MIN_RATINGS = 3  # a mean over fewer ratings would give single mentees away


@dataclass(frozen=True)
class AttendeeView:
    person_id: int
    name: str | None
    status: str  # confirmed | disputed | pending | unconfirmed
    rating: int | None


@dataclass(frozen=True)
class MeetingView:
    meeting: Meeting
    programme: Programme
    mentors: list[str | None]
    attendees: list[AttendeeView]
    plan_item: str | None
    photos: int

    @property
    def status(self) -> str:
        return overall_status([a.status for a in self.attendees])

    @property
    def mean_rating(self) -> float | None:
        ratings = [a.rating for a in self.attendees if a.rating is not None]
        return sum(ratings) / len(ratings) if len(ratings) >= MIN_RATINGS else None


def attendee_status(confirmation: str, created_at: datetime, now: datetime) -> str:
    if confirmation == "pending" and now - created_at > timedelta(days=CONFIRM_DAYS):
        return "unconfirmed"
    return confirmation


def overall_status(statuses: list[str]) -> str:
    if "disputed" in statuses:
        return "disputed"
    if statuses and all(s == "confirmed" for s in statuses):
        return "confirmed"
    return "pending" if "pending" in statuses else "unconfirmed"


def _visible(person_id: int, curated_school_ids: set[int]):
    mentored = select(ProgrammeMember.programme_id).where(
        ProgrammeMember.person_id == person_id, ProgrammeMember.role == "mentor"
    )
    attended = select(MeetingAttendee.meeting_id).where(MeetingAttendee.person_id == person_id)
    return or_(
        Meeting.programme_id.in_(mentored),
        Meeting.id.in_(attended),
        Programme.school_id.in_(curated_school_ids or {0}),
    )


async def meeting_page(
    session: AsyncSession,
    person_id: int,
    curated_school_ids: set[int],
    now: datetime,
    *,
    disputed_only: bool = False,
    limit: int = 8,
    offset: int = 0,
) -> tuple[list[MeetingView], int]:
    """The meetings the person may see (as mentor, attendee or curator), newest first."""
    query = (
        select(Meeting.id)
        .join(Programme, Programme.id == Meeting.programme_id)
        .where(Meeting.deleted_at.is_(None), _visible(person_id, curated_school_ids))
    )
    if disputed_only:
        query = query.where(
            Meeting.id.in_(
                select(MeetingAttendee.meeting_id).where(MeetingAttendee.confirmation == "disputed")
            )
        )
    total = await session.scalar(select(func.count()).select_from(query.subquery()))
    ids = (
        await session.scalars(
            query.order_by(Meeting.held_on.desc(), Meeting.id.desc()).limit(limit).offset(offset)
        )
    ).all()
    views = [await meeting_view(session, meeting_id, now) for meeting_id in ids]
    return [v for v in views if v is not None], total or 0


async def may_see(
    session: AsyncSession, meeting_id: int, person_id: int, curated_school_ids: set[int]
) -> bool:
    found = await session.scalar(
        select(Meeting.id)
        .join(Programme, Programme.id == Meeting.programme_id)
        .where(
            Meeting.id == meeting_id,
            Meeting.deleted_at.is_(None),
            _visible(person_id, curated_school_ids),
        )
    )
    return found is not None


async def meeting_view(session: AsyncSession, meeting_id: int, now: datetime) -> MeetingView | None:
    meeting = await session.get(Meeting, meeting_id)
    if meeting is None:
        return None
    programme = await session.get(Programme, meeting.programme_id)
    mentors = await session.scalars(
        select(Person.full_name)
        .join(ProgrammeMember, ProgrammeMember.person_id == Person.id)
        .where(ProgrammeMember.programme_id == programme.id, ProgrammeMember.role == "mentor")
        .order_by(Person.full_name)
    )
    rows = await session.execute(
        select(MeetingAttendee, Person.full_name)
        .join(Person, Person.id == MeetingAttendee.person_id)
        .where(MeetingAttendee.meeting_id == meeting_id)
        .order_by(Person.full_name, Person.id)
    )
    attendees = [
        AttendeeView(
            a.person_id, name, attendee_status(a.confirmation, meeting.created_at, now), a.rating
        )
        for a, name in rows.all()
    ]
    item = await session.get(PlanItem, meeting.plan_item_id) if meeting.plan_item_id else None
    photos = await session.scalar(
        select(func.count()).select_from(MeetingPhoto).where(MeetingPhoto.meeting_id == meeting_id)
    )
    return MeetingView(
        meeting, programme, list(mentors.all()), attendees, item.title if item else None, photos
    )


async def rating_summary(
    session: AsyncSession, person_id: int, curated_school_ids: set[int]
) -> tuple[float | None, int]:
    """The mean usefulness over the meetings the person mentors or curates, and how many
    ratings it rests on; no mean below MIN_RATINGS."""
    mentored = select(ProgrammeMember.programme_id).where(
        ProgrammeMember.person_id == person_id, ProgrammeMember.role == "mentor"
    )
    mean, count = (
        await session.execute(
            select(func.avg(MeetingAttendee.rating), func.count(MeetingAttendee.rating))
            .join(Meeting, Meeting.id == MeetingAttendee.meeting_id)
            .join(Programme, Programme.id == Meeting.programme_id)
            .where(
                Meeting.deleted_at.is_(None),
                or_(
                    Meeting.programme_id.in_(mentored),
                    Programme.school_id.in_(curated_school_ids or {0}),
                ),
            )
        )
    ).one()
    return (float(mean) if count >= MIN_RATINGS else None), count


async def last_defaults(session: AsyncSession, mentor_id: int) -> dict[str, object] | None:
    """Format, duration and activity of the mentor's last log: the common case is a repeat."""
    meeting = await session.scalar(
        select(Meeting)
        .where(Meeting.logged_by == mentor_id, Meeting.deleted_at.is_(None))
        .order_by(Meeting.created_at.desc(), Meeting.id.desc())
        .limit(1)
    )
    if meeting is None:
        return None
    return {
        "format": meeting.format,
        "duration": meeting.duration_minutes,
        "activity": meeting.activity,
    }


async def pending_confirmations(
    session: AsyncSession, now: datetime, days: int = CONFIRM_DAYS
) -> list[tuple[int, int]]:
    """(meeting id, mentee id) of answers still pending `days` after logging: for reminders."""
    rows = await session.execute(
        select(MeetingAttendee.meeting_id, MeetingAttendee.person_id)
        .join(Meeting, Meeting.id == MeetingAttendee.meeting_id)
        .where(
            MeetingAttendee.confirmation == "pending",
            Meeting.deleted_at.is_(None),
            Meeting.created_at < now - timedelta(days=days),
        )
        .order_by(MeetingAttendee.meeting_id, MeetingAttendee.person_id)
    )
    return [tuple(row) for row in rows.all()]
