"""Typed answers of the meeting log: a date, minutes, the topic, notes, and a photo.

A value that does not fit gets a message saying what is expected, then the question again;
the draft is unchanged.
"""

from __future__ import annotations

import re
from datetime import date
from typing import Any

from aiogram import F, Router
from aiogram.fsm.context import FSMContext
from aiogram.types import Message
from aiogram.utils.i18n import gettext as _
from sqlalchemy.ext.asyncio import AsyncSession

from handlers.access import Allowed
from handlers.forms.fields import FieldError, integer, text
from handlers.meetings.common import MeetingLog, draft_access, put_draft
from handlers.meetings.log import date_problem
from handlers.meetings.questions import (
    date_question,
    duration_question,
    notes_question,
    publish_question,
    topic_question,
)
from handlers.meetings.summary import show_next
from handlers.programmes.common import school_today, show_date
from storage.clock import Clock
from storage.meetings.writing import DURATION, NOTES_LENGTH, TOPIC_LENGTH
from storage.people.actor import Actor
from storage.settings import Settings


def _date(raw: str, earliest: date, today: date) -> str:
    found = re.fullmatch(r"(\d{1,2})\.(\d{1,2})\.(\d{4})", raw.strip())
    try:
        value = date(int(found[3]), int(found[2]), int(found[1])) if found else None
    except ValueError:
        value = None
    if value is None:
        raise FieldError(
            _("Expected a date as DD.MM.YYYY, for example {today}.").format(today=show_date(today))
        )
    problem = date_problem(value, earliest, today)
    if problem:
        raise FieldError(problem)
    return value.isoformat()


FIELDS: dict[str, tuple[str, Any, Any]] = {
    # state name: (draft key, parser maker, question)
    "date": ("held_on", None, date_question),
    "duration": ("duration", lambda: integer(*DURATION), duration_question),
    "topic": ("topic", lambda: text(1, TOPIC_LENGTH), topic_question),
    "notes": ("notes", lambda: text(1, NOTES_LENGTH), notes_question),
}


async def value_typed(
    message: Message,
    session: AsyncSession,
    actor: Actor,
    state: FSMContext,
    clock: Clock,
    settings: Settings,
) -> None:
    current = await draft_access(message, session, actor, state)
    if current is None:
        return
    draft, access = current
    today = await school_today(session, settings, clock, access.programme.school_id)
    name = (await state.get_state() or "").split(":")[-1]
    key, parser, question = FIELDS[name]
    if message.text is None:
        await message.answer(_("Please answer with text."))
        return
    try:
        if key == "held_on":
            value = _date(message.text, access.programme.starts_on, today)
        else:
            value = parser()(message.text, today)
    except FieldError as error:
        again = _("Please try again.")
        await message.answer(f"{error}\n{again}")
        text_, markup = question(today) if key == "held_on" else question()
        await message.answer(text_, reply_markup=markup)
        return
    draft[key] = value
    await show_next(message, session, state, draft, access, today)


async def photo_sent(
    message: Message, session: AsyncSession, actor: Actor, state: FSMContext
) -> None:
    current = await draft_access(message, session, actor, state)
    if current is None:
        return
    draft, _access = current
    biggest = message.photo[-1]
    draft["pending_photo"] = {"file_id": biggest.file_id, "unique": biggest.file_unique_id}
    await put_draft(state, draft)
    await state.set_state(MeetingLog.choosing)
    text_, markup = publish_question()
    await message.answer(text_, reply_markup=markup)


async def not_a_photo(message: Message) -> None:
    await message.answer(_("Please send a photo, or go back to the summary with the button."))


async def buttons_expected(message: Message) -> None:
    await message.answer(_("Please answer with the buttons above."))


def build_router() -> Router:
    router = Router(name="meeting_input")
    allowed = Allowed("meeting")
    typed = F.text & ~F.text.startswith("/")  # commands pass: /cancel and /help keep working
    for state in (MeetingLog.date, MeetingLog.duration, MeetingLog.topic, MeetingLog.notes):
        router.message.register(value_typed, state, typed, allowed)
    router.message.register(photo_sent, MeetingLog.photo, F.photo, allowed)
    router.message.register(not_a_photo, MeetingLog.photo, ~F.text.startswith("/"), allowed)
    for state in (MeetingLog.choosing, MeetingLog.summary):
        router.message.register(buttons_expected, state, ~F.text.startswith("/"), allowed)
    return router
