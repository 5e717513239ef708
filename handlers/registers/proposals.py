"""Asking the members of pairs formed from the registers, and the outbox messages of the
registers: a pair proposed by the ticker, a reminder to finish joining, and the curators'
notice before pending records are erased (rendered in the reader's language when sent)."""

from __future__ import annotations

from datetime import date
from html import escape
from typing import Any

from aiogram.types import InlineKeyboardButton
from aiogram.utils.i18n import gettext as _
from sqlalchemy.ext.asyncio import AsyncSession

from handlers.pairing.answer import answer_buttons, ask_members, proposal_text
from handlers.ui.rendered import Rendered, Renderer

NAMES_SHOWN = 20


async def ask_formed(
    session: AsyncSession, programme_ids: list[int], context: dict[str, Any]
) -> None:
    """Every member of each programme is asked to accept, as after /pair."""
    for programme_id in programme_ids:
        await ask_members(session, programme_id, context)


def _day(iso: str) -> str:
    return date.fromisoformat(iso).strftime("%d.%m.%Y")


def pair_proposed(params: dict[str, Any]) -> Rendered:
    text = proposal_text(
        school=params["school"],
        is_group=params["is_group"],
        mentors=params["mentors"],
        mentees=params["mentees"],
        starts_on=date.fromisoformat(params["starts_on"]),
        planned_end_on=date.fromisoformat(params["planned_end_on"]),
        goals=params["goals"],
    )
    return Rendered(text, answer_buttons(int(params["programme_id"])))


def finish_joining(params: dict[str, Any]) -> Rendered:
    text = _(
        "You opened your invitation to «{school}» but have not finished joining. It takes "
        "three taps: open the invitation, agree, confirm your details. The link works until "
        "{date}."
    ).format(school=escape(params["school"]), date=_day(params["expires"]))
    button = InlineKeyboardButton(text=_("Open my invitation"), url=params["link"])
    return Rendered(text, [[button]])


def erasure_notice(params: dict[str, Any]) -> Rendered:
    count = int(params["count"])
    names = params["names"][:NAMES_SHOWN]
    text = _(
        "On {date} the records of those who have not joined «{school}» will be erased, their "
        "personal invitations having expired unused: {count}."
    ).format(date=_day(params["day"]), count=count, school=escape(params["school"]))
    text += "\n" + escape(", ".join(names))
    if count > len(names):
        text += " " + _("and {n} more").format(n=count - len(names))
    text += "\n\n" + _(
        "To keep someone, give them a new link: /import → «Who has not joined» → the person → "
        "«New link»."
    )
    return Rendered(text)


# How the registers' messages read, handed to the outbox's sender.
RENDERERS: dict[str, Renderer] = {
    "register_pair": pair_proposed,
    "register_reminder": finish_joining,
    "register_erasure": erasure_notice,
}
