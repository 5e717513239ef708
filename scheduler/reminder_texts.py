"""What each reminder says (rendered in the recipient's language when it is sent)."""

from __future__ import annotations

from datetime import date
from html import escape
from typing import Any

from aiogram.types import InlineKeyboardButton
from aiogram.utils.i18n import gettext as _

from handlers.labels import role_title
from handlers.meeting_common import MeetingAnswer
from scheduler.outbox_texts import Rendered, renders


def _date(iso: str) -> str:
    return date.fromisoformat(iso).strftime("%d.%m.%Y")


@renders("programme_ending")
def programme_ending(params: dict[str, Any]) -> Rendered:
    text = _(
        "📅 The mentoring programme {pair} ends on {date}, in two weeks. Time to sum up the "
        "results with the mentee: send /programme."
    ).format(pair=escape(params["pair"]), date=_date(params["end"]))
    return Rendered(text)


@renders("meeting_nudge")
def meeting_nudge(params: dict[str, Any]) -> Rendered:
    if params.get("had_meeting"):
        text = _(
            "🤝 No meeting of {pair} has been logged since {date}. If you have met, log it in "
            "a few taps: /meeting."
        )
    else:
        text = _(
            "🤝 No meeting of {pair} has been logged since the programme started on {date}. "
            "If you have met, log it in a few taps: /meeting."
        )
    return Rendered(text.format(pair=escape(params["pair"]), date=_date(params["since"])))


@renders("meeting_unconfirmed")
def meeting_unconfirmed(params: dict[str, Any]) -> Rendered:
    text = _(
        "❔ Your mentor {mentor} logged a meeting with you on {date}. Did it take place? "
        "Your answer makes the school's report accurate."
    ).format(mentor=escape(params["mentor"]), date=_date(params["held_on"]))
    meeting_id = int(params["meeting_id"])
    yes = MeetingAnswer(meeting_id=meeting_id, took_place=True).pack()
    no = MeetingAnswer(meeting_id=meeting_id, took_place=False).pack()
    buttons = [
        [
            InlineKeyboardButton(text=_("✔ Yes, it did"), callback_data=yes),
            InlineKeyboardButton(text=_("✖ No, it did not"), callback_data=no),
        ]
    ]
    return Rendered(text, buttons)


@renders("invitation_unused")
def invitation_unused(params: dict[str, Any]) -> Rendered:
    text = _(
        "✉️ Nobody has used your invitation for the role «{role}» in {org} for a week. It is "
        "valid until {date}; send /invite to share it again or make a new one."
    ).format(
        role=role_title(params["role"]), org=escape(params["org"]), date=_date(params["expires"])
    )
    return Rendered(text)
