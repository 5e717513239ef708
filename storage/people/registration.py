"""Saving a completed registration: consent, name, register fields and the new role."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession

from storage.models.core import Person
from storage.models.enums import MembershipStatus, MenteeCategory, MentorCategory, Role
from storage.models.orgs import Invitation, Membership
from storage.models.profiles import Consent, MenteeProfile, MentorProfile
from storage.people.invitations import use_invitation
from storage.people.memberships import grant_role

CONSENT_VERSION = "1"
ADULT_AGE = 18


@dataclass(frozen=True)
class Registered:
    membership: Membership
    invitation: Invitation


class InvitationTaken(Exception):
    """The invitation's last use went to somebody else while this person was filling in."""


async def record_consent(session: AsyncSession, person_id: int, now: datetime) -> None:
    """The person's own consent to take part and to the processing of their data."""
    current = await session.scalar(
        select(Consent.id).where(
            Consent.person_id == person_id,
            Consent.kind == "participation",
            Consent.version == CONSENT_VERSION,
            Consent.withdrawn_at.is_(None),
        )
    )
    if current is None:
        session.add(
            Consent(
                person_id=person_id, kind="participation", version=CONSENT_VERSION, given_at=now
            )
        )
        await session.flush()


async def has_consent(session: AsyncSession, person_id: int) -> bool:
    found = await session.scalar(
        select(Consent.id).where(
            Consent.person_id == person_id,
            Consent.kind == "participation",
            Consent.version == CONSENT_VERSION,
            Consent.withdrawn_at.is_(None),
        )
    )
    return found is not None


def may_be_minor(birth_year: int | None, today_year: int) -> bool:
    """Without the birth date, anyone who may not have turned 18 yet counts as a minor."""
    return birth_year is not None and today_year - birth_year <= ADULT_AGE


def needs_guardian(role: Role, answers: dict[str, Any], today_year: int) -> bool:
    if role == Role.mentee and answers.get("category") == MenteeCategory.student:
        return (
            may_be_minor(answers.get("birth_year"), today_year) or answers.get("birth_year") is None
        )
    if role == Role.mentor and answers.get("category") == MentorCategory.student:
        return (
            may_be_minor(answers.get("birth_year"), today_year) or answers.get("birth_year") is None
        )
    return False


async def save_registration(
    session: AsyncSession,
    *,
    person_id: int,
    invitation_id: int,
    answers: dict[str, Any],
    now: datetime,
) -> Registered:
    invitation = await session.get(Invitation, invitation_id)
    assert invitation is not None
    if not await use_invitation(session, invitation_id, person_id, now):
        raise InvitationTaken
    role = Role(invitation.role)
    await session.execute(
        update(Person).where(Person.id == person_id).values(full_name=answers["full_name"])
    )
    if role == Role.mentor:
        await save_mentor_profile(session, person_id, answers, now)
    elif role == Role.mentee:
        await save_mentee_profile(session, person_id, answers, now)
    status = (
        MembershipStatus.awaiting_guardian
        if needs_guardian(role, answers, now.year)
        else MembershipStatus.active
    )
    membership = await grant_role(
        session,
        person_id=person_id,
        organization_id=invitation.organization_id,
        role=role,
        status=status,
        now=now,
        invitation_id=invitation_id,
        granted_by=invitation.created_by,
    )
    return Registered(membership=membership, invitation=invitation)


MENTOR_FIELDS = (
    "category",
    "grade",
    "birth_year",
    "workplace",
    "position",
    "subjects",
    "experience_years",
    "competencies",
    "achievements",
    "interests",
    "desired_mentee_age",
    "hours_per_month",
    "max_mentees",
)
MENTEE_FIELDS = (
    "category",
    "grade",
    "birth_year",
    "experience_years",
    "request",
    "difficulties",
    "preferred_forms",
)


async def save_mentor_profile(
    session: AsyncSession, person_id: int, answers: dict[str, Any], now: datetime
) -> None:
    values = {key: answers.get(key) for key in MENTOR_FIELDS}
    values["workplace"] = values["workplace"] or ""
    values["position"] = values["position"] or ""
    await _upsert(session, MentorProfile, person_id, values, now)


async def save_mentee_profile(
    session: AsyncSession, person_id: int, answers: dict[str, Any], now: datetime
) -> None:
    values = {key: answers.get(key) for key in MENTEE_FIELDS}
    difficulties = list(values["difficulties"] or [])
    if answers.get("difficulties_other"):
        difficulties.append(answers["difficulties_other"])
    values["difficulties"] = difficulties
    values["preferred_forms"] = list(values["preferred_forms"] or [])
    await _upsert(session, MenteeProfile, person_id, values, now)


async def _upsert(
    session: AsyncSession, model: type, person_id: int, values: dict[str, Any], now: datetime
) -> None:
    profile = await session.get(model, person_id)
    if profile is None:
        profile = model(person_id=person_id, updated_at=now)
        session.add(profile)
    for key, value in values.items():
        setattr(profile, key, value)
    profile.updated_at = now
    await session.flush()
