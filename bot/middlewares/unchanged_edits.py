"""An edit that would change nothing is done, not failed.

Telegram refuses an edit whose text and keyboard equal the message's current ones ("message
is not modified"). That is what a second tap on the same button, a refresh with nothing new,
or a tap that redraws a screen as it already is produce; for the person the screen is right
either way. Taken as success here, once for every edit the bot makes.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from aiogram.client.session.middlewares.base import BaseRequestMiddleware, NextRequestMiddlewareType
from aiogram.exceptions import TelegramBadRequest
from aiogram.methods import (
    EditMessageCaption,
    EditMessageMedia,
    EditMessageReplyMarkup,
    EditMessageText,
    TelegramMethod,
)
from aiogram.methods.base import Response

if TYPE_CHECKING:
    from aiogram import Bot

EDITS = (EditMessageText, EditMessageCaption, EditMessageReplyMarkup, EditMessageMedia)
NOT_MODIFIED = "message is not modified"


class UnchangedEditIsDone(BaseRequestMiddleware):
    async def __call__(
        self,
        make_request: NextRequestMiddlewareType[Any],
        bot: Bot,
        method: TelegramMethod[Any],
    ) -> Response[Any]:
        if not isinstance(method, EDITS):
            return await make_request(bot, method)
        try:
            return await make_request(bot, method)
        except TelegramBadRequest as error:
            if NOT_MODIFIED not in error.message:
                raise
            # What an edit of a bot's own message returns when there is no Message to give.
            return True  # type: ignore[return-value]
