"""/profile: the person's own register fields, and changing them one field at a time.

The fields, prompts and parsers are the registration forms' own, so a value that
registration would refuse is refused here too. The field being changed is kept in
the FSM storage, so a restart in the middle of an edit loses nothing.
"""

from __future__ import annotations

from aiogram import F, Router
from aiogram.filters import Command
from aiogram.fsm.context import FSMContext
from aiogram.fsm.state import State, StatesGroup
from aiogram.types import CallbackQuery, Message
from aiogram.utils.i18n import gettext as _
from sqlalchemy.ext.asyncio import AsyncSession

from handlers.access import Allowed
from handlers.forms.typed import REJECTED, parse_typed
from handlers.profile.fields import (
    PERSON,
    editable_fields,
    find_target,
    person_registers,
    save_field,
)
from handlers.profile.view import (
    FieldAnswer,
    FieldPicked,
    ProfileAct,
    edit_markup,
    inline_keyboard,
    question,
    show_profile,
)
from handlers.registration.forms import FULL_NAME
from handlers.ui.labels import role_title
from storage.clock import Clock
from storage.people.actor import Actor


class ProfileEditing(StatesGroup):
    value = State()


async def profile_requested(
    message: Message, state: FSMContext, session: AsyncSession, actor: Actor
):
    # Only an unfinished edit of the profile ends here; another conversation stays as it was.
    if await state.get_state() == ProfileEditing.value.state:
        await state.clear()
    await show_profile(message, session, actor.person_id)


async def edit_opened(query: CallbackQuery, session: AsyncSession, actor: Actor) -> None:
    registers = await person_registers(session, actor.person_id)
    # Someone with both registers sees two "Year of birth" buttons; the role tells them apart.
    prefix = len(registers) > 1
    rows = [(str(FULL_NAME.label), FieldPicked(kind=PERSON, key=FULL_NAME.key))]
    for register in registers:
        for f in editable_fields(register):
            label = f"{role_title(register.kind)}: {f.label}" if prefix else str(f.label)
            rows.append((label, FieldPicked(kind=register.kind, key=f.key)))
    rows.append((_("◀ Back"), ProfileAct(action="back")))
    await query.answer()
    if isinstance(query.message, Message):
        await query.message.edit_reply_markup(reply_markup=inline_keyboard(*rows))


async def back_pressed(query: CallbackQuery) -> None:
    await query.answer()
    if isinstance(query.message, Message):
        await query.message.edit_reply_markup(reply_markup=edit_markup())


async def field_picked(
    query: CallbackQuery,
    callback_data: FieldPicked,
    state: FSMContext,
    session: AsyncSession,
    actor: Actor,
) -> None:
    target = await find_target(session, actor.person_id, callback_data.kind, callback_data.key)
    if target is None or not isinstance(query.message, Message):
        await query.answer(_("This field cannot be changed here."), show_alert=True)
        return
    selected = list(target.current or []) if target.field.multiple else []
    await state.set_state(ProfileEditing.value)
    await state.set_data({"kind": target.kind, "key": target.field.key, "selected": selected})
    await query.answer()
    text, markup = question(target.field, target.current, selected)
    await query.message.answer(text, reply_markup=markup)


async def _current(state: FSMContext, session: AsyncSession, actor: Actor):
    data = await state.get_data()
    return data, await find_target(session, actor.person_id, data.get("kind"), data.get("key"))


async def _finish(message: Message, state: FSMContext, session: AsyncSession, actor: Actor):
    await state.clear()
    await show_profile(message, session, actor.person_id, note=_("Saved."))


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
        text, markup = question(field, target.current, data.get("selected", []))
        await message.answer(text, reply_markup=markup)
        return
    await save_field(session, actor.person_id, target, value, clock.now())
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
        await message.edit_reply_markup(reply_markup=question(field, target.current, selected)[1])
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
    await save_field(session, actor.person_id, target, value, clock.now())
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
