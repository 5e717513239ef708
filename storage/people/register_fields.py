"""One register field of a person, corrected on its own: by the person in /profile, or by
their school's curator in /people. Both go through here so the two cannot drift apart in
what they refuse to change or in how a value is written."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from typing import Any

from sqlalchemy import update
from sqlalchemy.ext.asyncio import AsyncSession

from storage.models.core import Person
from storage.models.enums import Role
from storage.models.profiles import MenteeProfile, MentorProfile
from storage.people.registration import MENTEE_FIELDS, MENTOR_FIELDS

PROFILE_MODELS = {Role.mentor: MentorProfile, Role.mentee: MenteeProfile}
PROFILE_FIELDS = {Role.mentor: MENTOR_FIELDS, Role.mentee: MENTEE_FIELDS}


def locked(key: str, answers: Mapping[str, Any], *, lock_student_birth_year: bool) -> bool:
    """Whether the field stays as registered when fields are changed one at a time.

    The category decides which other fields apply and their bounds, so changing it would
    need the whole form again. A student's year of birth decides whether a guardian must
    consent, which changes the membership: the person may not change it themselves
    (`lock_student_birth_year`), their curator may.
    """
    return key == "category" or (
        lock_student_birth_year and key == "birth_year" and answers.get("category") == "student"
    )


async def save_register_field(
    session: AsyncSession, person_id: int, role: Role | None, key: str, value: Any, now: datetime
) -> None:
    """`role` None means the person's name; otherwise a field of that role's profile."""
    if role is None:
        await session.execute(update(Person).where(Person.id == person_id).values(full_name=value))
        return
    if key not in PROFILE_FIELDS[role]:
        raise ValueError(f"{key!r} is not a register field of {role}")
    await session.execute(
        update(PROFILE_MODELS[role])
        .where(PROFILE_MODELS[role].person_id == person_id)
        .values({key: value, "updated_at": now})
    )
