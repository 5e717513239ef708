"""Redrawing a message in place."""

from __future__ import annotations

from aiogram.types import InlineKeyboardMarkup, Message


async def replace_screen(message: Message, text: str, markup: InlineKeyboardMarkup | None) -> None:
    """Edit the message. A repeated tap that would change nothing is not an error: every
    edit takes "not modified" as done (bot/middlewares/unchanged_edits.py)."""
    await message.edit_text(text, reply_markup=markup)
