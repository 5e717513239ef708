"""Redrawing a message in place."""

from __future__ import annotations

from aiogram.exceptions import TelegramBadRequest
from aiogram.types import InlineKeyboardMarkup, Message


async def replace_screen(message: Message, text: str, markup: InlineKeyboardMarkup | None) -> None:
    """Edit the message; a repeated tap that would change nothing is not an error."""
    try:
        await message.edit_text(text, reply_markup=markup)
    except TelegramBadRequest as error:
        if "message is not modified" not in str(error):
            raise


async def replace_markup(message: Message, markup: InlineKeyboardMarkup | None) -> None:
    """Edit only the buttons; a repeated tap that would change nothing is not an error."""
    try:
        await message.edit_reply_markup(reply_markup=markup)
    except TelegramBadRequest as error:
        if "message is not modified" not in str(error):
            raise
