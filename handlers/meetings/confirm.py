"""The mentees' side: "did the meeting take place?", the optional rating, and the curator's
notice when a mentee says no.

Mentees whose role in the school is not active (awaiting the guardian's consent, deactivated)
are not written to. Messages go through notify.tell: a failed delivery loses nothing saved.
"""

from __future__ import annotations

from html import escape

from aiogram import Bot, Router
from aiogram.types import CallbackQuery, InlineKeyboardMarkup, Message
from aiogram.utils.i18n import I18n
from aiogram.utils.i18n import gettext as _
from sqlalchemy.ext.asyncio import AsyncSession

from handlers.access import Allowed
from handlers.meetings.common import MeetingAnswer, MeetingRate, activity_title, minutes
from handlers.programmes.common import button, show_date
from handlers.ui.notify import tell
from storage.clock import Clock
from storage.meetings.answers import answer, rate
from storage.meetings.people import active_members, school_curators
from storage.meetings.writing import MeetingError
from storage.models.core import Person
from storage.models.enums import Role
from storage.models.meetings import Meeting
from storage.models.programmes import Programme
from storage.pairing.people import recipients
from storage.people.actor import Actor


async def ask_attendees(
    session: AsyncSession, bot: Bot, i18n: I18n, meeting: Meeting, person_ids: list[int]
) -> None:
    programme = await session.get(Programme, meeting.programme_id)
    mentor = await session.get(Person, meeting.logged_by) if meeting.logged_by else None
    name = escape((mentor.full_name if mentor else None) or "—")
    active = await active_members(session, person_ids, programme.school_id, Role.mentee)
    people = await recipients(session, active)
    held_on = show_date(meeting.held_on)

    def render() -> str:
        logged = _("{name} logged a meeting with you: {activity}, {duration}.").format(
            name=name,
            activity=activity_title(meeting.activity),
            duration=minutes(meeting.duration_minutes),
        )
        question = _("Did the meeting on {date} take place?").format(date=held_on)
        return f"📝 {logged}\n\n<b>{question}</b>"

    def markup() -> InlineKeyboardMarkup:
        yes = MeetingAnswer(meeting_id=meeting.id, took_place=True)
        no = MeetingAnswer(meeting_id=meeting.id, took_place=False)
        return InlineKeyboardMarkup(
            inline_keyboard=[[button(_("✔ Yes, it did"), yes), button(_("✖ No, it did not"), no)]]
        )

    await tell(bot, i18n, people, render, markup)


def _rating_markup(meeting_id: int) -> InlineKeyboardMarkup:
    marks = [button(str(n), MeetingRate(meeting_id=meeting_id, rating=n)) for n in range(1, 6)]
    skip = button(_("Skip"), MeetingRate(meeting_id=meeting_id, rating=0))
    return InlineKeyboardMarkup(inline_keyboard=[marks, [skip]])


async def _may_answer(session: AsyncSession, actor: Actor, meeting: Meeting | None) -> bool:
    if meeting is None:
        return False
    programme = await session.get(Programme, meeting.programme_id)
    active = await active_members(session, [actor.person_id], programme.school_id, Role.mentee)
    return bool(active)


async def answer_pressed(
    query: CallbackQuery,
    callback_data: MeetingAnswer,
    session: AsyncSession,
    actor: Actor,
    clock: Clock,
    bot: Bot,
    i18n: I18n,
) -> None:
    meeting = await session.get(Meeting, callback_data.meeting_id)
    if not await _may_answer(session, actor, meeting):
        await query.answer(_("This button is no longer active."), show_alert=True)
        return
    try:
        await answer(session, meeting.id, actor.person_id, callback_data.took_place, clock.now())
    except MeetingError as error:
        text = (
            _("You have already answered about this meeting.")
            if error.code == "answered"
            else _("This meeting has been deleted or is not yours to confirm.")
        )
        await query.answer(text, show_alert=True)
        return
    await query.answer()
    message = query.message
    if not isinstance(message, Message):
        return
    chosen = _("Yes, it did") if callback_data.took_place else _("No, it did not")
    await message.edit_text(f"{message.html_text}\n\n→ <b>{chosen}</b>")
    if callback_data.took_place:
        await message.answer(
            _(
                "Thank you! How useful was the meeting for you, from 1 to 5? This is optional. "
                "Your mentor does not see single ratings: the mentor and the curator see only "
                "the average, and only once there are at least three ratings."
            ),
            reply_markup=_rating_markup(meeting.id),
        )
        return
    await message.answer(
        _(
            "Thank you. The curator is told that the meeting did not take place "
            "and will look into it."
        )
    )
    await _tell_curators(session, bot, i18n, meeting, actor.full_name)


async def _tell_curators(
    session: AsyncSession, bot: Bot, i18n: I18n, meeting: Meeting, mentee: str | None
) -> None:
    programme = await session.get(Programme, meeting.programme_id)
    mentor = await session.get(Person, meeting.logged_by) if meeting.logged_by else None
    curators = await recipients(session, await school_curators(session, programme.school_id))
    held_on = show_date(meeting.held_on)

    def render() -> str:
        return _(
            "⚠️ {mentee} says the meeting on {date} logged by the mentor {mentor} did not take "
            "place. Send /meetings and choose «Disputed» to see it."
        ).format(
            mentee=escape(mentee or "—"),
            date=held_on,
            mentor=escape((mentor.full_name if mentor else None) or "—"),
        )

    await tell(bot, i18n, curators, render)


async def rating_pressed(
    query: CallbackQuery, callback_data: MeetingRate, session: AsyncSession, actor: Actor
) -> None:
    meeting = await session.get(Meeting, callback_data.meeting_id)
    if not await _may_answer(session, actor, meeting):
        await query.answer(_("This button is no longer active."), show_alert=True)
        return
    message = query.message
    if callback_data.rating == 0:
        await query.answer()
        if isinstance(message, Message):
            await message.edit_reply_markup(reply_markup=None)
            await message.answer(_("Thank you!"))
        return
    try:
        await rate(session, meeting.id, actor.person_id, callback_data.rating)
    except MeetingError:
        await query.answer(_("This button is no longer active."), show_alert=True)
        return
    await query.answer()
    if isinstance(message, Message):
        await message.edit_reply_markup(reply_markup=None)
        await message.answer(
            _("Thank you! Your rating: {rating} of 5.").format(rating=callback_data.rating)
        )


def build_router() -> Router:
    router = Router(name="meeting_confirm")
    allowed = Allowed("meetings")
    router.callback_query.register(answer_pressed, MeetingAnswer.filter(), allowed)
    router.callback_query.register(rating_pressed, MeetingRate.filter(), allowed)
    return router
