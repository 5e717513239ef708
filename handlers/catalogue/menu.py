"""/catalogue: a coordinator keeps the municipality's forms, role models and kinds of
mentoring, and decides whether teacher–teacher pairs may span its schools.

Entries are renamed or hidden, never deleted: programmes that use one must keep it.
"""

from __future__ import annotations

from html import escape

from aiogram import Router
from aiogram.filters import Command
from aiogram.fsm.context import FSMContext
from aiogram.types import CallbackQuery, Message
from aiogram.utils.i18n import gettext as _
from sqlalchemy.ext.asyncio import AsyncSession

from handlers.access import Allowed
from handlers.catalogue.common import (
    CHOOSE,
    CatAdd,
    CatCross,
    CatEntry,
    CatList,
    CatOpen,
    checked_entry,
    checked_municipality,
    municipalities,
    show,
)
from handlers.catalogue.naming import CatalogueNaming, ask_name, finish_naming
from handlers.catalogue.screen import (
    catalogue_screen,
    choice_screen,
    entry_screen,
    forms_for_model,
    section_screen,
)
from storage.catalogue.entries import EntryKind, change_entry, entries
from storage.clock import Clock
from storage.pairing.cross_school import set_cross_school
from storage.people.actor import Actor


async def catalogue_requested(
    message: Message, session: AsyncSession, actor: Actor, state: FSMContext
) -> None:
    if await state.get_state() == CatalogueNaming.name.state:
        # A new /catalogue abandons a name that was being typed.
        await finish_naming(state)
    found = await municipalities(session, actor)
    if not found:
        await message.answer(_("There are no municipalities in your scope yet."))
        return
    if len(found) == 1:
        text, keyboard = await catalogue_screen(session, found[0], several=False)
    else:
        text, keyboard = choice_screen(found)
    await message.answer(text, reply_markup=keyboard)


async def municipality_opened(
    query: CallbackQuery, callback_data: CatOpen, session: AsyncSession, actor: Actor
) -> None:
    found = await municipalities(session, actor)
    if callback_data.municipality_id == CHOOSE and len(found) > 1:
        await query.answer()
        await show(query, *choice_screen(found, callback_data.page))
        return
    # A stale «other municipalities» tap after the scope shrank to one opens that one.
    wanted = found[0].id if callback_data.municipality_id == CHOOSE and found else None
    municipality = await checked_municipality(
        query, session, actor, wanted or callback_data.municipality_id
    )
    if municipality is None:
        return
    await query.answer()
    await show(query, *await catalogue_screen(session, municipality, len(found) > 1))


async def section_opened(
    query: CallbackQuery, callback_data: CatList, session: AsyncSession, actor: Actor
) -> None:
    if await checked_municipality(query, session, actor, callback_data.municipality_id) is None:
        return
    await query.answer()
    await show(
        query, *await section_screen(session, callback_data.municipality_id, callback_data.kind)
    )


async def entry_pressed(
    query: CallbackQuery,
    callback_data: CatEntry,
    session: AsyncSession,
    actor: Actor,
    clock: Clock,
    state: FSMContext,
) -> None:
    m_id = callback_data.municipality_id
    if await checked_municipality(query, session, actor, m_id) is None:
        return
    entry = await checked_entry(query, session, m_id, callback_data.entry_id)
    if entry is None:
        return
    action = callback_data.action
    if action == "rename":
        await query.answer()
        assert isinstance(query.message, Message)
        await ask_name(
            query.message,
            state,
            _("New name for «{name}»?").format(name=escape(entry.name)),
            {"municipality_id": m_id, "entry_id": entry.id},
        )
        return
    if action in ("hide", "show"):
        changed = await change_entry(session, m_id, entry.id, clock.now(), hidden=action == "hide")
        assert changed is not None
        entry = changed
        await query.answer(_("Hidden.") if entry.hidden else _("Shown again."))
    elif action == "menu":
        await query.answer()
    else:
        await query.answer(_("This button is no longer active."))
        return
    await show(query, *entry_screen(m_id, entry))


async def add_pressed(
    query: CallbackQuery,
    callback_data: CatAdd,
    session: AsyncSession,
    actor: Actor,
    state: FSMContext,
) -> None:
    m_id, kind = callback_data.municipality_id, callback_data.kind
    if await checked_municipality(query, session, actor, m_id) is None:
        return
    task: dict[str, object] = {"municipality_id": m_id, "kind": kind.value}
    if kind == EntryKind.role_model:
        if not callback_data.form_id:
            await query.answer()
            forms = await entries(session, m_id, EntryKind.form)
            await show(query, *forms_for_model(m_id, forms))
            return
        form = await checked_entry(query, session, m_id, callback_data.form_id, EntryKind.form)
        if form is None:
            return
        task["form_code"] = form.code
        prompt = _("Name of the new role model for «{form}»?").format(form=escape(form.name))
    elif kind == EntryKind.form:
        prompt = _("Name of the new form of mentoring?")
    else:
        prompt = _("Name of the new kind of mentoring?")
    await query.answer()
    assert isinstance(query.message, Message)
    await ask_name(query.message, state, prompt, task)


async def cross_school_pressed(
    query: CallbackQuery,
    callback_data: CatCross,
    session: AsyncSession,
    actor: Actor,
    clock: Clock,
) -> None:
    municipality = await checked_municipality(query, session, actor, callback_data.municipality_id)
    if municipality is None:
        return
    await set_cross_school(
        session, municipality.id, callback_data.allowed, actor.person_id, clock.now()
    )
    await query.answer(
        _("Teachers of different schools may now be paired.")
        if callback_data.allowed
        else _("Pairs are formed inside one school again.")
    )
    several = len(await municipalities(session, actor)) > 1
    await show(query, *await catalogue_screen(session, municipality, several))


def build_router() -> Router:
    router = Router(name="catalogue")
    allowed = Allowed("catalogue")
    router.message.register(catalogue_requested, Command("catalogue"), allowed)
    router.callback_query.register(municipality_opened, CatOpen.filter(), allowed)
    router.callback_query.register(section_opened, CatList.filter(), allowed)
    router.callback_query.register(entry_pressed, CatEntry.filter(), allowed)
    router.callback_query.register(add_pressed, CatAdd.filter(), allowed)
    router.callback_query.register(cross_school_pressed, CatCross.filter(), allowed)
    return router
