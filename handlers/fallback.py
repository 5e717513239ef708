"""Whatever no other handler took: a short hint instead of silence."""

from __future__ import annotations

from aiogram import F, Router
from aiogram.types import CallbackQuery, Message
from aiogram.utils.i18n import gettext as _


async def unknown_command(message: Message) -> None:
    await message.answer(_("I do not know this command. Send /help to see the list."))


async def unexpected_message(message: Message) -> None:
    await message.answer(_("I did not understand. Send /help to see what I can do."))


async def stale_button(query: CallbackQuery) -> None:
    # Buttons of a finished or cancelled conversation stay on screen; say so instead of spinning.
    await query.answer(
        _("This button is no longer active. Send /help to start again."), show_alert=True
    )


def build_router() -> Router:
    router = Router(name="fallback")
    router.message.register(unknown_command, F.text.startswith("/"))
    router.message.register(unexpected_message)
    router.callback_query.register(stale_button)
    return router
