"""/language: the person picks Russian or English; the choice is stored."""

from __future__ import annotations

from aiogram import Router
from aiogram.filters import Command
from aiogram.filters.callback_data import CallbackData
from aiogram.types import CallbackQuery, InlineKeyboardButton, InlineKeyboardMarkup, Message
from aiogram.utils.i18n import I18n
from aiogram.utils.i18n import gettext as _
from sqlalchemy.ext.asyncio import AsyncSession

from handlers.commands import set_personal_commands
from handlers.ui.screens import replace_screen
from storage.people.actor import Actor
from storage.people.lookup import set_locale
from storage.settings import SUPPORTED_LOCALES

# Each language is named in itself, so a person who cannot read the current one finds theirs.
LANGUAGE_NAMES = {"ru": "Русский", "en": "English"}


class LanguageChoice(CallbackData, prefix="lang"):
    locale: str


def language_keyboard() -> InlineKeyboardMarkup:
    return InlineKeyboardMarkup(
        inline_keyboard=[
            [
                InlineKeyboardButton(
                    text=LANGUAGE_NAMES[code], callback_data=LanguageChoice(locale=code).pack()
                )
                for code in SUPPORTED_LOCALES
            ]
        ]
    )


async def language_requested(message: Message) -> None:
    await message.answer(
        _("Choose the language of the interface:"), reply_markup=language_keyboard()
    )


async def language_chosen(
    query: CallbackQuery,
    callback_data: LanguageChoice,
    actor: Actor,
    session: AsyncSession,
    i18n: I18n,
) -> None:
    if callback_data.locale not in SUPPORTED_LOCALES:
        await query.answer(_("This language is not available."), show_alert=True)
        return
    await set_locale(session, actor.person_id, callback_data.locale)
    with i18n.use_locale(callback_data.locale):
        text = _("The interface language is now English.")
        await query.answer()
        if isinstance(query.message, Message):
            await replace_screen(query.message, text, None)
        await set_personal_commands(query.bot, i18n, actor, callback_data.locale)


def build_router() -> Router:
    router = Router(name="language")
    router.message.register(language_requested, Command("language"))
    router.callback_query.register(language_chosen, LanguageChoice.filter())
    return router
