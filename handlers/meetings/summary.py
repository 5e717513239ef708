"""The next question of the meeting log, or the summary with every value and the Save button."""

from __future__ import annotations

from datetime import date
from html import escape
from typing import Any

from aiogram.fsm.context import FSMContext
from aiogram.types import InlineKeyboardButton, InlineKeyboardMarkup, Message
from aiogram.utils.i18n import gettext as _
from sqlalchemy.ext.asyncio import AsyncSession

from handlers.meetings.common import (
    MeetingLog,
    MeetingSave,
    activity_title,
    format_title,
    iso,
    minutes,
    put_draft,
)
from handlers.meetings.questions import (
    activity_question,
    date_question,
    duration_question,
    format_question,
    question_for,
    step,
)
from handlers.programmes.common import Access, button, show_date
from handlers.system.cancel import cancel_button
from storage.meetings.people import programme_mentees
from storage.models.programmes import PlanItem
from storage.programmes.content import member_names

QUESTIONS = {
    "held_on": (MeetingLog.date, None),
    "format": (MeetingLog.choosing, format_question),
    "duration": (MeetingLog.duration, duration_question),
    "activity": (MeetingLog.choosing, activity_question),
}


def _short(value: str | None, limit: int = 300) -> str:
    if not value:
        return "—"
    return escape(value if len(value) <= limit else value[: limit - 1] + "…")


async def summary(
    session: AsyncSession, draft: dict[str, Any], access: Access
) -> tuple[str, InlineKeyboardMarkup]:
    programme = access.programme
    names = (await member_names(session, [programme.id]))[programme.id]
    mentors = ", ".join(n or "—" for role, n in names if role == "mentor")
    mentees = await programme_mentees(session, programme.id)
    present = [name for pid, name in mentees if pid in draft["attendees"]]
    item = await session.get(PlanItem, draft["plan_item_id"]) if draft.get("plan_item_id") else None
    photos = draft.get("photos") or []
    heading = _("Changes to the meeting") if draft.get("edit_id") else _("The meeting to save")
    lines = [
        f"<b>{heading}</b>",
        _("Mentor: {names}").format(names=escape(mentors)),
        _("Present: {names}").format(names=escape(", ".join(present))),
        _("Date: {date}").format(date=show_date(iso(draft["held_on"]))),
        _("Format: {value}").format(value=format_title(draft["format"])),
        _("Duration: {value}").format(value=minutes(draft["duration"])),
        _("Activity: {value}").format(value=activity_title(draft["activity"])),
        _("Topic: {value}").format(value=_short(draft.get("topic"))),
        _("Notes: {value}").format(value=_short(draft.get("notes"))),
        _("Plan item: {value}").format(value=_short(item.title if item else None)),
    ]
    if photos:
        public = sum(1 for p in photos if p["publish"])
        lines.append(
            _("Photos: {count} (may be published: {public})").format(
                count=len(photos), public=public
            )
        )
    lines += ["", _("Nothing is saved until you press «Save».")]
    save = _("✔ Save changes") if draft.get("edit_id") else _("✔ Save")
    rows: list[list[InlineKeyboardButton]] = [
        [button(save, MeetingSave(key=draft["key"]))],
        [step(_("Date"), "ask", "held_on"), step(_("Format"), "ask", "format")],
        [step(_("Duration"), "ask", "duration"), step(_("Activity"), "ask", "activity")],
        [step(_("Topic"), "ask", "topic"), step(_("Notes"), "ask", "notes")],
        [step(_("Plan item"), "ask", "plan")],
    ]
    # Photos belong to the log as it was sent; who came in a group may be corrected later.
    extra = [] if draft.get("edit_id") else [step(_("📷 Photo"), "ask", "photo")]
    if programme.is_group:
        extra.insert(0, step(_("👥 Who came"), "ask", "who"))
    if extra:
        rows.append(extra)
    rows.append([cancel_button()])
    return "\n".join(lines), InlineKeyboardMarkup(inline_keyboard=rows)


async def show_next(
    message: Message,
    session: AsyncSession,
    state: FSMContext,
    draft: dict[str, Any],
    access: Access,
    today: date,
) -> None:
    """Ask the first missing answer, or show the summary; the draft is stored first."""
    await put_draft(state, draft)
    missing = question_for(draft)
    if missing is None:
        await state.set_state(MeetingLog.summary)
        text, markup = await summary(session, draft, access)
        await message.answer(text, reply_markup=markup)
        return
    next_state, question = QUESTIONS[missing]
    await state.set_state(next_state)
    text, markup = question() if question else date_question(today)
    await message.answer(text, reply_markup=markup)
