"""How each kind of outbox message reads, rendered in the recipient's language at send time.

Each feature hands the sender a table from kind to a function of the stored params
(handlers.outbox_renderers, put together in bot/), so the scheduler imports no handler.
Rendering at send time (not at enqueue time) lets a late message say it is late, and a
person who changed their language get the new one.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any, Protocol

from aiogram.types import InlineKeyboardButton, InlineKeyboardMarkup
from aiogram.utils.i18n import gettext as _

from storage.outbox.queue import Delivery


class Rendered(Protocol):
    """What a feature's renderer returns (handlers/ui/rendered.py has the one they use)."""

    @property
    def text(self) -> str: ...

    @property
    def buttons(self) -> list[list[InlineKeyboardButton]]: ...


Renderer = Callable[[dict[str, Any]], Rendered]


def render_delivery(
    delivery: Delivery, late: bool, renderers: Mapping[str, Renderer]
) -> tuple[str, InlineKeyboardMarkup | None]:
    """One message for everything due to the person now (call inside their locale)."""
    parts = [renderers[item.kind](item.params) for item in delivery.items]
    text = "\n\n— — —\n\n".join(part.text for part in parts)
    if late:
        text = _("⏰ Sent late: the bot was unavailable when this was due.") + "\n\n" + text
    rows = [row for part in parts for row in part.buttons]
    return text, InlineKeyboardMarkup(inline_keyboard=rows) if rows else None
