"""Whatever no other handler took: a short hint instead of silence."""

from __future__ import annotations

from aiogram import F, Router
from aiogram.types import CallbackQuery, Message
from aiogram.utils.i18n import gettext as _
from sqlalchemy.ext.asyncio import AsyncSession

from handlers.access import BY_NAME, awaiting_guardian
from handlers.registration.guardian_wait import waiting_text
from storage.people.actor import Actor


async def unknown_command(
    message: Message, session: AsyncSession, actor: Actor | None = None
) -> None:
    name = (message.text or "/").split()[0][1:].split("@")[0].lower()
    spec = BY_NAME.get(name)
    if spec is None:
        await message.answer(_("I do not know this command. Send /help to see the list."))
    elif spec.registered and spec.roles is None and not spec.admin:
        await message.answer(_("This command works after registration through an invitation link."))
    elif waiting := awaiting_guardian(actor, name):
        await message.answer(await waiting_text(session, waiting))
    else:
        await message.answer(
            _("This command is not available for your role. Send /help to see yours.")
        )


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
