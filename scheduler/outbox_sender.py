"""The delivery loop: drains the outbox at Telegram's pace, one person's due messages at once.

Each delivery is: claim the rows ("sending") and commit; wait for a slot; send; record the
outcome in a new transaction. What Telegram answers decides what happens next:
- 429: everyone pauses for retry_after and the same rows are tried again;
- 403: the person blocked the bot; they are marked and nothing more is sent to them;
- 400: the message itself is wrong; the rows fail with Telegram's reason;
- 5xx, network errors and timeouts: retried with exponential backoff, up to MAX_ATTEMPTS.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable, Mapping
from typing import Any

from aiogram import Bot
from aiogram.exceptions import (
    TelegramBadRequest,
    TelegramForbiddenError,
    TelegramNetworkError,
    TelegramRetryAfter,
    TelegramServerError,
)
from aiogram.utils.i18n import I18n

from scheduler.outbox_texts import Renderer, render_delivery
from scheduler.pacing import Pacer, paced_by_caller
from storage.clock import Clock
from storage.db import Database
from storage.outbox.queue import (
    Delivery,
    due_deliveries,
    mark_blocked,
    mark_failed,
    mark_retry,
    mark_sending,
    mark_sent,
    release_in_flight,
)

log = logging.getLogger(__name__)

BATCH = 100
IDLE_SECONDS = 1.0


class OutboxSender:
    def __init__(
        self,
        database: Database,
        bot: Bot,
        i18n: I18n,
        clock: Clock,
        send_rate: float,
        default_locale: str,
        renderers: Mapping[str, Renderer],
        pacer: Pacer | None = None,
    ) -> None:
        self.database = database
        self.renderers = renderers
        self.bot = bot
        self.i18n = i18n
        self.clock = clock
        self.default_locale = default_locale
        self.pacer = pacer or Pacer(send_rate)
        self.stopping = asyncio.Event()
        self.task: asyncio.Task[None] | None = None

    def start(self) -> None:
        self.task = asyncio.create_task(self.run(), name="outbox")

    async def stop(self, timeout: float = 10.0) -> None:
        """Finish the message in flight (its outcome is recorded), then stop."""
        self.stopping.set()
        if self.task is not None:
            try:
                await asyncio.wait_for(self.task, timeout)
            except TimeoutError:
                log.warning("outbox sender did not stop within %.0f s", timeout)

    async def run(self) -> None:
        async with self.database.transaction() as session:
            released = await release_in_flight(session)
        if released:
            log.warning(
                "outbox: %s message(s) were in flight at the last stop; sending again", released
            )
        while not self.stopping.is_set():
            try:
                sent = await self.drain_once()
            except Exception:
                log.exception("outbox pass failed")
                sent = 0
            if not sent:
                try:
                    await asyncio.wait_for(self.stopping.wait(), IDLE_SECONDS)
                except TimeoutError:
                    pass

    async def drain_once(self) -> int:
        """Deliver what is due now; returns how many deliveries were attempted."""
        async with self.database.transaction() as session:
            deliveries = await due_deliveries(session, self.clock.now(), BATCH)
        attempted = 0
        for delivery in deliveries:
            if self.stopping.is_set():
                break
            await self.deliver(delivery)
            attempted += 1
        return attempted

    async def deliver(self, delivery: Delivery) -> None:
        locale = delivery.locale or self.default_locale
        with self.i18n.context(), self.i18n.use_locale(locale):
            text, markup = render_delivery(delivery, delivery.late, self.renderers)
        await self.pacer.slot(delivery.chat_id)
        async with self.database.transaction() as session:
            if not await mark_sending(session, delivery.ids):
                return  # another sender claimed them, or they changed meanwhile
        try:
            # A 429 comes straight back here: the pacer pauses everyone, not this send alone.
            with paced_by_caller():
                message = await self.bot.send_message(delivery.chat_id, text, reply_markup=markup)
        except TelegramRetryAfter as exc:
            self.pacer.pause(exc.retry_after)
            await self._record(mark_retry, delivery.ids, self.clock.now(), "429", exc.retry_after)
        except TelegramForbiddenError:
            async with self.database.transaction() as session:
                await mark_blocked(session, delivery.person_id, self.clock.now())
        except TelegramBadRequest as exc:
            await self._record(mark_failed, delivery.ids, exc.message)
        except (TelegramServerError, TelegramNetworkError, TimeoutError) as exc:
            await self._record(mark_retry, delivery.ids, self.clock.now(), _reason(exc))
        except Exception as exc:  # an answer we do not know: keep the rows, try again later
            log.exception("outbox: unexpected error sending to person %s", delivery.person_id)
            await self._record(mark_retry, delivery.ids, self.clock.now(), _reason(exc))
        else:
            await self._record(mark_sent, delivery.ids, self.clock.now(), message.message_id)

    async def _record(self, mark: Callable[..., Awaitable[None]], *args: Any) -> None:
        async with self.database.transaction() as session:
            await mark(session, *args)


def _reason(exc: BaseException) -> str:
    return f"{type(exc).__name__}: {exc}"[:300]
