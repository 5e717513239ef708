"""Commit the update's transaction before every Bot API request.

A transaction held across a network call keeps SQLite's write lock for as long as
Telegram takes to answer; and nothing the person is told should be left uncommitted.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from aiogram.client.session.middlewares.base import BaseRequestMiddleware, NextRequestMiddlewareType
from aiogram.methods import TelegramMethod
from aiogram.methods.base import Response

from storage.conversations import write_pending
from storage.db import current_session

if TYPE_CHECKING:
    from aiogram import Bot


class CommitBeforeTelegram(BaseRequestMiddleware):
    async def __call__(
        self,
        make_request: NextRequestMiddlewareType[Any],
        bot: Bot,
        method: TelegramMethod[Any],
    ) -> Response[Any]:
        session = current_session.get()
        if session is not None:
            await write_pending(session)
            if session.in_transaction():
                await session.commit()
        return await make_request(bot, method)
