"""The command menu (setMyCommands): a default per language, and one per chat that follows
the person's language and roles."""

from __future__ import annotations

from aiogram import Bot
from aiogram.types import BotCommand, BotCommandScopeChat, BotCommandScopeDefault
from aiogram.utils.i18n import I18n

from handlers.access import commands_for
from storage.people.actor import Actor
from storage.settings import SUPPORTED_LOCALES


def menu(i18n: I18n, locale: str, actor: Actor | None) -> list[BotCommand]:
    with i18n.use_locale(locale):
        return [
            BotCommand(command=spec.name, description=str(spec.description))
            for spec in commands_for(actor)
        ]


async def set_default_commands(bot: Bot, i18n: I18n) -> None:
    with i18n.context():
        # Without a language code: what Telegram shows everyone else.
        await bot.set_my_commands(
            menu(i18n, i18n.default_locale, None), scope=BotCommandScopeDefault()
        )
        for locale in SUPPORTED_LOCALES:
            await bot.set_my_commands(
                menu(i18n, locale, None), scope=BotCommandScopeDefault(), language_code=locale
            )


async def set_personal_commands(
    bot: Bot, i18n: I18n, actor: Actor, locale: str | None = None
) -> None:
    """A per-chat menu overrides the default; called when the language or the roles change."""
    locale = locale or actor.locale or i18n.default_locale
    await bot.set_my_commands(
        menu(i18n, locale, actor), scope=BotCommandScopeChat(chat_id=actor.telegram_id)
    )
