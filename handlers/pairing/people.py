"""The people steps of /pair: the school's mentees a page at a time, free ones first, and a
search by name (a school has hundreds of pupils); the mentors' full list.

The search lives in the conversation's data, so a page turn or a tick shows the same
filtered list; a new search sends a fresh list and takes the buttons off the old one.
"""

from __future__ import annotations

from html import escape
from typing import Any

from aiogram.exceptions import TelegramBadRequest
from aiogram.fsm.context import FSMContext
from aiogram.types import Message
from aiogram.utils.i18n import gettext as _
from aiogram.utils.i18n import ngettext
from sqlalchemy.ext.asyncio import AsyncSession

from handlers.pairing.view import people_keyboard
from storage.models.enums import Role
from storage.pairing.people import Candidate, school_mentees, school_people

SEARCH_LENGTH = 100


def folded(text: str) -> str:
    return " ".join(text.split()).casefold().replace("ё", "е")


def matches(name: str, search: str) -> bool:
    """Every word typed is a part of the name: «анна куз» finds «Кузнецова Анна»."""
    words = folded(search).split()
    return all(word in folded(name) for word in words)


def mentor_schools(data: dict[str, Any]) -> set[int]:
    """Mentors come from the curator's school, and from the municipality's other schools
    when its coordinator allows it (set by the mentor step)."""
    return set(data.get("mentor_schools") or [data["school_id"]])


async def candidates(session: AsyncSession, data: dict[str, Any], role: Role) -> list[Candidate]:
    """Everyone who may be picked for `role`, whatever the search shows."""
    if role == Role.mentee:
        return await school_mentees(session, data["school_id"])
    return await school_people(session, mentor_schools(data), role)


def shown(people: list[Candidate], data: dict[str, Any], role: Role) -> list[Candidate]:
    search = data.get("mentee_search") if role == Role.mentee else None
    return [p for p in people if matches(p.name, search)] if search else people


def mentees_text(data: dict[str, Any], found: int) -> str:
    prompt = _("Choose the mentees:") if data["group"] else _("Choose the mentee:")
    search = data.get("mentee_search")
    if not search:
        hint = _(
            "Free ones first; the others show how many mentors they already have. "
            "To find someone, type part of the name."
        )
    elif found:
        hint = _("Found for «{search}»: {count}. Type another part of the name to search again.")
    else:
        hint = _("Nobody found for «{search}». Type another part of the name, or show everyone.")
    return prompt + "\n" + hint.format(search=escape(search or ""), count=found)


def mentees_markup(people: list[Candidate], data: dict[str, Any]) -> Any:
    return people_keyboard(
        people,
        "mentee",
        data["mentees"],
        multiple=data["group"],
        page=data.get("mentees_page", 0),
        searching=bool(data.get("mentee_search")),
    )


async def ask_mentees(message: Message, state: FSMContext, session: AsyncSession) -> None:
    """A fresh list of mentees under the search in the data; the previous list loses its
    buttons so that only one list answers."""
    data = await state.get_data()
    everyone = await candidates(session, data, Role.mentee)
    if not everyone:
        await state.clear()
        await message.answer(_("The school has no mentees yet. Invite them with /invite."))
        return
    people = shown(everyone, data, Role.mentee)
    sent = await message.answer(
        mentees_text(data, len(people)), reply_markup=mentees_markup(people, data)
    )
    previous = data.get("mentee_list")
    await state.update_data(mentee_list=sent.message_id)
    if previous and previous != sent.message_id and message.bot is not None:
        try:
            await message.bot.edit_message_reply_markup(
                chat_id=message.chat.id, message_id=previous, reply_markup=None
            )
        except TelegramBadRequest:
            pass  # deleted by the person, or already without buttons


async def search_typed(message: Message, state: FSMContext, session: AsyncSession) -> None:
    search = " ".join((message.text or "").split())
    if not search or len(search) > SEARCH_LENGTH:
        await message.answer(
            ngettext(
                "To find a mentee, type part of the name (up to {n} character).",
                "To find a mentee, type part of the name (up to {n} characters).",
                SEARCH_LENGTH,
            ).format(n=SEARCH_LENGTH)
        )
        return
    await state.update_data(mentee_search=search, mentees_page=0)
    await ask_mentees(message, state, session)


async def search_cleared(message: Message, state: FSMContext, session: AsyncSession) -> None:
    await state.update_data(mentee_search=None, mentees_page=0)
    await ask_mentees(message, state, session)
