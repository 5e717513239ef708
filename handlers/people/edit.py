"""«Correct a field» on a participant's card: the register forms' own fields and parsers.

Which person and field are being corrected is kept in the FSM data; every step checks the
curator's scope again, since the person may have left the school in the meantime.
"""

from __future__ import annotations

from html import escape
from typing import Any

from aiogram import Router
from aiogram.fsm.context import FSMContext
from aiogram.fsm.state import State, StatesGroup
from aiogram.types import CallbackQuery, InlineKeyboardButton, InlineKeyboardMarkup, Message
from aiogram.utils.i18n import gettext as _
from sqlalchemy.ext.asyncio import AsyncSession

from handlers.access import Allowed
from handlers.forms.fields import Field
from handlers.people.card import register_fields
from handlers.people.common import (
    CardOpened,
    FieldChosen,
    FieldMenu,
    FieldValue,
    button,
    checked_participant,
    display_name,
)
from handlers.registration.forms import FULL_NAME
from handlers.system.cancel import cancel_button
from handlers.ui.labels import role_title
from storage.people.actor import Actor
from storage.people.admin import Participant
from storage.people.register_fields import locked

NAME_TARGET = "name"
EDIT_KEY = "people_edit"
Editable = tuple[str, Field, dict[str, Any]]  # target, field, the answers it is seen with


class PeopleEditing(StatesGroup):
    value = State()


async def editable_fields(session: AsyncSession, person: Participant) -> list[Editable]:
    found: list[Editable] = [(NAME_TARGET, FULL_NAME, {"full_name": person.person.full_name})]
    for role, field, answers in await register_fields(session, person):
        # Unlike in /profile, a student's year of birth stays open: the guardian's consent is
        # the curator's business.
        if not locked(field.key, answers, lock_student_birth_year=False):
            found.append((role.value, field, answers))
    return found


def find_editable(fields: list[Editable], target: str, key: str) -> Editable | None:
    return next((e for e in fields if e[0] == target and e[1].key == key), None)


async def field_menu(
    query: CallbackQuery, callback_data: FieldMenu, session: AsyncSession, actor: Actor
) -> None:
    ids = {"school_id": callback_data.school_id, "person_id": callback_data.person_id}
    person = await checked_participant(query, session, actor, *ids.values())
    if person is None:
        return
    fields = await editable_fields(session, person)
    several_roles = len({target for target, _f, _a in fields} - {NAME_TARGET}) > 1
    rows = []
    for target, field, _answers in fields:
        text = str(field.label)
        if several_roles and target != NAME_TARGET:
            text = f"{role_title(target)}: {text}"
        rows.append([button(text, FieldChosen(**ids, target=target, key=field.key))])
    rows.append([button(_("◀ Back to the card"), CardOpened(**ids))])
    await query.answer()
    if isinstance(query.message, Message):
        await query.message.edit_text(
            _("Which field of {name} needs correcting?").format(
                name=escape(display_name(person.person.full_name))
            ),
            reply_markup=InlineKeyboardMarkup(inline_keyboard=rows),
        )


async def field_chosen(
    query: CallbackQuery,
    callback_data: FieldChosen,
    session: AsyncSession,
    actor: Actor,
    state: FSMContext,
) -> None:
    school_id, person_id = callback_data.school_id, callback_data.person_id
    person = await checked_participant(query, session, actor, school_id, person_id)
    if person is None:
        return
    found = find_editable(
        await editable_fields(session, person), callback_data.target, callback_data.key
    )
    if found is None or person.person.erased_at is not None:
        await query.answer(_("This button is no longer active."), show_alert=True)
        return
    _target, field, answers = found
    current = answers.get(field.key)
    edit = {"school_id": school_id, "person_id": person_id, "target": found[0], "key": field.key}
    edit["selected"] = (
        [v for v in current or [] if v in choice_values(field)] if field.multiple else []
    )
    await state.set_state(PeopleEditing.value)
    await state.update_data({EDIT_KEY: edit})
    await query.answer()
    if isinstance(query.message, Message):
        await query.message.edit_reply_markup(reply_markup=None)
        ask = _("Choose the new value.") if field.choices else _("Send the new value.")
        await query.message.answer(
            _("{name} — {field}: {current}").format(
                field=field.label,
                name=escape(display_name(person.person.full_name)),
                current=escape(field.render(current)),
            )
            + "\n\n"
            + ask,
            reply_markup=value_keyboard(field, edit["selected"]),
        )


def choice_values(field: Field) -> set[str]:
    return {choice.value for choice in field.choices}


def value_keyboard(field: Field, selected: list[str]) -> InlineKeyboardMarkup:
    rows: list[list[InlineKeyboardButton]] = []
    for choice in field.choices:
        if field.multiple:
            mark = "✅ " if choice.value in selected else "▫️ "
            rows.append(
                [button(mark + str(choice.label), FieldValue(action="toggle", value=choice.value))]
            )
        else:
            rows.append([button(str(choice.label), FieldValue(action="pick", value=choice.value))])
    if field.multiple:
        rows.append([button(_("Done ✔"), FieldValue(action="done"))])
    if field.optional:
        rows.append([button(_("Clear the field"), FieldValue(action="clear"))])
    rows.append([cancel_button()])
    return InlineKeyboardMarkup(inline_keyboard=rows)


def build_router() -> Router:
    router = Router(name="people_edit")
    allowed = Allowed("people")
    router.callback_query.register(field_menu, FieldMenu.filter(), allowed)
    router.callback_query.register(field_chosen, FieldChosen.filter(), allowed)
    return router
