"""The command menu (setMyCommands): a default per language, and one per chat once chosen."""

from __future__ import annotations

from aiogram import Bot
from aiogram.types import BotCommand, BotCommandScopeChat, BotCommandScopeDefault
from aiogram.utils.i18n import I18n
from aiogram.utils.i18n import gettext as _
from aiogram.utils.i18n.context import get_i18n

from bot.config import SUPPORTED_LOCALES


def menu(locale: str) -> list[BotCommand]:
    with get_i18n().use_locale(locale):
        return [
            BotCommand(command="start", description=_("Greeting and what the bot is for")),
            BotCommand(command="help", description=_("What the bot can do")),
            BotCommand(command="language", description=_("Language of the interface")),
            BotCommand(command="feedback", description=_("Write to the administrators")),
            BotCommand(command="cancel", description=_("Stop the current action")),
        ]


async def set_default_commands(bot: Bot, i18n: I18n) -> None:
    with i18n.context():
        # Without a language code: what Telegram shows everyone else.
        await bot.set_my_commands(menu(i18n.default_locale), scope=BotCommandScopeDefault())
        for locale in SUPPORTED_LOCALES:
            await bot.set_my_commands(
                menu(locale), scope=BotCommandScopeDefault(), language_code=locale
            )


async def set_personal_commands(bot: Bot, chat_id: int, locale: str) -> None:
    """A per-chat menu overrides the language-based default, so it follows /language."""
    await bot.set_my_commands(menu(locale), scope=BotCommandScopeChat(chat_id=chat_id))
