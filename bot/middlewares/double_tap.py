"""A second tap on the same button of the same message, made while the first is still being
handled, is the same tap: it is answered (the button stops spinning) and not handled again.

A fast thumb sends two callback queries before the first answer arrives; both carry the
message as it was, so no handler can tell the second from a deliberate tap. Handled twice,
it asks the next question twice, toggles a tick back off, or opens a prompt twice. Taps on
other buttons, and a tap repeated after the first has been handled, go through as usual
(the handlers refuse what is stale). An update delivered twice is a different thing, caught
by its id (middlewares/database.py).

The taps in flight are known to this process only: two taps that reach two instances are
both handled, and the handlers' own guards (a meeting saved once, a pair formed once) hold.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

from aiogram import BaseMiddleware
from aiogram.types import CallbackQuery, TelegramObject, Update

Handler = Callable[[TelegramObject, dict[str, Any]], Awaitable[Any]]
TapKey = tuple[int, str, str | None]


class DoubleTapMiddleware(BaseMiddleware):
    """An outer middleware of updates, before anything waits (see bot/factory.py)."""

    def __init__(self) -> None:
        self._in_flight: dict[TapKey, str] = {}  # the tap being handled -> its query id

    async def __call__(self, handler: Handler, event: TelegramObject, data: dict[str, Any]) -> Any:
        query = event.callback_query if isinstance(event, Update) else None
        if query is None:
            return await handler(event, data)
        key = _key(query)
        handling = self._in_flight.get(key)
        if handling is not None:
            # The same query delivered twice is answered by its first delivery; a query
            # may be answered only once.
            if handling != query.id:
                await query.answer()
            return None
        self._in_flight[key] = query.id
        try:
            return await handler(event, data)
        finally:
            del self._in_flight[key]


def _key(query: CallbackQuery) -> TapKey:
    if query.message is not None:
        where = f"{query.message.chat.id}:{query.message.message_id}"
    else:
        where = f"inline:{query.inline_message_id}"
    return query.from_user.id, where, query.data
