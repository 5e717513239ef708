"""The questions of the meeting log and their keyboards; the summary is in meeting_summary."""

from __future__ import annotations

import calendar
from datetime import date, timedelta
from typing import Any

from aiogram.types import InlineKeyboardButton, InlineKeyboardMarkup
from aiogram.utils.i18n import get_i18n
from aiogram.utils.i18n import gettext as _
from babel.dates import format_date

from handlers.meetings.common import MeetingStep, activity_title, format_title, minutes
from handlers.programmes.common import button, show_date
from handlers.system.cancel import cancel_button
from storage.meetings.writing import ACTIVITIES, FORMATS

DURATIONS = (30, 45, 60, 90)
EMPTY = "·"


def step(text: str, action: str, value: str = "") -> InlineKeyboardButton:
    return button(text, MeetingStep(action=action, value=value))


def _markup(rows: list[list[InlineKeyboardButton]]) -> InlineKeyboardMarkup:
    return InlineKeyboardMarkup(inline_keyboard=[*rows, [cancel_button()]])


def date_question(today: date) -> tuple[str, InlineKeyboardMarkup]:
    text = _("When was the meeting? Choose, or send the date as DD.MM.YYYY.")
    rows = [
        [
            step(_("Today, {date}").format(date=show_date(today)), "date", "today"),
            step(_("Yesterday"), "date", "yesterday"),
        ],
        [step(_("📅 Calendar"), "cal", today.strftime("%Y-%m"))],
    ]
    return text, _markup(rows)


def calendar_markup(month: str, earliest: date, today: date) -> InlineKeyboardMarkup:
    """A month of days; only the days from the pair's start to today can be tapped."""
    year, number = (int(part) for part in month.split("-"))
    first = date(year, number, 1)
    title = format_date(first, "LLLL y", locale=get_i18n().current_locale)
    previous = (first - timedelta(days=1)).replace(day=1)
    following = (first + timedelta(days=32)).replace(day=1)
    head = [
        step("◀", "cal", previous.strftime("%Y-%m"))
        if previous >= earliest.replace(day=1)
        else step(" ", "noop"),
        step(title, "noop"),
        step("▶", "cal", following.strftime("%Y-%m")) if following <= today else step(" ", "noop"),
    ]
    rows = [head]
    for week in calendar.Calendar().monthdatescalendar(year, number):
        row = []
        for day in week:
            if day.month == number and earliest <= day <= today:
                row.append(step(str(day.day), "date", day.isoformat()))
            else:
                row.append(step(EMPTY, "noop"))
        rows.append(row)
    return _markup(rows)


def format_question() -> tuple[str, InlineKeyboardMarkup]:
    return _("How did you meet?"), _markup(
        [[step(format_title(value).capitalize(), "format", value) for value in FORMATS]]
    )


def duration_question() -> tuple[str, InlineKeyboardMarkup]:
    text = _("How long did the meeting last? Choose, or send the minutes as a number (5 to 600).")
    presets = [step(minutes(value), "duration", str(value)) for value in DURATIONS]
    return text, _markup([presets[:2], presets[2:]])


def activity_question() -> tuple[str, InlineKeyboardMarkup]:
    rows = [[step(activity_title(value).capitalize(), "activity", value)] for value in ACTIVITIES]
    return _("What kind of activity was it?"), _markup(rows)


def topic_question() -> tuple[str, InlineKeyboardMarkup]:
    text = _("Send the topic of the meeting in a few words (up to 200 characters).")
    return text, _markup([[step(_("Without a topic"), "clear", "topic")]])


def notes_question() -> tuple[str, InlineKeyboardMarkup]:
    text = _(
        "Send your notes: what you did, what worked, what to do next (up to 2000 characters). "
        "The mentees do not see them; the curator does."
    )
    return text, _markup([[step(_("Without notes"), "clear", "notes")]])


def plan_question(items: list[tuple[int, str]]) -> tuple[str, InlineKeyboardMarkup]:
    if not items:
        text = _(
            "The programme's calendar plan has no activities yet; the mentor adds them "
            "in /programme."
        )
        return text, _markup([[step(_("◀ Back to the summary"), "back")]])
    rows = [[step(title[:60], "plan", str(item_id))] for item_id, title in items]
    rows.append([step(_("No plan item"), "plan", "0")])
    return _("Which activity of the calendar plan does this meeting advance?"), _markup(rows)


def who_question(
    mentees: list[tuple[int, str]], present: list[int]
) -> tuple[str, InlineKeyboardMarkup]:
    rows = [
        [step(("✅ " if pid in present else "▫️ ") + name, "who", str(pid))] for pid, name in mentees
    ]
    rows.append([step(_("Done ✔"), "who_done")])
    return _("Who came? Tap a name to tick or untick it."), _markup(rows)


def photo_question() -> tuple[str, InlineKeyboardMarkup]:
    text = _("Send one photo of the meeting.")
    return text, _markup([[step(_("◀ Back to the summary"), "back")]])


def publish_question() -> tuple[str, InlineKeyboardMarkup]:
    text = _(
        "May the school publish this photo, for example on its website? Answer yes only if "
        "everyone in it (and the parents of minors) agrees."
    )
    rows = [[step(_("✔ Yes, it may be published"), "publish", "yes")]]
    rows.append([step(_("✖ No, for the report only"), "publish", "no")])
    return text, _markup(rows)


def question_for(draft: dict[str, Any]) -> str | None:
    """The first required answer still missing; None when the summary can be shown."""
    for key in ("held_on", "format", "duration", "activity"):
        if draft.get(key) is None:
            return key
    return None
