"""The buttons of the meeting log: answers to the questions and changes from the summary.

Every value that comes back in callback data is checked against what the question offered,
and the programme against the actor's right to log for it (meeting_common.draft_access).
"""

from __future__ import annotations

import re
from typing import Any

from aiogram import Router
from aiogram.fsm.context import FSMContext
from aiogram.types import CallbackQuery, Message
from aiogram.utils.i18n import gettext as _
from aiogram.utils.i18n import ngettext
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from handlers.access import Allowed
from handlers.meetings.common import MeetingLog, MeetingStep, draft_access, put_draft
from handlers.meetings.log import chosen_date, date_problem
from handlers.meetings.questions import (
    DURATIONS,
    activity_question,
    calendar_markup,
    date_question,
    duration_question,
    format_question,
    notes_question,
    photo_question,
    plan_question,
    topic_question,
    who_question,
)
from handlers.meetings.summary import show_next
from handlers.programmes.common import Access, school_today
from storage.clock import Clock
from storage.meetings.people import active_members, programme_mentees
from storage.meetings.writing import ACTIVITIES, FORMATS, MAX_PHOTOS
from storage.models.enums import Role
from storage.models.programmes import PlanItem
from storage.people.actor import Actor
from storage.settings import Settings

STALE = object()


async def _plan_items(session: AsyncSession, programme_id: int) -> list[tuple[int, str]]:
    rows = await session.execute(
        select(PlanItem.id, PlanItem.title)
        .where(PlanItem.programme_id == programme_id, PlanItem.status != "cancelled")
        .order_by(PlanItem.due_on.is_(None), PlanItem.due_on, PlanItem.id)
    )
    return [tuple(row) for row in rows.all()]


async def _who(session: AsyncSession, access: Access) -> list[tuple[int, str]]:
    mentees = await programme_mentees(session, access.programme.id)
    active = set(
        await active_members(
            session, [p for p, _n in mentees], access.programme.school_id, Role.mentee
        )
    )
    return [(pid, name) for pid, name in mentees if pid in active]


async def _ask(
    message: Message,
    session: AsyncSession,
    state: FSMContext,
    draft: dict[str, Any],
    access: Access,
    field: str,
    today: Any,
) -> bool:
    """Show the question for `field`; False when there is no such question."""
    simple = {
        "held_on": (MeetingLog.date, lambda: date_question(today)),
        "format": (MeetingLog.choosing, format_question),
        "duration": (MeetingLog.duration, duration_question),
        "activity": (MeetingLog.choosing, activity_question),
        "topic": (MeetingLog.topic, topic_question),
        "notes": (MeetingLog.notes, notes_question),
        "photo": (MeetingLog.photo, photo_question),
    }
    if field in simple:
        next_state, question = simple[field]
        text, markup = question()
    elif field == "plan":
        next_state = MeetingLog.choosing
        text, markup = plan_question(await _plan_items(session, access.programme.id))
    elif field == "who" and access.programme.is_group:
        next_state = MeetingLog.choosing
        text, markup = who_question(await _who(session, access), draft["attendees"])
    else:
        return False
    await state.set_state(next_state)
    await message.answer(text, reply_markup=markup)
    return True


async def step_pressed(
    query: CallbackQuery,
    callback_data: MeetingStep,
    session: AsyncSession,
    actor: Actor,
    state: FSMContext,
    clock: Clock,
    settings: Settings,
) -> None:
    message = query.message
    if not isinstance(message, Message):
        return
    current = await draft_access(query, session, actor, state)
    if current is None:
        return
    draft, access = current
    action, value = callback_data.action, callback_data.value
    today = await school_today(session, settings, clock, access.programme.school_id)
    if action == "noop":
        await query.answer()
        return
    if action == "cal":
        if not re.fullmatch(r"\d{4}-\d{2}", value) or not 1 <= int(value[5:]) <= 12:
            await query.answer(_("This button is no longer active."), show_alert=True)
            return
        await query.answer()
        await message.edit_reply_markup(
            reply_markup=calendar_markup(value, access.programme.starts_on, today)
        )
        return
    if action == "who":
        await _toggle(query, session, state, draft, access, value)
        return
    if action == "who_done" and not draft["attendees"]:
        await query.answer(_("Tick at least one mentee who came."), show_alert=True)
        return
    if action == "ask" and value == "photo" and len(draft["photos"]) >= MAX_PHOTOS:
        await query.answer(
            ngettext(
                "At most {count} photo per meeting.",
                "At most {count} photos per meeting.",
                MAX_PHOTOS,
            ).format(count=MAX_PHOTOS),
            show_alert=True,
        )
        return
    changed = await _apply(message, session, draft, access, action, value, today)
    if changed is STALE:
        await query.answer(_("This button is no longer active."), show_alert=True)
        return
    await query.answer()
    await message.edit_reply_markup(reply_markup=None)
    if isinstance(changed, str):
        # A date outside the pair's time: say what is expected, and ask again.
        await message.answer(changed + "\n" + _("Please try again."))
        await _ask(message, session, state, draft, access, "held_on", today)
        return
    if action == "ask":
        await put_draft(state, draft)
        if await _ask(message, session, state, draft, access, value, today):
            return
    await show_next(message, session, state, draft, access, today)


async def _apply(
    message: Message,
    session: AsyncSession,
    draft: dict[str, Any],
    access: Access,
    action: str,
    value: str,
    today: Any,
) -> Any:
    """Put the chosen value into the draft; STALE for a value no question offered, a text
    for a date that does not fit, None otherwise."""
    if action == "date":
        chosen = chosen_date(value, today)
        if chosen is None:
            return STALE
        problem = date_problem(chosen, access.programme.starts_on, today)
        if problem:
            return problem
        draft["held_on"] = chosen.isoformat()
    elif action == "format" and value in FORMATS:
        draft["format"] = value
    elif action == "duration" and value.isdigit() and int(value) in DURATIONS:
        draft["duration"] = int(value)
    elif action == "activity" and value in ACTIVITIES:
        draft["activity"] = value
    elif action == "plan":
        items = {
            str(item_id) for item_id, _title in await _plan_items(session, access.programme.id)
        }
        if value != "0" and value not in items:
            return STALE
        draft["plan_item_id"] = int(value) if value != "0" else None
    elif action == "clear" and value in ("topic", "notes"):
        draft[value] = None
    elif action == "publish" and value in ("yes", "no") and draft.get("pending_photo"):
        draft["photos"].append({**draft.pop("pending_photo"), "publish": value == "yes"})
    elif action not in ("back", "ask", "who_done"):
        return STALE
    return None


async def _toggle(
    query: CallbackQuery,
    session: AsyncSession,
    state: FSMContext,
    draft: dict[str, Any],
    access: Access,
    value: str,
) -> None:
    mentees = await _who(session, access)
    if not value.isdigit() or int(value) not in {pid for pid, _name in mentees}:
        await query.answer(_("This button is no longer active."), show_alert=True)
        return
    pid = int(value)
    present = draft["attendees"]
    draft["attendees"] = [p for p in present if p != pid] if pid in present else [*present, pid]
    await put_draft(state, draft)
    await query.answer()
    if isinstance(query.message, Message):
        await query.message.edit_reply_markup(
            reply_markup=who_question(mentees, draft["attendees"])[1]
        )


def build_router() -> Router:
    router = Router(name="meeting_steps")
    router.callback_query.register(step_pressed, MeetingStep.filter(), Allowed("meeting"))
    return router
