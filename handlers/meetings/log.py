"""/meeting: the mentor logs a meeting of a pair or group.

The pair is chosen (skipped when there is one), then the date; format, duration and activity
come from the mentor's last log, so the common case is «Today» and «Save». The request key made
here travels to the Save button: a double tap finds the meeting saved by the first one.
"""

from __future__ import annotations

import uuid
from datetime import date, timedelta
from typing import Any

from aiogram import Router
from aiogram.filters import Command
from aiogram.fsm.context import FSMContext
from aiogram.types import CallbackQuery, InlineKeyboardMarkup, Message
from aiogram.utils.i18n import gettext as _
from sqlalchemy.ext.asyncio import AsyncSession

from handlers.access import Allowed
from handlers.meetings.common import MeetingPick, may_log, refusal
from handlers.meetings.summary import show_next
from handlers.programmes.common import button, programme_access, school_today, show_date
from storage.clock import Clock
from storage.meetings.people import active_members, programme_mentees
from storage.meetings.read import last_defaults
from storage.models.enums import Role
from storage.people.actor import Actor
from storage.programmes.content import member_names, programmes_for
from storage.settings import Settings

LABEL_LENGTH = 60


async def loggable(session: AsyncSession, actor: Actor) -> list[int]:
    """Active programmes the actor mentors and may log meetings for, newest first."""
    found = await programmes_for(session, actor.person_id, set())
    ids = [p.id for p, role in found if role == "mentor" and p.status == "active"]
    return [pid for pid in ids if may_log(await programme_access(session, actor, pid))]


async def meeting_requested(
    message: Message,
    session: AsyncSession,
    actor: Actor,
    state: FSMContext,
    clock: Clock,
    settings: Settings,
) -> None:
    await state.clear()
    ids = await loggable(session, actor)
    if not ids:
        await message.answer(
            _(
                "You have no active pair or group to log a meeting for. A pair appears here "
                "once its members have accepted it."
            )
        )
        return
    if len(ids) == 1:
        await start_draft(message, session, actor, state, clock, settings, ids[0])
        return
    names = await member_names(session, ids)
    rows = []
    for pid in ids:
        mentees = ", ".join(n or "—" for role, n in names[pid] if role == "mentee")
        label = mentees if len(mentees) <= LABEL_LENGTH else mentees[: LABEL_LENGTH - 1] + "…"
        rows.append([button(label, MeetingPick(programme_id=pid))])
    await message.answer(
        _("Which pair or group did you meet?"),
        reply_markup=InlineKeyboardMarkup(inline_keyboard=rows),
    )


async def pair_picked(
    query: CallbackQuery,
    callback_data: MeetingPick,
    session: AsyncSession,
    actor: Actor,
    state: FSMContext,
    clock: Clock,
    settings: Settings,
) -> None:
    access = await programme_access(session, actor, callback_data.programme_id)
    if not may_log(access):
        await query.answer(refusal(access), show_alert=True)
        return
    await query.answer()
    if isinstance(query.message, Message):
        await query.message.edit_reply_markup(reply_markup=None)
        await start_draft(
            query.message, session, actor, state, clock, settings, callback_data.programme_id
        )


async def start_draft(
    message: Message,
    session: AsyncSession,
    actor: Actor,
    state: FSMContext,
    clock: Clock,
    settings: Settings,
    programme_id: int,
) -> None:
    access = await programme_access(session, actor, programme_id)
    if not may_log(access):
        await message.answer(refusal(access))
        return
    programme = access.programme
    today = await school_today(session, settings, clock, programme.school_id)
    if programme.starts_on > today:
        await message.answer(
            _("The pair starts on {date}; meetings can be logged from that day.").format(
                date=show_date(programme.starts_on)
            )
        )
        return
    mentees = [pid for pid, _name in await programme_mentees(session, programme.id)]
    present = await active_members(session, mentees, programme.school_id, Role.mentee)
    if not present:
        await message.answer(
            _(
                "None of the mentees of this pair or group takes part right now (awaiting the "
                "guardian's consent or deactivated); ask the curator."
            )
        )
        return
    defaults = await last_defaults(session, actor.person_id) or {}
    draft: dict[str, Any] = {
        "pid": programme.id,
        "key": uuid.uuid4().hex,  # the request key: one conversation saves one meeting
        "held_on": None,
        "format": defaults.get("format"),
        "duration": defaults.get("duration"),
        "activity": defaults.get("activity"),
        "topic": None,
        "notes": None,
        "plan_item_id": None,
        "attendees": present,
        "photos": [],
    }
    await state.set_state(None)
    await show_next(message, session, state, draft, access, today)


def chosen_date(value: str, today: date) -> date | None:
    if value == "today":
        return today
    if value == "yesterday":
        return today - timedelta(days=1)
    try:
        return date.fromisoformat(value)
    except ValueError:
        return None


def date_problem(value: date, earliest: date, today: date) -> str | None:
    """Why the date cannot be the meeting's, in words; None when it can."""
    if value > today:
        return _(
            "A meeting is logged once it has taken place: the date cannot be later than "
            "today, {today}."
        ).format(today=show_date(today))
    if value < earliest:
        return _("The pair started on {start}; the meeting cannot be earlier.").format(
            start=show_date(earliest)
        )
    return None


def build_router() -> Router:
    router = Router(name="meeting_log")
    allowed = Allowed("meeting")
    router.message.register(meeting_requested, Command("meeting"), allowed)
    router.callback_query.register(pair_picked, MeetingPick.filter(), allowed)
    return router
