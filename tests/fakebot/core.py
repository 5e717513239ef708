"""FakeTelegram: the whole fake Bot API as plain in-memory state, shared by every face."""

from __future__ import annotations

import asyncio
import itertools
import random
import time
from collections import Counter
from collections.abc import Callable
from typing import Any

from .botapi import BotMethods
from .errors import ApiError, BrokenAnswer
from .limits import Fault, FaultPlan, RateLimiter
from .messaging import MessagingMethods
from .params import Params, decoded, unauthorized
from .reading import ReadingMethods
from .records import SentMessage, StoredFile
from .updates import UpdateQueue
from .users import FakeUser
from .waiting import Notifier

Files = dict[str, tuple[str, bytes]]


class FakeTelegram(MessagingMethods, BotMethods, ReadingMethods):
    def __init__(
        self,
        token: str = "42:TEST",
        bot_username: str = "mentor_test_bot",
        *,
        bot_first_name: str = "Mentor Test Bot",
        clock: Callable[[], float] = time.monotonic,
        wall_clock: Callable[[], float] = time.time,
        first_update_id: int | None = None,
    ) -> None:
        self.token = token
        self.bot_id = int(token.split(":", 1)[0])
        self.bot_username = bot_username
        self.bot_first_name = bot_first_name
        self.wall_clock = wall_clock
        # A large, varying first id catches code that assumes update ids start small.
        self.updates = UpdateQueue(first_update_id or random.randint(100_000_000, 900_000_000))
        self.rate = RateLimiter(clock)
        self._methods = {
            name[4:].lower(): getattr(self, name) for name in dir(self) if name.startswith("api_")
        }
        self._canonical = {
            name[4:].lower(): name[4:] for name in dir(self) if name.startswith("api_")
        }
        self.users: dict[int, FakeUser] = {}
        self.group_chats: dict[int, dict[str, Any]] = {}
        self.sent_changed = Notifier()
        self._clear_state()

    def _clear_state(self) -> None:
        self.chats: dict[int, list[SentMessage]] = {}
        self.message_counters: dict[int, int] = {}
        self.deleted_incoming: dict[int, set[int]] = {}
        self.files: dict[str, StoredFile] = {}
        self.requests: list[tuple[str, dict[str, Any]]] = []
        self.callback_queries: dict[str, dict[str, Any]] = {}
        self.callback_answers: dict[str, dict[str, Any]] = {}
        self.my_commands: dict[tuple[str, str], list[dict[str, str]]] = {}
        self.bot_settings: dict[str, dict[str, Any]] = {}
        self.webhook: dict[str, Any] = {}
        self.faults = FaultPlan()
        self.rate.configure(None, None)
        self.latency = 0.0
        self.statuses: Counter[int] = Counter()
        self._callback_ids = itertools.count(random.randint(10**17, 9 * 10**17))

    def reset(self) -> None:
        """Forget messages, requests, faults and limits; users stay, unblocked.

        Update ids keep growing so a running poller's offset never hides new updates.
        """
        self._clear_state()
        self.updates.drop_pending()
        for user in self.users.values():
            user.blocked = False
            user.seen_message_id = 0

    # The Bot API entry point.

    async def call(
        self, token: str, method: str, params: dict[str, Any], files: Files | None = None
    ) -> tuple[int, dict[str, Any]]:
        """Answer one Bot API request: (HTTP status, JSON body) exactly as Telegram would.

        BrokenAnswer escapes: each face breaks the connection its own way.
        """
        name = self._canonical.get(method.lower(), method)
        self.requests.append((name, decoded(params)))
        try:
            if token != self.token:
                raise unauthorized()
            if self.latency:
                await asyncio.sleep(self.latency)
            handler = self._methods.get(method.lower())
            if handler is None:
                raise ApiError(404, "Not Found: method not found")
            if fault := self.faults.take(method):
                raise fault
            request = Params(params, files)
            self.rate.check(method, decoded(params).get("chat_id"))
            result = await handler(request)
        except ApiError as error:
            status, body = error.status, error.body()
        except BrokenAnswer:
            self.statuses[0] += 1
            raise
        else:
            status, body = 200, {"ok": True, "result": result}
        self.statuses[status] += 1
        return status, body

    # Injecting what users do.

    def user(
        self,
        user_id: int,
        first_name: str | None = None,
        last_name: str | None = None,
        username: str | None = None,
        language_code: str | None = None,
    ) -> FakeUser:
        """Register a user (private chat id == user id) or return them, updating given fields."""
        user = self.users.get(user_id)
        if user is None:
            user = self.users[user_id] = FakeUser(self, user_id, first_name or "Test")
            user.language_code = language_code or "ru"
        for key, value in (
            ("first_name", first_name),
            ("last_name", last_name),
            ("username", username),
            ("language_code", language_code),
        ):
            if value is not None:
                setattr(user, key, value)
        return user

    def inject_update(self, raw: dict[str, Any]) -> dict[str, Any]:
        for value in raw.values():
            chat = value.get("chat") if isinstance(value, dict) else None
            if isinstance(chat, dict) and chat.get("type") != "private" and "id" in chat:
                self.group_chats[chat["id"]] = chat
        return self.updates.push(raw)

    def inject_duplicate(self, update_id: int) -> dict[str, Any]:
        return self.updates.duplicate(update_id)

    def take_update(self, update_id: int) -> dict[str, Any]:
        return self.updates.take(update_id)

    # Faults.

    def fail_next(
        self,
        method: str | None,
        n: int = 1,
        status: int = 500,
        description: str | None = "Internal Server Error",
        retry_after: int | None = None,
    ) -> None:
        if description == "Internal Server Error" and status != 500:
            description = None  # let the status pick Telegram's wording
        self.faults.add(
            Fault(method.lower() if method else None, n, status, description, retry_after)
        )

    def break_next(self, method: str | None, n: int = 1, how: str = "drop") -> None:
        """The next `n` calls get no answer: the connection drops, or garbage comes back."""
        BrokenAnswer(how)  # refuses an unknown kind here, not at the call
        self.faults.add(Fault(method.lower() if method else None, n, 0, None, None, how))

    def set_rate_limit(
        self, per_second: float | None, per_chat_per_second: float | None = 1.0
    ) -> None:
        self.rate.configure(per_second, per_chat_per_second)

    def set_latency(self, seconds: float) -> None:
        self.latency = seconds

    # Helpers for the method handlers and users.

    def now(self) -> int:
        return int(self.wall_clock())

    def next_message_id(self, chat_id: int) -> int:
        # One counter per chat for both sides, as in a real private chat.
        self.message_counters[chat_id] = self.message_counters.get(chat_id, 0) + 1
        return self.message_counters[chat_id]

    def new_callback_query_id(self) -> str:
        return str(next(self._callback_ids))

    def bot_user(self) -> dict[str, Any]:
        return {
            "id": self.bot_id,
            "is_bot": True,
            "first_name": self.bot_first_name,
            "username": self.bot_username,
        }

    def chat_json(self, chat_id: int) -> dict[str, Any]:
        if chat_id in self.users:
            return self.users[chat_id].as_chat()
        if chat_id in self.group_chats:
            return dict(self.group_chats[chat_id])
        return {"id": chat_id, "type": "private", "first_name": "Unknown"}

    def store_file(self, kind: str, name: str | None, data: bytes, mime: str | None) -> StoredFile:
        stored = StoredFile.create(kind, name, data, mime)
        self.files[stored.file_id] = stored
        if kind == "photo":
            for size in stored.as_photo_sizes():
                self.files[size["file_id"]] = stored
        return stored

    def file_by_path(self, file_path: str) -> StoredFile | None:
        return next((f for f in self.files.values() if f.file_path == file_path), None)

    def message_json(self, sent: SentMessage) -> dict[str, Any]:
        message: dict[str, Any] = {
            "message_id": sent.message_id,
            "from": self.bot_user(),
            "chat": self.chat_json(sent.chat_id),
            "date": sent.date,
        }
        if sent.edit_date:
            message["edit_date"] = sent.edit_date
        text_key, entities_key = (
            ("text", "entities") if sent.kind == "message" else ("caption", "caption_entities")
        )
        if sent.kind == "photo" and sent.file:
            message["photo"] = sent.file.as_photo_sizes()
        elif sent.kind == "document" and sent.file:
            message["document"] = sent.file.as_document()
        if sent.text is not None:
            message[text_key] = sent.text
        if sent.entities:
            message[entities_key] = sent.entities
        if sent.reply_markup and "inline_keyboard" in sent.reply_markup:
            message["reply_markup"] = sent.reply_markup
        return message
