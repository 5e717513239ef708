"""The typed name of a new catalogue entry or a renamed one.

What is being named is kept in the FSM data; the coordinator's scope and the entry are
checked again when the name arrives, since either may have changed in the meantime.
"""

from __future__ import annotations

from typing import Any

from aiogram import F, Router
from aiogram.fsm.context import FSMContext
from aiogram.fsm.state import State, StatesGroup
from aiogram.types import Message
from aiogram.utils.i18n import gettext as _
from sqlalchemy.ext.asyncio import AsyncSession

from handlers.access import Allowed
from handlers.catalogue.common import NAME, markup, municipalities
from handlers.catalogue.screen import catalogue_screen
from handlers.forms.typed import REJECTED, parse_typed
from handlers.system.cancel import cancel_button
from storage.catalogue.entries import EntryKind, add_entry, change_entry, entries, find_entry
from storage.clock import Clock
from storage.people.actor import Actor

NAMING_KEY = "catalogue_naming"


class CatalogueNaming(StatesGroup):
    name = State()


async def ask_name(message: Message, state: FSMContext, prompt: str, task: dict[str, Any]) -> None:
    """`task`: municipality_id and either entry_id (rename) or kind and form_code (add)."""
    await state.set_state(CatalogueNaming.name)
    await state.update_data({NAMING_KEY: task})
    hint = _("From 2 to 200 characters.")
    await message.answer(f"{prompt}\n<i>{hint}</i>", reply_markup=markup([[cancel_button()]]))


async def finish_naming(state: FSMContext) -> None:
    data = await state.get_data()
    data.pop(NAMING_KEY, None)
    await state.set_data(data)
    await state.set_state(None)


async def _taken(
    session: AsyncSession,
    municipality_id: int,
    kind: EntryKind,
    name: str,
    form_code: str | None,
    entry_id: int | None,
) -> bool:
    """Two entries with one name in one list would be indistinguishable on a button."""
    wanted = " ".join(name.split()).casefold()
    found = await entries(session, municipality_id, kind, include_hidden=True, form_code=form_code)
    return any(e.name.casefold() == wanted and e.id != entry_id for e in found)


async def name_typed(
    message: Message, session: AsyncSession, actor: Actor, clock: Clock, state: FSMContext
) -> None:
    task = (await state.get_data()).get(NAMING_KEY) or {}
    in_scope = await municipalities(session, actor)
    municipality = next((m for m in in_scope if m.id == task.get("municipality_id")), None)
    entry_id = task.get("entry_id")
    entry = (
        await find_entry(session, municipality.id, entry_id) if municipality and entry_id else None
    )
    if municipality is None or (entry_id and entry is None):
        await finish_naming(state)
        await message.answer(_("This entry is not in the municipality's catalogue."))
        return
    name = await parse_typed(message, NAME, clock.now().date())
    if name is REJECTED:
        return
    kind = entry.kind if entry else EntryKind(task["kind"])
    form_code = entry.form_code if entry else task.get("form_code")
    if await _taken(session, municipality.id, kind, name, form_code, entry_id):
        await message.answer(_("There is already an entry with this name; please choose another."))
        return
    if entry is not None:
        await change_entry(session, municipality.id, entry.id, clock.now(), name=name)
    else:
        await add_entry(session, municipality.id, kind, name, clock.now(), form_code=form_code)
    await finish_naming(state)
    await message.answer(_("Saved."))
    text, keyboard = await catalogue_screen(session, municipality, len(in_scope) > 1)
    await message.answer(text, reply_markup=keyboard)


def build_router() -> Router:
    router = Router(name="catalogue_naming")
    # Commands pass through, so /cancel and /help work while a name is awaited.
    router.message.register(
        name_typed, CatalogueNaming.name, ~F.text.startswith("/"), Allowed("catalogue")
    )
    return router
