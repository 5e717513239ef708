"""A typed answer to one field: parsed, or refused with what is expected."""

from __future__ import annotations

from datetime import date
from html import escape
from typing import Any

from aiogram.types import Message
from aiogram.utils.i18n import gettext as _

from handlers.forms.fields import Field, FieldError

REJECTED = object()


async def parse_typed(message: Message, field: Field, today: date) -> Any:
    """The parsed value, or REJECTED after telling the person what the field expects."""
    if field.parse is None:
        await message.answer(_("Please answer with the buttons under the question."))
        return REJECTED
    if message.text is None:
        await message.answer(_("Please answer with text."))
        return REJECTED
    try:
        return field.parse(message.text, today)
    except FieldError as error:
        # Outside the f-string: Babel's extractor does not look inside f-strings.
        again = _("Please try again.")
        await message.answer(f"{escape(str(error))}\n{again}")
        return REJECTED
