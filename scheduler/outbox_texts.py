"""How each kind of outbox message reads, rendered in the recipient's language at send time.

A kind registers a function from its stored params to text and buttons. Rendering at send
time (not at enqueue time) lets a late message say it is late, and a person who changed
their language get the new one.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from html import escape
from typing import Any

from aiogram.types import InlineKeyboardButton, InlineKeyboardMarkup
from aiogram.utils.i18n import gettext as _

from storage.outbox.queue import Delivery


@dataclass(frozen=True)
class Rendered:
    text: str
    buttons: list[list[InlineKeyboardButton]] = field(default_factory=list)


Renderer = Callable[[dict[str, Any]], Rendered]
RENDERERS: dict[str, Renderer] = {}


def renders(kind: str) -> Callable[[Renderer], Renderer]:
    def register(function: Renderer) -> Renderer:
        RENDERERS[kind] = function
        return function

    return register


@renders("announcement")
def announcement(params: dict[str, Any]) -> Rendered:
    """A message written by a curator or coordinator; its text is stored as typed."""
    heading = _("📣 Announcement from {sender}").format(sender=escape(params.get("sender", "")))
    return Rendered(f"<b>{heading}</b>\n\n{escape(params['text'])}")


def render_delivery(delivery: Delivery, late: bool) -> tuple[str, InlineKeyboardMarkup | None]:
    """One message for everything due to the person now (call inside their locale)."""
    parts = [RENDERERS[item.kind](item.params) for item in delivery.items]
    text = "\n\n— — —\n\n".join(part.text for part in parts)
    if late:
        text = _("⏰ Sent late: the bot was unavailable when this was due.") + "\n\n" + text
    rows = [row for part in parts for row in part.buttons]
    return text, InlineKeyboardMarkup(inline_keyboard=rows) if rows else None
