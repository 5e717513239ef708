"""A person's rights under 152-FZ: a copy of everything stored about them, and erasure."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import ColumnElement, delete, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from storage.base import Base
from storage.meetings.privacy import erase_meeting_data, meetings_for_export
from storage.models import (
    Consent,
    Feedback,
    FsmState,
    Invitation,
    InvitationUse,
    Membership,
    MembershipChange,
    MenteeProfile,
    MentorProfile,
    Organization,
    Person,
)
from storage.models.community import Practice, Question
from storage.models.enums import MembershipStatus
from storage.models.outbox import OutboxMessage
from storage.models.programmes import Programme, ProgrammeMember
from storage.models.registers import RegisterEntry
from storage.people.memberships import STATUS_CHANGED
from storage.surveys.answers import erase_participations, participations_for_export


def _plain(value: Any) -> Any:
    return value.isoformat() if isinstance(value, datetime) else value


def _columns(row: Base, *skip: str) -> dict[str, Any]:
    """Every column of the row as JSON-ready values; internal ids are left out by the caller."""
    return {
        column.key: _plain(getattr(row, column.key))
        for column in row.__table__.columns
        if column.key not in skip
    }


def _fsm_keys_of(telegram_id: int) -> ColumnElement[bool]:
    # DefaultKeyBuilder joins bot, chat and user ids with ':', so the person's private chat
    # and their user id both appear as ':<id>:'; the colons keep 15 from matching 5.
    return FsmState.key.like(f"%:{telegram_id}:%")


async def export_person(session: AsyncSession, person_id: int) -> dict[str, Any]:
    person = await session.get(Person, person_id)
    assert person is not None
    consents = await session.scalars(
        select(Consent).where(Consent.person_id == person_id).order_by(Consent.id)
    )
    roles = await session.execute(
        select(Membership, Organization.name)
        .join(Organization, Organization.id == Membership.organization_id)
        .where(Membership.person_id == person_id)
        .order_by(Membership.id)
    )
    role_rows = roles.all()
    history: dict[int, list[MembershipChange]] = {}
    for change in await session.scalars(
        select(MembershipChange)
        .where(
            MembershipChange.membership_id.in_([m.id for m, _org in role_rows]),
            MembershipChange.action == STATUS_CHANGED,
        )
        .order_by(MembershipChange.id)
    ):
        history.setdefault(change.membership_id, []).append(change)
    created = await session.execute(
        select(Invitation, Organization.name)
        .join(Organization, Organization.id == Invitation.organization_id)
        .where(Invitation.created_by == person_id)
        .order_by(Invitation.id)
    )
    used = await session.execute(
        select(InvitationUse.used_at, Invitation.role, Organization.name)
        .join(Invitation, Invitation.id == InvitationUse.invitation_id)
        .join(Organization, Organization.id == Invitation.organization_id)
        .where(InvitationUse.person_id == person_id)
        .order_by(InvitationUse.used_at)
    )
    feedback = await session.scalars(
        select(Feedback).where(Feedback.person_id == person_id).order_by(Feedback.id)
    )
    states = await session.scalars(
        select(FsmState).where(_fsm_keys_of(person.telegram_id)).order_by(FsmState.key)
    )
    mentor = await session.get(MentorProfile, person_id)
    mentee = await session.get(MenteeProfile, person_id)
    return {
        "person": _columns(person, "id"),
        "consents": [
            {
                **_columns(c, "id", "person_id", "recorded_by"),
                # Who the recording curator is would be someone else's data; only that one did.
                "recorded_by_curator": c.recorded_by not in (None, person_id),
            }
            for c in consents
        ],
        "roles": [
            {
                "role": m.role,
                "organization": org,
                "status": m.status,
                "since": _plain(m.created_at),
                "status_changed_at": _plain(m.status_changed_at),
                # Who changed it would be someone else's data; only whether it was oneself.
                "status_history": [
                    {
                        "status": c.changes["status"],
                        "changed_at": _plain(c.changed_at),
                        "by_self": c.person_id == person_id,
                    }
                    for c in history.get(m.id, [])
                ],
            }
            for m, org in role_rows
        ],
        "mentor_profile": _columns(mentor, "person_id") if mentor else None,
        "mentee_profile": _columns(mentee, "person_id") if mentee else None,
        # The codes are left out: a live link in a file people forward would let others in.
        "invitations_created": [
            {
                "role": i.role,
                "organization": org,
                "max_uses": i.max_uses,
                "uses": i.uses,
                "created_at": _plain(i.created_at),
                "expires_at": _plain(i.expires_at),
                "revoked_at": _plain(i.revoked_at),
            }
            for i, org in created.all()
        ],
        "invitations_used": [
            {"role": role, "organization": org, "used_at": _plain(used_at)}
            for used_at, role, org in used.all()
        ],
        # The school's register rows the person joined from, as the school's file gave them.
        "school_registers": [
            {
                "organization": org,
                "role": entry.role,
                "full_name": entry.full_name,
                "birth_year": entry.birth_year,
                "fields": entry.fields,
                "joined_at": _plain(entry.joined_at),
            }
            for entry, org in await session.execute(
                select(RegisterEntry, Organization.name)
                .join(Organization, Organization.id == RegisterEntry.school_id)
                .where(RegisterEntry.person_id == person_id)
                .order_by(RegisterEntry.id)
            )
        ],
        "feedback": [_columns(f, "id", "person_id") for f in feedback],
        "conversation_state": [_columns(s, "key") for s in states],
        # That the person answered questionnaires, never what: responses carry no identity.
        "survey_participations": await participations_for_export(session, person_id),
        **await meetings_for_export(session, person_id),
        "questions_asked": [
            _columns(q, "id", "asker_id", "school_id", "answered_by")
            for q in await session.scalars(
                select(Question).where(Question.asker_id == person_id).order_by(Question.id)
            )
        ],
        "practices_submitted": [
            {
                "title": p.title,
                "description": p.description,
                "links": p.links,
                "status": p.status,
                "created_at": _plain(p.created_at),
            }
            for p in await session.scalars(
                select(Practice).where(Practice.author_id == person_id).order_by(Practice.id)
            )
        ],
    }


async def erase_person(
    session: AsyncSession,
    person_id: int,
    now: datetime,
    survey_key: bytes | None = None,
    default_timezone: str = "Europe/Moscow",
) -> None:
    """Erase what identifies the person; keep the anonymous rows that reports count.

    With `survey_key` the questionnaire responses the person can still change (found through
    their links) are erased too; responses without a link are anonymous and stay counted.
    """
    person = await session.get(Person, person_id)
    assert person is not None
    telegram_id = person.telegram_id
    await erase_participations(session, survey_key, person_id, now, default_timezone)
    await erase_meeting_data(session, person_id)
    await session.execute(delete(Question).where(Question.asker_id == person_id))
    # The school's register rows they joined from: a later import starts afresh.
    await session.execute(delete(RegisterEntry).where(RegisterEntry.person_id == person_id))
    # A case in the bank of best practices is the school's shared knowledge: it stays, but no
    # longer names its author.
    await session.execute(
        update(Practice).where(Practice.author_id == person_id).values(author_id=None)
    )
    # Reminders still owed to them would address someone who has left.
    await session.execute(
        delete(OutboxMessage).where(
            OutboxMessage.person_id == person_id, OutboxMessage.state == "pending"
        )
    )
    await session.execute(delete(FsmState).where(_fsm_keys_of(telegram_id)))
    await session.execute(delete(MentorProfile).where(MentorProfile.person_id == person_id))
    await session.execute(delete(MenteeProfile).where(MenteeProfile.person_id == person_id))
    await session.execute(delete(Feedback).where(Feedback.person_id == person_id))
    await session.execute(
        update(Consent)
        .where(Consent.person_id == person_id, Consent.withdrawn_at.is_(None))
        .values(withdrawn_at=now)
    )
    await session.execute(
        update(Membership)
        .where(Membership.person_id == person_id, Membership.status != MembershipStatus.deactivated)
        .values(
            status=MembershipStatus.deactivated, status_changed_at=now, status_changed_by=person_id
        )
    )
    # Proposals still waiting for this person's answer would wait forever: they are declined.
    pending = select(ProgrammeMember.programme_id).where(
        ProgrammeMember.person_id == person_id, ProgrammeMember.response == "pending"
    )
    await session.execute(
        update(Programme)
        .where(Programme.id.in_(pending), Programme.status == "proposed")
        .values(status="declined", version=Programme.version + 1)
    )
    await session.execute(
        update(ProgrammeMember)
        .where(ProgrammeMember.person_id == person_id, ProgrammeMember.response == "pending")
        .values(response="declined", responded_at=now)
    )
    # Negative ids are never Telegram users, and -id stays unique: the account is no longer
    # linked, and its next message starts a fresh, empty person.
    await session.execute(
        update(Invitation)
        .where(Invitation.created_by_telegram_id == telegram_id)
        .values(created_by_telegram_id=-person_id)
    )
    person.telegram_id = -person_id
    person.full_name = None
    person.locale = None
    person.erased_at = now
    await session.flush()
