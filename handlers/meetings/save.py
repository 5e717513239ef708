"""Saving the summary: a new meeting (once per request key) or the changes to one.

The database is written first, then the mentor is answered, then the mentees are asked; a
mentee who cannot be reached never undoes the saved meeting.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from aiogram import Bot, Router
from aiogram.fsm.context import FSMContext
from aiogram.types import CallbackQuery, Message
from aiogram.utils.i18n import I18n
from aiogram.utils.i18n import gettext as _
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from handlers.access import Allowed
from handlers.meetings.common import MeetingSave, draft_access, finish, get_draft, iso
from handlers.meetings.confirm import ask_attendees
from handlers.meetings.summary import show_next
from handlers.programmes.common import school_today, show_date
from storage.clock import Clock
from storage.meetings.edit import edit_meeting
from storage.meetings.writing import (
    Draft,
    MeetingError,
    Photo,
    by_request_key,
    log_meeting,
)
from storage.models.meetings import Meeting, MeetingAttendee
from storage.people.actor import Actor
from storage.settings import Settings


def problem_text(code: str) -> str:
    return {
        "inactive": _("The programme is closed; meetings can no longer be logged for it."),
        "date": _("The date does not fit: not later than today and not before the pair started."),
        "attendees": _("Tick at least one mentee who came."),
        "gone": _("This meeting has been deleted."),
        "not_yours": _("Only the mentor who logged a meeting can change it."),
        "expired": _("A meeting can be changed for 7 days after it was logged."),
        "stale": _(
            "This meeting was changed meanwhile, perhaps from another screen. Open it again "
            "in /meetings."
        ),
    }.get(code, _("Some value does not fit; please check the summary."))


def _values(draft: dict[str, Any]) -> dict[str, Any]:
    return {
        "held_on": iso(draft["held_on"]),
        "format": draft["format"],
        "duration_minutes": draft["duration"],
        "activity": draft["activity"],
        "topic": draft.get("topic"),
        "notes": draft.get("notes"),
        "plan_item_id": draft.get("plan_item_id"),
    }


async def save_pressed(
    query: CallbackQuery,
    callback_data: MeetingSave,
    session: AsyncSession,
    actor: Actor,
    state: FSMContext,
    clock: Clock,
    settings: Settings,
    bot: Bot,
    i18n: I18n,
) -> None:
    message = query.message
    draft = await get_draft(state)
    if draft is None or draft.get("key") != callback_data.key:
        saved = await by_request_key(session, callback_data.key)
        if saved is not None and saved.logged_by == actor.person_id:
            await query.answer(_("This meeting is already saved."), show_alert=True)
        else:
            await query.answer(_("This button is no longer active."), show_alert=True)
        return
    current = await draft_access(query, session, actor, state)
    if current is None or not isinstance(message, Message):
        return
    draft, access = current
    today = await school_today(session, settings, clock, access.programme.school_id)
    if draft.get("edit_id"):
        await _save_changes(query, message, session, actor, state, draft, access, today, clock)
        await _ask_again(session, bot, i18n, draft)
        return
    photos = [Photo(p["file_id"], p["unique"], p["publish"]) for p in draft["photos"]]
    values = _values(draft)
    try:
        meeting, created = await log_meeting(
            session,
            Draft(
                programme_id=access.programme.id,
                attendee_ids=draft["attendees"],
                photos=photos,
                **values,
            ),
            actor.person_id,
            draft["key"],
            today,
            clock.now(),
        )
    except MeetingError as error:
        await query.answer()
        await message.answer(problem_text(error.code))
        await show_next(message, session, state, draft, access, today)
        return
    await finish(state)
    await query.answer()
    await message.edit_reply_markup(reply_markup=None)
    if not created:
        await message.answer(_("This meeting is already saved."))
        return
    await message.answer(
        _(
            "Saved: the meeting on {date}. The mentees are asked to confirm it; "
            "see /meetings for the answers."
        ).format(date=show_date(meeting.held_on))
    )
    await ask_attendees(session, bot, i18n, meeting, draft["attendees"])


async def _save_changes(
    query: CallbackQuery,
    message: Message,
    session: AsyncSession,
    actor: Actor,
    state: FSMContext,
    draft: dict[str, Any],
    access: Any,
    today: date,
    clock: Clock,
) -> None:
    try:
        _meeting, changes = await edit_meeting(
            session,
            draft["edit_id"],
            actor.person_id,
            draft["version"],
            _values(draft),
            today,
            clock.now(),
            attendee_ids=draft["attendees"],
        )
    except MeetingError as error:
        await query.answer()
        if error.code in ("date", "value", "attendees"):
            await message.answer(problem_text(error.code))
            await show_next(message, session, state, draft, access, today)
            return
        await finish(state)
        await message.edit_reply_markup(reply_markup=None)
        await message.answer(problem_text(error.code))
        return
    await finish(state)
    await query.answer()
    await message.edit_reply_markup(reply_markup=None)
    if not changes:
        await message.answer(_("Nothing has changed."))
        return
    await message.answer(_("The changes are saved; the previous values stay in the history."))
    draft["reask"] = "held_on" in changes
    before, after = changes.get("attendees", [[], []])
    draft["added"] = sorted(set(after) - set(before))


async def _ask_again(session: AsyncSession, bot: Bot, i18n: I18n, draft: dict[str, Any]) -> None:
    """A changed date: the mentees' answers were about the old one, so they are asked again;
    mentees added to who came are asked for the first time."""
    if not draft.get("reask") and not draft.get("added"):
        return
    meeting = await session.get(Meeting, draft["edit_id"])
    if draft.get("reask"):
        attendees = await session.scalars(
            select(MeetingAttendee.person_id).where(MeetingAttendee.meeting_id == meeting.id)
        )
        asked = list(attendees.all())
    else:
        asked = draft["added"]
    await ask_attendees(session, bot, i18n, meeting, asked)


def build_router() -> Router:
    router = Router(name="meeting_save")
    router.callback_query.register(save_pressed, MeetingSave.filter(), Allowed("meeting"))
    return router
