"""/meetings: the history of meetings, a page at a time, and one meeting's card.

A mentor sees the meetings of their pairs and groups, a mentee those they attended, a curator
the school's, with disputed ones marked and a filter for them. Confirmation statuses are shown
to the mentor and the curator; single ratings to nobody but their author (only the average over
at least three ratings).
"""

from __future__ import annotations

from html import escape

from aiogram import Router
from aiogram.filters import Command
from aiogram.types import CallbackQuery, InlineKeyboardButton, InlineKeyboardMarkup, Message
from aiogram.utils.i18n import gettext as _
from sqlalchemy.ext.asyncio import AsyncSession

from handlers.access import Allowed
from handlers.meetings.common import (
    STATUS_MARKS,
    MeetingAct,
    MeetingOpen,
    MeetingsPage,
    PhotoPage,
    activity_title,
    format_title,
    minutes,
    status_title,
)
from handlers.programmes.common import button, show_date
from handlers.ui.screens import replace_screen
from storage.clock import Clock
from storage.meetings.edit import editable_until
from storage.meetings.read import MeetingView, may_see, meeting_page, meeting_view, rating_summary
from storage.models.enums import Role
from storage.models.programmes import ProgrammeMember
from storage.people.actor import Actor

PAGE = 8
LABEL_LENGTH = 40


def _mean(mean: float | None, count: int) -> str:
    if mean is None:
        return _("The average usefulness is shown once there are at least 3 ratings.")
    return _("Average usefulness: {mean} of 5 ({count} ratings).").format(
        mean=f"{mean:.1f}", count=count
    )


def _own_status(view: MeetingView, person_id: int) -> str | None:
    return next((a.status for a in view.attendees if a.person_id == person_id), None)


async def _manages(session: AsyncSession, actor: Actor, view: MeetingView) -> bool:
    """The programme's mentor or the school's curator: they see everyone's confirmation."""
    if view.programme.school_id in actor.org_ids(Role.curator):
        return True
    member = await session.get(ProgrammeMember, (view.programme.id, actor.person_id))
    return member is not None and member.role == "mentor"


async def listing(
    session: AsyncSession, actor: Actor, clock: Clock, page: int, disputed: bool
) -> tuple[str, InlineKeyboardMarkup | None]:
    curated = actor.org_ids(Role.curator)
    now = clock.now()
    page = max(page, 0)
    views, total = await meeting_page(
        session,
        actor.person_id,
        curated,
        now,
        disputed_only=disputed,
        limit=PAGE,
        offset=page * PAGE,
    )
    pages = max((total + PAGE - 1) // PAGE, 1)
    if page >= pages:  # the list shrank since the page was drawn
        page = pages - 1
        views, total = await meeting_page(
            session,
            actor.person_id,
            curated,
            now,
            disputed_only=disputed,
            limit=PAGE,
            offset=page * PAGE,
        )
    heading = _("Disputed meetings: {count}") if disputed else _("Meetings: {count}")
    lines = [f"<b>{heading.format(count=total)}</b>"]
    if pages > 1:
        lines.append(_("page {page} of {pages}").format(page=page + 1, pages=pages))
    if curated or actor.has_role(Role.mentor):
        lines.append(_mean(*await rating_summary(session, actor.person_id, curated)))
    if total:
        lines.append(
            _("Tap a meeting to open it. ✅ confirmed, ⚠️ disputed, ⏳ waiting, ❔ unconfirmed.")
        )
    elif disputed:
        lines.append(_("No meeting is disputed."))
    else:
        lines.append(_("No meetings yet. A mentor logs them with /meeting."))
    rows: list[list[InlineKeyboardButton]] = []
    for view in views:
        manages = await _manages(session, actor, view)
        status = view.status if manages else _own_status(view, actor.person_id) or view.status
        names = ", ".join(a.name or "—" for a in view.attendees)
        label = f"{show_date(view.meeting.held_on)} · {names}"
        if len(label) > LABEL_LENGTH:
            label = label[: LABEL_LENGTH - 1] + "…"
        data = MeetingOpen(meeting_id=view.meeting.id, page=page, disputed=disputed)
        rows.append([button(f"{STATUS_MARKS.get(status, '')} {label}", data)])
    navigation = []
    if page > 0:
        navigation.append(button("◀", MeetingsPage(page=page - 1, disputed=disputed)))
    if page < pages - 1:
        navigation.append(button("▶", MeetingsPage(page=page + 1, disputed=disputed)))
    if navigation:
        rows.append(navigation)
    if curated:
        switch = (
            button(_("All meetings"), MeetingsPage())
            if disputed
            else button(_("⚠️ Disputed"), MeetingsPage(disputed=True))
        )
        rows.append([switch, button(_("📷 Photos"), PhotoPage())])
    return "\n".join(lines), InlineKeyboardMarkup(inline_keyboard=rows) if rows else None


async def card(
    session: AsyncSession, actor: Actor, clock: Clock, view: MeetingView, back: MeetingsPage
) -> tuple[str, InlineKeyboardMarkup]:
    m = view.meeting
    manages = await _manages(session, actor, view)
    lines = [
        "<b>" + _("Meeting on {date}").format(date=show_date(m.held_on)) + "</b>",
        _("Mentor: {names}").format(names=escape(", ".join(n or "—" for n in view.mentors))),
        _("Format: {value}").format(value=format_title(m.format)),
        _("Duration: {value}").format(value=minutes(m.duration_minutes)),
        _("Activity: {value}").format(value=activity_title(m.activity)),
    ]
    if m.topic:
        lines.append(_("Topic: {value}").format(value=escape(m.topic)))
    if view.plan_item:
        lines.append(_("Plan item: {value}").format(value=escape(view.plan_item)))
    if manages and m.notes:
        lines.append(_("Notes: {value}").format(value=escape(m.notes)))
    lines.append("")
    if manages:
        lines.append(_("Confirmation: {status}").format(status=status_title(view.status)))
        for a in view.attendees:
            lines.append(f"• {escape(a.name or '—')} — {status_title(a.status)}")
        if view.mean_rating is not None:
            lines.append(_mean(view.mean_rating, sum(1 for a in view.attendees if a.rating)))
    else:
        own = next((a for a in view.attendees if a.person_id == actor.person_id), None)
        if own is not None:
            lines.append(_("Your answer: {status}").format(status=status_title(own.status)))
            if own.rating:
                lines.append(_("Your rating: {rating} of 5").format(rating=own.rating))
    if view.photos:
        lines.append(_("Photos: {count}").format(count=view.photos))
    rows: list[list[InlineKeyboardButton]] = []
    own_log = m.logged_by == actor.person_id and view.programme.status == "active"
    if own_log and clock.now() <= editable_until(m):
        lines.append(
            _("You can change or delete this log until {date}.").format(
                date=show_date(editable_until(m).date())
            )
        )

        def act(text: str, action: str) -> InlineKeyboardButton:
            return button(text, MeetingAct(meeting_id=m.id, action=action, version=m.version))

        rows.append([act(_("✎ Change"), "edit"), act(_("🗑 Delete"), "delete")])
    if view.photos and view.programme.school_id in actor.org_ids(Role.curator):
        rows.append([button(_("📷 Photos"), MeetingAct(meeting_id=m.id, action="photos"))])
    rows.append([button(_("◀ All meetings"), back)])
    return "\n".join(lines), InlineKeyboardMarkup(inline_keyboard=rows)


async def meetings_requested(
    message: Message, session: AsyncSession, actor: Actor, clock: Clock
) -> None:
    text, markup = await listing(session, actor, clock, 0, False)
    await message.answer(text, reply_markup=markup)


async def page_pressed(
    query: CallbackQuery,
    callback_data: MeetingsPage,
    session: AsyncSession,
    actor: Actor,
    clock: Clock,
) -> None:
    await query.answer()
    if isinstance(query.message, Message):
        text, markup = await listing(
            session, actor, clock, callback_data.page, callback_data.disputed
        )
        await replace_screen(query.message, text, markup)


async def meeting_opened(
    query: CallbackQuery,
    callback_data: MeetingOpen,
    session: AsyncSession,
    actor: Actor,
    clock: Clock,
) -> None:
    if not await may_see(
        session, callback_data.meeting_id, actor.person_id, actor.org_ids(Role.curator)
    ):
        await query.answer(_("This meeting is not available to you."), show_alert=True)
        return
    view = await meeting_view(session, callback_data.meeting_id, clock.now())
    await query.answer()
    if isinstance(query.message, Message):
        back = MeetingsPage(page=callback_data.page, disputed=callback_data.disputed)
        text, markup = await card(session, actor, clock, view, back)
        await replace_screen(query.message, text, markup)


def build_router() -> Router:
    router = Router(name="meetings")
    allowed = Allowed("meetings")
    router.message.register(meetings_requested, Command("meetings"), allowed)
    router.callback_query.register(page_pressed, MeetingsPage.filter(), allowed)
    router.callback_query.register(meeting_opened, MeetingOpen.filter(), allowed)
    return router
