"""A meeting's card buttons: the mentor changes or deletes their log (7 days), the curator gets
the photos back. A screen drawn before another change carries the old version and is refused."""

from __future__ import annotations

import uuid

from aiogram import Bot, Router
from aiogram.fsm.context import FSMContext
from aiogram.types import CallbackQuery, InlineKeyboardMarkup, Message
from aiogram.utils.i18n import gettext as _
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from handlers.access import Allowed
from handlers.meetings.common import MeetingAct, MeetingsPage, may_log, refusal
from handlers.meetings.photos import caption, send_photo
from handlers.meetings.save import problem_text
from handlers.meetings.summary import show_next
from handlers.programmes.common import button, programme_access, school_today, show_date
from handlers.ui.screens import replace_screen
from storage.clock import Clock
from storage.meetings.edit import delete_meeting, editable_until
from storage.meetings.read import may_see
from storage.meetings.writing import MeetingError
from storage.models.enums import Role
from storage.models.meetings import Meeting, MeetingAttendee, MeetingPhoto
from storage.models.programmes import Programme
from storage.people.actor import Actor
from storage.settings import Settings


def _check(meeting: Meeting, actor: Actor, version: int, clock: Clock) -> str | None:
    """Why the actor may not change the meeting from this screen; None if they may."""
    if meeting.logged_by != actor.person_id:
        return "not_yours"
    if clock.now() > editable_until(meeting):
        return "expired"
    if meeting.version != version:
        return "stale"
    return None


async def act_pressed(
    query: CallbackQuery,
    callback_data: MeetingAct,
    session: AsyncSession,
    actor: Actor,
    state: FSMContext,
    clock: Clock,
    settings: Settings,
    bot: Bot,
) -> None:
    message = query.message
    meeting_id = callback_data.meeting_id
    if not isinstance(message, Message) or not await may_see(
        session, meeting_id, actor.person_id, actor.org_ids(Role.curator)
    ):
        await query.answer(_("This meeting is not available to you."), show_alert=True)
        return
    meeting = await session.get(Meeting, meeting_id)
    if callback_data.action == "photos":
        await _send_photos(query, session, actor, bot, meeting)
        return
    access = await programme_access(session, actor, meeting.programme_id)
    if not may_log(access):
        await query.answer(refusal(access), show_alert=True)
        return
    problem = _check(meeting, actor, callback_data.version, clock)
    if problem:
        await query.answer(problem_text(problem), show_alert=True)
        return
    if callback_data.action == "edit":
        await query.answer()
        await message.edit_reply_markup(reply_markup=None)
        attendees = await session.scalars(
            select(MeetingAttendee.person_id).where(MeetingAttendee.meeting_id == meeting.id)
        )
        draft = {
            "pid": meeting.programme_id,
            "key": uuid.uuid4().hex,
            "edit_id": meeting.id,
            "version": meeting.version,
            "held_on": meeting.held_on.isoformat(),
            "format": meeting.format,
            "duration": meeting.duration_minutes,
            "activity": meeting.activity,
            "topic": meeting.topic,
            "notes": meeting.notes,
            "plan_item_id": meeting.plan_item_id,
            "attendees": list(attendees.all()),
            "photos": [],
        }
        today = await school_today(session, settings, clock, access.programme.school_id)
        await show_next(message, session, state, draft, access, today)
    elif callback_data.action == "delete":
        await query.answer()
        ask = _(
            "Delete the meeting on {date}? It leaves the history and the reports; the audit "
            "trail keeps it."
        ).format(date=show_date(meeting.held_on))
        rows = [
            [button(_("🗑 Yes, delete"), callback_data.model_copy(update={"action": "delete_yes"}))],
            [button(_("◀ No, keep it"), MeetingsPage())],
        ]
        await replace_screen(message, ask, InlineKeyboardMarkup(inline_keyboard=rows))
    elif callback_data.action == "delete_yes":
        try:
            await delete_meeting(
                session, meeting.id, actor.person_id, callback_data.version, clock.now()
            )
        except MeetingError as error:
            await query.answer(problem_text(error.code), show_alert=True)
            return
        await query.answer()
        await replace_screen(
            message,
            _("The meeting on {date} is deleted.").format(date=show_date(meeting.held_on)),
            InlineKeyboardMarkup(inline_keyboard=[[button(_("◀ All meetings"), MeetingsPage())]]),
        )
    else:
        await query.answer(_("This button is no longer active."), show_alert=True)


async def _send_photos(
    query: CallbackQuery, session: AsyncSession, actor: Actor, bot: Bot, meeting: Meeting
) -> None:
    programme = await session.get(Programme, meeting.programme_id)
    if programme.school_id not in actor.org_ids(Role.curator):
        await query.answer(_("Only the school's curator receives the photos."), show_alert=True)
        return
    await query.answer()
    photos = await session.scalars(
        select(MeetingPhoto).where(MeetingPhoto.meeting_id == meeting.id).order_by(MeetingPhoto.id)
    )
    for photo in photos.all():
        await send_photo(bot, actor.telegram_id, photo.file_id, caption(photo, meeting.held_on))


def build_router() -> Router:
    router = Router(name="meeting_change")
    router.callback_query.register(act_pressed, MeetingAct.filter(), Allowed("meetings"))
    return router
