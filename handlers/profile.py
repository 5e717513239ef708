"""/profile: the person's own register fields, and changing them one field at a time.

The fields, prompts and parsers are the registration forms' own, so a value that
registration would refuse is refused here too. The field being changed is kept in
the FSM storage, so a restart in the middle of an edit loses nothing.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from html import escape
from typing import Any

from aiogram import F, Router
from aiogram.filters import Command
from aiogram.filters.callback_data import CallbackData
from aiogram.fsm.context import FSMContext
from aiogram.fsm.state import State, StatesGroup
from aiogram.types import CallbackQuery, InlineKeyboardButton, InlineKeyboardMarkup, Message
from aiogram.utils.i18n import gettext as _
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.access import Allowed
from bot.actor import Actor
from bot.clock import Clock
from handlers.cancel import cancel_button
from handlers.forms.fields import Field, Form
from handlers.forms.typed import REJECTED, parse_typed
from handlers.labels import role_title, status_title
from handlers.registration.forms import FULL_NAME, MENTEE_FORM, MENTOR_FORM
from storage.models import MenteeProfile, MentorProfile, Person
from storage.models.enums import Role
from storage.models.orgs import Membership, Organization

PERSON = "person"
OTHER = "difficulties_other"  # registration stores it inside `difficulties`, after the choices
REGISTERS = ((Role.mentor, MENTOR_FORM, MentorProfile), (Role.mentee, MENTEE_FORM, MenteeProfile))


class ProfileEditing(StatesGroup):
    value = State()


class ProfileAct(CallbackData, prefix="pr"):
    action: str  # edit: list the fields; back: the Edit button again


class FieldPicked(CallbackData, prefix="pr_f"):
    kind: str  # person, mentor or mentee
    key: str


class FieldAnswer(CallbackData, prefix="pr_a"):
    action: str  # pick, toggle, done, clear
    value: str = ""


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


def _locked(field: Field, answers: dict[str, Any]) -> bool:
    # The category decides which other fields apply and their bounds, so changing it would
    # need the whole form again (not in v1). A student's year of birth decides whether a
    # guardian must consent, which changes the membership; that stays with the curator.
    return field.key == "category" or (
        field.key == "birth_year" and answers.get("category") == "student"
    )


def _answers(form: Form, row: MentorProfile | MenteeProfile) -> dict[str, Any]:
    answers = {column.key: getattr(row, column.key) for column in row.__table__.columns}
    if "difficulties" in answers:
        known = {c.value for f in form.fields if f.key == "difficulties" for c in f.choices}
        stored = answers["difficulties"] or []
        answers["difficulties"] = [v for v in stored if v in known]
        answers[OTHER] = "; ".join(v for v in stored if v not in known) or None
    return answers


async def _registers(session: AsyncSession, person_id: int) -> list[Register]:
    found = []
    for role, form, model in REGISTERS:
        row = await session.get(model, person_id)
        if row is not None:
            found.append(Register(role.value, form, row, _answers(form, row)))
    return found


def _editable(register: Register) -> list[Field]:
    return [
        f
        for f in register.form.visible(register.answers)
        if f.key != FULL_NAME.key and not _locked(f, register.answers)
    ]


async def _target(session: AsyncSession, person_id: int, kind: Any, key: Any) -> Target | None:
    """The field `kind`/`key` if this person has it and may change it; ids from callbacks
    and from the FSM are checked here, so a forged one changes nothing."""
    if kind == PERSON and key == FULL_NAME.key:
        person = await session.get(Person, person_id)
        return Target(PERSON, FULL_NAME, person.full_name if person else None, None)
    for register in await _registers(session, person_id):
        if register.kind == kind:
            field = next((f for f in _editable(register) if f.key == key), None)
            if field is not None:
                return Target(kind, field, register.answers.get(key), register)
    return None


async def _save(session: AsyncSession, person_id: int, target: Target, value: Any, now: datetime):
    register = target.register
    if register is None:
        person = await session.get(Person, person_id)
        person.full_name = value
    else:
        key = target.field.key
        if key in ("difficulties", OTHER):
            answers = {**register.answers, key: value}
            value = [
                *(answers["difficulties"] or []),
                *([answers[OTHER]] if answers[OTHER] else []),
            ]
            key = "difficulties"
        setattr(register.row, key, value)
        register.row.updated_at = now
    await session.flush()


async def _profile_text(session: AsyncSession, person_id: int) -> str:
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
    for register in await _registers(session, person_id):
        heading = _("Mentor register") if register.kind == Role.mentor else _("Mentee register")
        lines += ["", f"<b>{heading}</b>"]
        for f in register.form.visible(register.answers):
            if f.key != FULL_NAME.key:
                lines.append(f"{f.label}: {escape(f.render(register.answers.get(f.key)))}")
    return "\n".join(lines)


def _markup(*rows: tuple[str, CallbackData]) -> InlineKeyboardMarkup:
    return InlineKeyboardMarkup(
        inline_keyboard=[[InlineKeyboardButton(text=t, callback_data=d.pack())] for t, d in rows]
    )


async def _show(message: Message, session: AsyncSession, person_id: int, note: str = "") -> None:
    markup = _markup((_("✎ Edit"), ProfileAct(action="edit")))
    text = await _profile_text(session, person_id)
    await message.answer(f"{note}\n\n{text}" if note else text, reply_markup=markup)


def _question(field: Field, current: Any, selected: list[str]) -> tuple[str, InlineKeyboardMarkup]:
    text = str(field.prompt)
    if field.hint:
        text += f"\n<i>{field.hint}</i>"
    text += "\n\n" + _("Now: {value}").format(value=escape(field.render(current)))
    rows: list[tuple[str, CallbackData]] = []
    for choice in field.choices:
        if field.multiple:
            mark = "✅ " if choice.value in selected else "▫️ "
            rows.append(
                (mark + str(choice.label), FieldAnswer(action="toggle", value=choice.value))
            )
        else:
            rows.append((str(choice.label), FieldAnswer(action="pick", value=choice.value)))
    if field.multiple:
        rows.append((_("Done ✔"), FieldAnswer(action="done")))
    if field.optional:
        rows.append((_("Clear the field"), FieldAnswer(action="clear")))
    markup = _markup(*rows)
    markup.inline_keyboard.append([cancel_button()])
    return text, markup


async def profile_requested(
    message: Message, state: FSMContext, session: AsyncSession, actor: Actor
):
    # Only an unfinished edit of the profile ends here; another conversation stays as it was.
    if await state.get_state() == ProfileEditing.value.state:
        await state.clear()
    await _show(message, session, actor.person_id)


async def edit_opened(query: CallbackQuery, session: AsyncSession, actor: Actor) -> None:
    registers = await _registers(session, actor.person_id)
    # Someone with both registers sees two "Year of birth" buttons; the role tells them apart.
    prefix = len(registers) > 1
    rows = [(str(FULL_NAME.label), FieldPicked(kind=PERSON, key=FULL_NAME.key))]
    for register in registers:
        for f in _editable(register):
            label = f"{role_title(register.kind)}: {f.label}" if prefix else str(f.label)
            rows.append((label, FieldPicked(kind=register.kind, key=f.key)))
    rows.append((_("◀ Back"), ProfileAct(action="back")))
    await query.answer()
    if isinstance(query.message, Message):
        await query.message.edit_reply_markup(reply_markup=_markup(*rows))


async def back_pressed(query: CallbackQuery) -> None:
    await query.answer()
    if isinstance(query.message, Message):
        markup = _markup((_("✎ Edit"), ProfileAct(action="edit")))
        await query.message.edit_reply_markup(reply_markup=markup)


async def field_picked(
    query: CallbackQuery,
    callback_data: FieldPicked,
    state: FSMContext,
    session: AsyncSession,
    actor: Actor,
) -> None:
    target = await _target(session, actor.person_id, callback_data.kind, callback_data.key)
    if target is None or not isinstance(query.message, Message):
        await query.answer(_("This field cannot be changed here."), show_alert=True)
        return
    selected = list(target.current or []) if target.field.multiple else []
    await state.set_state(ProfileEditing.value)
    await state.set_data({"kind": target.kind, "key": target.field.key, "selected": selected})
    await query.answer()
    text, markup = _question(target.field, target.current, selected)
    await query.message.answer(text, reply_markup=markup)


async def _current(state: FSMContext, session: AsyncSession, actor: Actor):
    data = await state.get_data()
    return data, await _target(session, actor.person_id, data.get("kind"), data.get("key"))


async def _finish(message: Message, state: FSMContext, session: AsyncSession, actor: Actor):
    await state.clear()
    await _show(message, session, actor.person_id, note=_("Saved."))


async def value_typed(
    message: Message, state: FSMContext, session: AsyncSession, actor: Actor, clock: Clock
) -> None:
    data, target = await _current(state, session, actor)
    if target is None:
        await state.clear()
        await message.answer(_("This field cannot be changed here."))
        return
    field = target.field
    value = await parse_typed(message, field, clock.now().date())
    if value is REJECTED:
        text, markup = _question(field, target.current, data.get("selected", []))
        await message.answer(text, reply_markup=markup)
        return
    await _save(session, actor.person_id, target, value, clock.now())
    await _finish(message, state, session, actor)


async def answer_pressed(
    query: CallbackQuery,
    callback_data: FieldAnswer,
    state: FSMContext,
    session: AsyncSession,
    actor: Actor,
    clock: Clock,
) -> None:
    data, target = await _current(state, session, actor)
    message = query.message
    stale = _("This button is no longer active.")
    if target is None or not isinstance(message, Message):
        await query.answer(stale)
        return
    field, action = target.field, callback_data.action
    selected: list[str] = list(data.get("selected", []))
    if action in ("pick", "toggle") and callback_data.value not in {c.value for c in field.choices}:
        await query.answer(stale)
        return
    if action == "toggle" and field.multiple:
        value = callback_data.value
        selected = [v for v in selected if v != value] if value in selected else [*selected, value]
        await state.update_data(selected=selected)
        await query.answer()
        await message.edit_reply_markup(reply_markup=_question(field, target.current, selected)[1])
        return
    if action == "pick" and not field.multiple:
        value = callback_data.value
    elif action == "done" and field.multiple:
        if not field.optional and not selected:
            await query.answer(_("Choose at least one option."), show_alert=True)
            return
        value = selected
    elif action == "clear" and field.optional:
        value = [] if field.multiple else None
    else:
        await query.answer(stale)
        return
    await query.answer()
    await message.edit_reply_markup(reply_markup=None)
    await _save(session, actor.person_id, target, value, clock.now())
    await _finish(message, state, session, actor)


def build_router() -> Router:
    router = Router(name="profile")
    allowed = Allowed("profile")
    router.message.register(profile_requested, Command("profile"), allowed)
    router.callback_query.register(edit_opened, ProfileAct.filter(F.action == "edit"), allowed)
    router.callback_query.register(back_pressed, ProfileAct.filter(F.action == "back"), allowed)
    router.callback_query.register(field_picked, FieldPicked.filter(), allowed)
    # Commands other than /cancel pass through, so /help works in the middle of an edit.
    router.message.register(value_typed, ProfileEditing.value, ~F.text.startswith("/"), allowed)
    router.callback_query.register(
        answer_pressed, ProfileEditing.value, FieldAnswer.filter(), allowed
    )
    return router
