"""What each reminder says (rendered in the recipient's language when it is sent)."""

from __future__ import annotations

from datetime import date
from html import escape
from typing import Any

from aiogram.types import InlineKeyboardButton
from aiogram.utils.i18n import gettext as _
from aiogram.utils.i18n import ngettext

from handlers.meetings.common import MeetingAnswer
from handlers.ui.figures import hidden, too_few
from handlers.ui.labels import role_title
from handlers.ui.rendered import Rendered, Renderer
from storage.surveys.aggregates_core import formula_text

NAMES_SHOWN = 30


def _date(iso: str) -> str:
    return date.fromisoformat(iso).strftime("%d.%m.%Y")


def programme_ending(params: dict[str, Any]) -> Rendered:
    text = _(
        "📅 The mentoring programme {pair} ends on {date}, in two weeks. Time to sum up the "
        "results with the mentee: send /programme."
    ).format(pair=escape(params["pair"]), date=_date(params["end"]))
    return Rendered(text)


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


def invitation_unused(params: dict[str, Any]) -> Rendered:
    text = _(
        "✉️ Nobody has used your invitation for the role «{role}» in {org} for a week. It is "
        "valid until {date}; send /invite to share it again or make a new one."
    ).format(
        role=role_title(params["role"]), org=escape(params["org"]), date=_date(params["expires"])
    )
    return Rendered(text)


def _percent(value: float | str | None, respondents: int | None, k: int) -> str:
    """A satisfaction figure of the digest, or why there is none (digests planned before
    the respondents were kept say only «too few answers»)."""
    if value == "hidden":
        return hidden()
    if isinstance(value, int | float):
        return f"{value:.1f}".replace(".", ",") + " %"
    return too_few(respondents, k) if respondents is not None else _("too few answers")


def survey_open(params: dict[str, Any]) -> Rendered:
    text = _(
        "📝 The monitoring of the mentoring programme has started. Please answer the "
        "questionnaire by {date}: it takes a couple of minutes. Mentees' answers are "
        "anonymous. Send /survey to begin."
    ).format(date=_date(params["deadline"]))
    return Rendered(text)


def survey_countdown(params: dict[str, Any]) -> Rendered:
    text = ngettext(
        "⏳ {days} day left until the monitoring deadline ({date}), and you have {count} "
        "questionnaire(s) to answer. Send /survey.",
        "⏳ {days} days left until the monitoring deadline ({date}), and you have {count} "
        "questionnaire(s) to answer. Send /survey.",
        params["days"],
    ).format(days=params["days"], date=_date(params["deadline"]), count=params["count"])
    return Rendered(text)


def _listed(names: list[str]) -> str:
    shown = [f"• {escape(name)}" for name in names[:NAMES_SHOWN]]
    if len(names) > NAMES_SHOWN:
        shown.append(_("…and {count} more").format(count=len(names) - NAMES_SHOWN))
    return "\n".join(shown)


def curator_digest(params: dict[str, Any]) -> Rendered:
    lines = [
        _("📊 Monitoring in {school}: deadline {date}.").format(
            school=escape(params["school"]), date=_date(params["deadline"])
        ),
        _("Answers received: {answered} of {expected}.").format(
            answered=params["expected"] - params["owing"], expected=params["expected"]
        ),
    ]
    if params["names"]:
        lines += ["", _("Not answered yet:"), _listed(params["names"])]
    if params["quiet"]:
        lines += ["", _("Pairs with no meeting in 30 days:"), _listed(params["quiet"])]
    return Rendered("\n".join(lines))


def coordinator_digest(params: dict[str, Any]) -> Rendered:
    value = _percent(params["satisfaction"], params.get("respondents"), params["k"])
    lines = [
        _("📊 The monitoring with the deadline {date} is over.").format(
            date=_date(params["deadline"])
        ),
        _("Mentees answered: {answered} of {expected}.").format(
            answered=params["mentees_answered"], expected=params["mentees_expected"]
        ),
        _("Satisfaction of mentees: {value} ({formula}).").format(
            value=value, formula=formula_text(params["formula"])
        )
        if params["satisfaction"] is not None
        else _("Satisfaction of mentees: {value}.").format(value=value),
        "",
        _("By school (answers / expected, satisfaction; shown over at least {k} answers):").format(
            k=params["k"]
        ),
    ]
    for name, answered, expected, satisfaction, *respondents in params["schools"]:
        figure = _percent(satisfaction, respondents[0] if respondents else None, params["k"])
        lines.append(f"• {escape(name)}: {answered}/{expected}, {figure}")
    lines += ["", _("Send /results for the full figures.")]
    return Rendered("\n".join(lines))


def announcement(params: dict[str, Any]) -> Rendered:
    """A message written by a curator or coordinator; its text is stored as typed."""
    heading = _("📣 Announcement from {sender}").format(sender=escape(params.get("sender", "")))
    return Rendered(f"<b>{heading}</b>\n\n{escape(params['text'])}")


# How each kind of reminder and the announcements read, handed to the outbox's sender.
RENDERERS: dict[str, Renderer] = {
    "programme_ending": programme_ending,
    "meeting_nudge": meeting_nudge,
    "meeting_unconfirmed": meeting_unconfirmed,
    "invitation_unused": invitation_unused,
    "survey_open": survey_open,
    "survey_countdown": survey_countdown,
    "curator_digest": curator_digest,
    "coordinator_digest": coordinator_digest,
    "announcement": announcement,
}
