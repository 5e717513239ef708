"""A message of the outbox as a feature renders it: text and buttons (see
scheduler/outbox_texts.py, which assembles one person's due messages from these)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from aiogram.types import InlineKeyboardButton


@dataclass(frozen=True)
class Rendered:
    text: str
    buttons: list[list[InlineKeyboardButton]] = field(default_factory=list)


# From a message's stored params to how it reads now, in the recipient's language.
Renderer = Callable[[dict[str, Any]], Rendered]
