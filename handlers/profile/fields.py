"""The person's own register rows as /profile reads, offers and saves them.

Answers are keyed as the registration forms key them, so the forms' fields, visibility
rules and renderers apply unchanged.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from html import escape
from typing import Any

from aiogram.utils.i18n import gettext as _
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from handlers.forms.fields import Field, Form
from handlers.registration.forms import FULL_NAME, MENTEE_FORM, MENTOR_FORM
from handlers.ui.labels import role_title, status_title
from storage.models import MenteeProfile, MentorProfile, Person
from storage.models.enums import Role
from storage.models.orgs import Membership, Organization
from storage.people.register_fields import locked, save_register_field

PERSON = "person"
OTHER = "difficulties_other"  # registration stores it inside `difficulties`, after the choices
REGISTERS = ((Role.mentor, MENTOR_FORM, MentorProfile), (Role.mentee, MENTEE_FORM, MenteeProfile))


@dataclass
class Register:
    kind: str
    form: Form
    row: MentorProfile | MenteeProfile
    answers: dict[str, Any]


@dataclass
class Target:
    kind: str
    field: Field
    current: Any
    register: Register | None  # None: the name, kept on the person row


def _answers(form: Form, row: MentorProfile | MenteeProfile) -> dict[str, Any]:
    answers = {column.key: getattr(row, column.key) for column in row.__table__.columns}
    if "difficulties" in answers:
        known = {c.value for f in form.fields if f.key == "difficulties" for c in f.choices}
        stored = answers["difficulties"] or []
        answers["difficulties"] = [v for v in stored if v in known]
        answers[OTHER] = "; ".join(v for v in stored if v not in known) or None
    return answers


async def person_registers(session: AsyncSession, person_id: int) -> list[Register]:
    found = []
    for role, form, model in REGISTERS:
        row = await session.get(model, person_id)
        if row is not None:
            found.append(Register(role.value, form, row, _answers(form, row)))
    return found


def editable_fields(register: Register) -> list[Field]:
    return [
        f
        for f in register.form.visible(register.answers)
        if f.key != FULL_NAME.key
        and not locked(f.key, register.answers, lock_student_birth_year=True)
    ]


async def find_target(session: AsyncSession, person_id: int, kind: Any, key: Any) -> Target | None:
    """The field `kind`/`key` if this person has it and may change it; ids from callbacks
    and from the FSM are checked here, so a forged one changes nothing."""
    if kind == PERSON and key == FULL_NAME.key:
        person = await session.get(Person, person_id)
        return Target(PERSON, FULL_NAME, person.full_name if person else None, None)
    for register in await person_registers(session, person_id):
        if register.kind == kind:
            field = next((f for f in editable_fields(register) if f.key == key), None)
            if field is not None:
                return Target(kind, field, register.answers.get(key), register)
    return None


async def save_field(
    session: AsyncSession, person_id: int, target: Target, value: Any, now: datetime
) -> None:
    register = target.register
    if register is None:
        await save_register_field(session, person_id, None, FULL_NAME.key, value, now)
        return
    key = target.field.key
    if key in ("difficulties", OTHER):
        answers = {**register.answers, key: value}
        value = [
            *(answers["difficulties"] or []),
            *([answers[OTHER]] if answers[OTHER] else []),
        ]
        key = "difficulties"
    await save_register_field(session, person_id, Role(register.kind), key, value, now)


async def profile_text(session: AsyncSession, person_id: int) -> str:
    person = await session.get(Person, person_id)
    # _() outside f-strings: Babel's extractor on Python 3.11 does not look inside them.
    title = _("My profile")
    lines = [
        f"<b>{title}</b>",
        "",
        f"<b>{FULL_NAME.label}</b>: {escape(person.full_name)}",
    ]
    roles = await session.execute(
        select(Membership.role, Membership.status, Organization.name)
        .join(Organization, Organization.id == Membership.organization_id)
        .where(Membership.person_id == person_id)
        .order_by(Membership.id)
    )
    for role, status, org in roles.all():
        lines.append(f"• {role_title(role)}, «{escape(org)}» — {status_title(status)}")
    for register in await person_registers(session, person_id):
        heading = _("Mentor register") if register.kind == Role.mentor else _("Mentee register")
        lines += ["", f"<b>{heading}</b>"]
        for f in register.form.visible(register.answers):
            if f.key != FULL_NAME.key:
                lines.append(f"{f.label}: {escape(f.render(register.answers.get(f.key)))}")
    return "\n".join(lines)
