"""What /profile sends: the profile with its Edit button, and the question for one field."""

from __future__ import annotations

from html import escape
from typing import Any

from aiogram.filters.callback_data import CallbackData
from aiogram.types import InlineKeyboardButton, InlineKeyboardMarkup, Message
from aiogram.utils.i18n import gettext as _
from sqlalchemy.ext.asyncio import AsyncSession

from handlers.forms.fields import Field
from handlers.profile.fields import profile_text
from handlers.system.cancel import cancel_button


# Prefixes: "pf_…" for the editing steps; the Edit button keeps "pr", as it stays under every
# /profile message already sent. Unique across the project (tests/test_callback_data.py).
class ProfileAct(CallbackData, prefix="pr"):
    action: str  # edit: list the fields; back: the Edit button again


class FieldPicked(CallbackData, prefix="pf_f"):
    kind: str  # person, mentor or mentee
    key: str


class FieldAnswer(CallbackData, prefix="pf_a"):
    action: str  # pick, toggle, done, clear
    value: str = ""


def inline_keyboard(*rows: tuple[str, CallbackData]) -> InlineKeyboardMarkup:
    return InlineKeyboardMarkup(
        inline_keyboard=[[InlineKeyboardButton(text=t, callback_data=d.pack())] for t, d in rows]
    )


def edit_markup() -> InlineKeyboardMarkup:
    return inline_keyboard((_("✎ Edit"), ProfileAct(action="edit")))


async def show_profile(
    message: Message, session: AsyncSession, person_id: int, note: str = ""
) -> None:
    text = await profile_text(session, person_id)
    await message.answer(f"{note}\n\n{text}" if note else text, reply_markup=edit_markup())


def question(field: Field, current: Any, selected: list[str]) -> tuple[str, InlineKeyboardMarkup]:
    text = str(field.prompt)
    if field.hint:
        text += f"\n<i>{field.hint}</i>"
    text += "\n\n" + _("Now: {value}").format(value=escape(field.render(current)))
    rows: list[tuple[str, CallbackData]] = []
    for choice in field.choices:
        if field.multiple:
            mark = "✅ " if choice.value in selected else "▫️ "
            rows.append(
                (mark + str(choice.label), FieldAnswer(action="toggle", value=choice.value))
            )
        else:
            rows.append((str(choice.label), FieldAnswer(action="pick", value=choice.value)))
    if field.multiple:
        rows.append((_("Done ✔"), FieldAnswer(action="done")))
    if field.optional:
        rows.append((_("Clear the field"), FieldAnswer(action="clear")))
    keyboard = inline_keyboard(*rows)
    keyboard.inline_keyboard.append([cancel_button()])
    return text, keyboard
