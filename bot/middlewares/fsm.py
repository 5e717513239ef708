"""aiogram's FSM middleware, reading the person together with the conversation state.

Registered after the session middleware and before the update-id claim (see
middlewares/database.py). Under the person's lock it reads what every handler needs first:
the conversation state (aiogram's `raw_state`, which the state filters compare) and the
person with their roles (the `actor`). With the SQL storage both come from one query in the
update's own transaction; with Redis the state comes from Redis and the actor from one query.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

from aiogram import Bot
from aiogram.fsm.context import FSMContext
from aiogram.fsm.middleware import FSMContextMiddleware
from aiogram.fsm.storage.base import BaseEventIsolation, BaseStorage
from aiogram.types import TelegramObject, User

from bot.fsm_storage import SqlStorage
from storage.clock import Clock
from storage.people.actor import load_actor, load_actor_and_state

Handler = Callable[[TelegramObject, dict[str, Any]], Awaitable[Any]]


class PersonFSMMiddleware(FSMContextMiddleware):
    def __init__(
        self,
        storage: BaseStorage,
        events_isolation: BaseEventIsolation,
        clock: Clock,
        admin_ids: frozenset[int],
    ) -> None:
        super().__init__(storage, events_isolation)
        self.clock = clock
        self.admin_ids = admin_ids

    async def __call__(self, handler: Handler, event: TelegramObject, data: dict[str, Any]) -> Any:
        bot: Bot = data["bot"]
        context = self.resolve_event_context(bot, data)
        data["fsm_storage"] = self.storage
        if context is None:
            # No chat and no person (e.g. a poll's state): no state to read, no one to load.
            return await handler(event, data)
        # The state is read after the lock is taken (aiogram issue 1317), here together
        # with the person.
        async with self.events_isolation.lock(key=context.key):
            data["state"] = context
            data["raw_state"] = await self._read(context, data)
            return await handler(event, data)

    async def _read(self, context: FSMContext, data: dict[str, Any]) -> str | None:
        user: User | None = data.get("event_from_user")
        if user is None or user.is_bot:
            return await context.get_state()
        session = data["session"]
        if not isinstance(self.storage, SqlStorage):
            data["actor"] = await load_actor(session, user.id, self.admin_ids, self.clock.now())
            return await context.get_state()
        key = self.storage.build_key(context.key)
        actor, state, state_data = await load_actor_and_state(
            session, user.id, self.admin_ids, self.clock.now(), key
        )
        self.storage.prime(session, key, state, state_data)
        data["actor"] = actor
        return state
