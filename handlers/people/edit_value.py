"""The second step of «Correct a field»: the new value, typed or chosen, checked and saved.

The person and field come from the FSM data written by people_edit; the curator's scope
is checked again here, since the person may have left the school in the meantime.
"""

from __future__ import annotations

from typing import Any

from aiogram import F, Router
from aiogram.fsm.context import FSMContext
from aiogram.types import CallbackQuery, Message
from aiogram.utils.i18n import gettext as _
from sqlalchemy.ext.asyncio import AsyncSession

from handlers.access import Allowed
from handlers.forms.typed import REJECTED, parse_typed
from handlers.people.card import show_card
from handlers.people.common import FieldValue, curated_schools
from handlers.people.edit import (
    EDIT_KEY,
    NAME_TARGET,
    Editable,
    PeopleEditing,
    choice_values,
    editable_fields,
    find_editable,
    value_keyboard,
)
from storage.clock import Clock
from storage.models.enums import Role
from storage.people.actor import Actor
from storage.people.admin import Participant, participant
from storage.people.register_fields import save_register_field
from storage.settings import Settings


async def _editing(
    session: AsyncSession, actor: Actor, state: FSMContext
) -> tuple[dict[str, Any], Participant, Editable] | None:
    """The correction under way, re-checked against the curator's scope; None if it is void."""
    edit = (await state.get_data()).get(EDIT_KEY)
    if not edit or edit["school_id"] not in curated_schools(actor):
        return None
    person = await participant(session, edit["school_id"], edit["person_id"])
    if person is None or person.person.erased_at is not None:
        return None
    found = find_editable(await editable_fields(session, person), edit["target"], edit["key"])
    return (edit, person, found) if found else None


async def _finish(state: FSMContext) -> None:
    data = await state.get_data()
    data.pop(EDIT_KEY, None)
    await state.set_data(data)
    await state.set_state(None)


async def _save(
    message: Message,
    value: Any,
    current: tuple[dict[str, Any], Participant, Editable],
    session: AsyncSession,
    actor: Actor,
    clock: Clock,
    settings: Settings,
    state: FSMContext,
) -> None:
    edit, person, (target, field, _answers) = current
    role = None if target == NAME_TARGET else Role(target)
    await save_register_field(session, person.person.id, role, field.key, value, clock.now())
    await _finish(state)
    refreshed = await participant(session, edit["school_id"], person.person.id)
    await message.answer(_("Saved."))
    await show_card(
        message, session, settings, actor, refreshed, edit["school_id"], state, edit=False
    )


async def value_typed(
    message: Message,
    session: AsyncSession,
    actor: Actor,
    clock: Clock,
    settings: Settings,
    state: FSMContext,
) -> None:
    current = await _editing(session, actor, state)
    if current is None:
        await _finish(state)
        await message.answer(_("This person is not in your school."))
        return
    field = current[2][1]
    value = await parse_typed(message, field, clock.now().date())
    if value is REJECTED:
        return
    await _save(message, value, current, session, actor, clock, settings, state)


async def value_pressed(
    query: CallbackQuery,
    callback_data: FieldValue,
    session: AsyncSession,
    actor: Actor,
    clock: Clock,
    settings: Settings,
    state: FSMContext,
) -> None:
    current = await _editing(session, actor, state)
    if current is None:
        await _finish(state)
        await query.answer(_("This person is not in your school."), show_alert=True)
        return
    edit, _person, (_target, field, answers) = current
    message = query.message
    action, value = callback_data.action, callback_data.value
    if not isinstance(message, Message) or (
        action in ("pick", "toggle") and value not in choice_values(field)
    ):
        await query.answer(_("This button is no longer active."))
        return
    if action == "toggle" and field.multiple:
        selected = edit["selected"]
        edit["selected"] = (
            [v for v in selected if v != value] if value in selected else [*selected, value]
        )
        await state.update_data({EDIT_KEY: edit})
        await query.answer()
        await message.edit_reply_markup(reply_markup=value_keyboard(field, edit["selected"]))
        return
    if action == "pick" and not field.multiple:
        new: Any = value
    elif action == "done" and field.multiple:
        if not field.optional and not edit["selected"]:
            await query.answer(_("Choose at least one option."), show_alert=True)
            return
        # Free-text difficulties written at registration sit in the same list; keep them.
        extra = [v for v in answers.get(field.key) or [] if v not in choice_values(field)]
        new = [*edit["selected"], *extra]
    elif action == "clear" and field.optional:
        new = [] if field.multiple else None
    else:
        await query.answer(_("This button is no longer active."))
        return
    await query.answer()
    await message.edit_reply_markup(reply_markup=None)
    await _save(message, new, current, session, actor, clock, settings, state)


def build_router() -> Router:
    router = Router(name="people_edit_value")
    allowed = Allowed("people")
    router.callback_query.register(value_pressed, PeopleEditing.value, FieldValue.filter(), allowed)
    # Commands pass through, so /cancel and /help work in the middle of a correction.
    router.message.register(value_typed, PeopleEditing.value, ~F.text.startswith("/"), allowed)
    return router
