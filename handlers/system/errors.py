"""The last resort: log the failure with its update id and tell the person in their language."""

from __future__ import annotations

import logging

from aiogram import Bot, Router
from aiogram.exceptions import TelegramAPIError
from aiogram.types import Chat, ErrorEvent
from aiogram.utils.i18n import gettext as _

log = logging.getLogger(__name__)


async def handler_failed(event: ErrorEvent, bot: Bot, event_chat: Chat | None = None) -> bool:
    log.error(
        "update %s failed: %s",
        event.update.update_id,
        event.exception,
        exc_info=(type(event.exception), event.exception, event.exception.__traceback__),
    )
    if event_chat is None or event_chat.type != "private":
        return True
    try:
        await bot.send_message(
            event_chat.id,
            _(
                "Sorry, something went wrong on our side. Everything you entered before this "
                "step is kept: please repeat the last step, or send /cancel."
            ),
        )
    except TelegramAPIError as exc:
        log.warning("could not tell chat %s about the failure: %s", event_chat.id, exc)
    return True


def build_router() -> Router:
    router = Router(name="errors")
    router.errors.register(handler_failed)
    return router
