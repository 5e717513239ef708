"""/programme: the personalised programme of a pair or group (seed 000; seed 001 §V).

Mentors and mentees see the programmes they are members of, curators those of their
schools; active ones first, closed ones marked and read-only. The mentor fills in the
content, the mentee comments, the mentor or the curator closes it.
"""

from __future__ import annotations

from aiogram import Router
from aiogram.filters import Command
from aiogram.fsm.context import FSMContext
from aiogram.types import CallbackQuery, InlineKeyboardMarkup, Message
from aiogram.utils.i18n import gettext as _
from sqlalchemy.ext.asyncio import AsyncSession

from handlers.access import Allowed
from handlers.programmes.card import show_card
from handlers.programmes.common import ProgrammeList, ProgrammeOpen, button, checked
from handlers.ui.screens import replace_screen
from storage.models.enums import Role
from storage.people.actor import Actor
from storage.programmes.content import member_names, programmes_for

PAGE_SIZE = 10
LABEL_LENGTH = 60


def _label(names: list[tuple[str, str | None]], closed: bool) -> str:
    mentors = ", ".join(n or "—" for role, n in names if role == "mentor")
    mentees = ", ".join(n or "—" for role, n in names if role == "mentee")
    label = f"{mentors} → {mentees}"
    if len(label) > LABEL_LENGTH:
        label = label[: LABEL_LENGTH - 1] + "…"
    return ("🔒 " if closed else "") + label


async def _chooser(
    session: AsyncSession, actor: Actor, page: int
) -> tuple[str, InlineKeyboardMarkup | None, int | None]:
    """The list text and keyboard, or the single programme's id when there is nothing to choose."""
    found = await programmes_for(session, actor.person_id, actor.org_ids(Role.curator))
    if not found:
        text = _(
            "There are no programmes to show yet. A pair or group appears here once "
            "every member has accepted it."
        )
        return text, None, None
    if len(found) == 1:
        return "", None, found[0][0].id
    pages = (len(found) + PAGE_SIZE - 1) // PAGE_SIZE
    page = min(max(page, 0), pages - 1)
    shown = found[page * PAGE_SIZE : (page + 1) * PAGE_SIZE]
    names = await member_names(session, [p.id for p, _role in shown])
    rows = [
        [button(_label(names[p.id], p.status == "closed"), ProgrammeOpen(programme_id=p.id))]
        for p, _role in shown
    ]
    navigation = []
    if page > 0:
        navigation.append(button("◀", ProgrammeList(page=page - 1)))
    if page < pages - 1:
        navigation.append(button("▶", ProgrammeList(page=page + 1)))
    if navigation:
        rows.append(navigation)
    text = _("Choose a programme (🔒 — closed):")
    if pages > 1:
        text += " " + _("page {page} of {pages}").format(page=page + 1, pages=pages)
    return text, InlineKeyboardMarkup(inline_keyboard=rows), None


async def programme_requested(
    message: Message, session: AsyncSession, actor: Actor, state: FSMContext
) -> None:
    await state.clear()
    text, markup, single = await _chooser(session, actor, 0)
    if single is not None:
        await show_card(message, session, actor, single, edit=False)
    else:
        await message.answer(text, reply_markup=markup)


async def list_pressed(
    query: CallbackQuery,
    callback_data: ProgrammeList,
    session: AsyncSession,
    actor: Actor,
    state: FSMContext,
) -> None:
    await state.set_state(None)
    await query.answer()
    if not isinstance(query.message, Message):
        return
    text, markup, single = await _chooser(session, actor, callback_data.page)
    if single is not None:
        await show_card(query.message, session, actor, single, edit=True)
    else:
        await replace_screen(query.message, text, markup)


async def programme_opened(
    query: CallbackQuery, callback_data: ProgrammeOpen, session: AsyncSession, actor: Actor
) -> None:
    if await checked(query, session, actor, callback_data.programme_id) is None:
        return
    await query.answer()
    if isinstance(query.message, Message):
        await show_card(query.message, session, actor, callback_data.programme_id, edit=True)


def build_router() -> Router:
    router = Router(name="programme")
    allowed = Allowed("programme")
    router.message.register(programme_requested, Command("programme"), allowed)
    router.callback_query.register(list_pressed, ProgrammeList.filter(), allowed)
    router.callback_query.register(programme_opened, ProgrammeOpen.filter(), allowed)
    return router
