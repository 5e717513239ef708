"""Reminders about pairs and their meetings: a programme ending soon, no meeting for a while,
a meeting the mentee has not confirmed, an invitation nobody used."""

from __future__ import annotations

from collections import defaultdict
from datetime import timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from scheduler.reminders import LOOKBACK, Owed, Zones, plans
from storage.meetings.people import active_members, school_curators
from storage.models.core import Person
from storage.models.enums import Role
from storage.models.meetings import Meeting, MeetingAttendee
from storage.models.orgs import Invitation, Organization
from storage.models.programmes import Programme, ProgrammeMember

ENDING_NOTICE = timedelta(days=14)
NUDGE_AFTER = timedelta(days=21)  # no meeting logged for this long, and again after as long
CONFIRM_REMINDER_AFTER = timedelta(days=1)  # unconfirmed counts from 3 days; remind on day 1
INVITATION_UNUSED_AFTER = timedelta(days=7)
SLACK = timedelta(days=1)  # UTC dates against local ones


async def pair_names(session: AsyncSession, programme_ids: list[int]) -> dict[int, str]:
    """ "Mentor → mentees" by programme, for the text."""
    rows = await session.execute(
        select(ProgrammeMember.programme_id, ProgrammeMember.role, Person.full_name)
        .join(Person, Person.id == ProgrammeMember.person_id)
        .where(ProgrammeMember.programme_id.in_(programme_ids))
        .order_by(Person.full_name)
    )
    names: dict[int, dict[str, list[str]]] = defaultdict(lambda: defaultdict(list))
    for programme_id, role, name in rows.all():
        names[programme_id][role].append(name or "—")
    return {pid: f"{', '.join(n['mentor'])} → {', '.join(n['mentee'])}" for pid, n in names.items()}


async def _mentors(session: AsyncSession, programme_id: int) -> list[int]:
    """The programme's mentors who have not erased their data."""
    rows = await session.scalars(
        select(ProgrammeMember.person_id)
        .join(Person, Person.id == ProgrammeMember.person_id)
        .where(
            ProgrammeMember.programme_id == programme_id,
            ProgrammeMember.role == "mentor",
            Person.erased_at.is_(None),
        )
    )
    return list(rows.all())


@plans("programme_ending")
async def programme_ending(session: AsyncSession, zones: Zones) -> list[Owed]:
    soon = zones.now.date() + ENDING_NOTICE
    rows = (
        await session.execute(
            select(Programme.id, Programme.school_id, Programme.planned_end_on).where(
                Programme.status == "active",
                Programme.planned_end_on.between(soon - LOOKBACK - SLACK, soon + SLACK),
            )
        )
    ).all()
    pairs = await pair_names(session, [row.id for row in rows])
    owed = []
    for programme_id, school_id, end in rows:
        params = {"pair": pairs.get(programme_id, "—"), "end": end.isoformat()}
        recipients = await _mentors(session, programme_id)
        recipients += await school_curators(session, school_id)
        for person_id in sorted(set(recipients)):
            owed.append(
                Owed(
                    "programme_ending",
                    f"{programme_id}:{end.isoformat()}",
                    person_id,
                    school_id,
                    end - ENDING_NOTICE,
                    params,
                )
            )
    return owed


@plans("meeting_nudge")
async def meeting_nudge(session: AsyncSession, zones: Zones) -> list[Owed]:
    last_meeting = (
        select(Meeting.programme_id, func.max(Meeting.held_on).label("held_on"))
        .where(Meeting.deleted_at.is_(None))
        .group_by(Meeting.programme_id)
        .subquery()
    )
    rows = (
        await session.execute(
            select(
                Programme.id,
                Programme.school_id,
                Programme.starts_on,
                Programme.planned_end_on,
                last_meeting.c.held_on,
            )
            .outerjoin(last_meeting, last_meeting.c.programme_id == Programme.id)
            .where(Programme.status == "active")
        )
    ).all()
    due = []
    for programme_id, school_id, starts_on, end, held_on in rows:
        since = held_on or starts_on
        # Every NUDGE_AFTER days without a meeting, not just once: the latest such day.
        periods = (await zones.today(school_id) - since) // NUDGE_AFTER
        trigger = since + periods * NUDGE_AFTER
        if periods >= 1 and trigger <= end:
            due.append((programme_id, school_id, since, trigger, held_on is not None))
    pairs = await pair_names(session, [item[0] for item in due])
    owed = []
    for programme_id, school_id, since, trigger, had_meeting in due:
        params = {
            "pair": pairs.get(programme_id, "—"),
            "since": since.isoformat(),
            "days": NUDGE_AFTER.days,
            "had_meeting": had_meeting,
        }
        for mentor_id in await _mentors(session, programme_id):
            owed.append(
                Owed(
                    "meeting_nudge",
                    f"{programme_id}:{trigger}",
                    mentor_id,
                    school_id,
                    trigger,
                    params,
                )
            )
    return owed


@plans("meeting_unconfirmed")
async def meeting_unconfirmed(session: AsyncSession, zones: Zones) -> list[Owed]:
    latest = zones.now - CONFIRM_REMINDER_AFTER
    rows = (
        await session.execute(
            select(
                MeetingAttendee.meeting_id,
                MeetingAttendee.person_id,
                Meeting.held_on,
                Meeting.created_at,
                Programme.school_id,
                Person.full_name,
            )
            .join(Meeting, Meeting.id == MeetingAttendee.meeting_id)
            .join(Programme, Programme.id == Meeting.programme_id)
            .outerjoin(Person, Person.id == Meeting.logged_by)
            .where(
                MeetingAttendee.confirmation == "pending",
                Meeting.deleted_at.is_(None),
                Meeting.created_at <= latest,
                Meeting.created_at >= latest - LOOKBACK - SLACK,
            )
        )
    ).all()
    owed = []
    for meeting_id, mentee_id, held_on, created_at, school_id, mentor in rows:
        if not await active_members(session, [mentee_id], school_id, Role.mentee):
            continue  # awaiting the guardian's consent, deactivated or erased
        zone = ZoneInfo(await zones.zone(school_id))
        trigger = (created_at + CONFIRM_REMINDER_AFTER).astimezone(zone).date()
        params = {"meeting_id": meeting_id, "held_on": held_on.isoformat(), "mentor": mentor or "—"}
        owed.append(
            Owed("meeting_unconfirmed", str(meeting_id), mentee_id, school_id, trigger, params)
        )
    return owed


@plans("invitation_unused")
async def invitation_unused(session: AsyncSession, zones: Zones) -> list[Owed]:
    latest = zones.now - INVITATION_UNUSED_AFTER
    rows = (
        await session.execute(
            select(Invitation, Organization.name)
            .join(Organization, Organization.id == Invitation.organization_id)
            .where(
                Invitation.uses == 0,
                Invitation.revoked_at.is_(None),
                Invitation.expires_at > zones.now,
                Invitation.created_by.is_not(None),
                Invitation.created_at <= latest,
                Invitation.created_at >= latest - LOOKBACK - SLACK,
            )
        )
    ).all()
    owed = []
    for invitation, org_name in rows:
        zone = ZoneInfo(await zones.zone(invitation.organization_id))
        trigger = (invitation.created_at + INVITATION_UNUSED_AFTER).astimezone(zone).date()
        params = {
            "role": invitation.role,
            "org": org_name,
            "expires": invitation.expires_at.astimezone(zone).date().isoformat(),
        }
        owed.append(
            Owed(
                "invitation_unused",
                str(invitation.id),
                invitation.created_by,
                invitation.organization_id,
                trigger,
                params,
            )
        )
    return owed
