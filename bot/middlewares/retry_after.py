"""A reply that meets Telegram's flood control waits and goes again, within bounds.

Telegram answers 429 with `retry_after` seconds when the bot sends too fast. A reply to a
person is worth a short wait: it is tried again after `retry_after`, at most `MAX_ATTEMPTS`
times and `MAX_WAIT` seconds in all (less than the shutdown's grace, so a stopping bot
still finishes it); past either bound the error goes on as before.

The outbox paces itself and answers a 429 by pausing every delivery (scheduler/pacing.py);
its requests are made inside `paced_by_caller()`, so they are neither slowed nor retried
twice here.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable
from typing import TYPE_CHECKING, Any

from aiogram.client.session.middlewares.base import BaseRequestMiddleware, NextRequestMiddlewareType
from aiogram.exceptions import TelegramRetryAfter
from aiogram.methods import TelegramMethod
from aiogram.methods.base import Response

from scheduler.pacing import is_paced_by_caller

if TYPE_CHECKING:
    from aiogram import Bot

log = logging.getLogger(__name__)

MAX_ATTEMPTS = 3
MAX_WAIT = 10.0


class RetryAfterMiddleware(BaseRequestMiddleware):
    def __init__(
        self,
        max_attempts: int = MAX_ATTEMPTS,
        max_wait: float = MAX_WAIT,
        sleep: Callable[[float], Awaitable[Any]] = asyncio.sleep,
    ) -> None:
        self.max_attempts = max_attempts
        self.max_wait = max_wait
        self.sleep = sleep

    async def __call__(
        self,
        make_request: NextRequestMiddlewareType[Any],
        bot: Bot,
        method: TelegramMethod[Any],
    ) -> Response[Any]:
        if is_paced_by_caller():
            return await make_request(bot, method)
        waited = 0.0
        attempt = 1
        while True:
            try:
                return await make_request(bot, method)
            except TelegramRetryAfter as error:
                wait = error.retry_after
                if attempt >= self.max_attempts or waited + wait > self.max_wait:
                    raise
                log.warning(
                    "%s: Telegram asks to wait %s s; trying again (attempt %s of %s)",
                    method.__api_method__,
                    wait,
                    attempt + 1,
                    self.max_attempts,
                )
                await self.sleep(wait)
                waited += wait
                attempt += 1
