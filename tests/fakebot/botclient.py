"""BotClient: drive a real aiogram Dispatcher with FakeTelegram users, one update at a time."""

from __future__ import annotations

import asyncio
from collections.abc import Sequence
from typing import Any

from aiogram import Bot, Dispatcher
from aiogram.types import Update

from .core import FakeTelegram
from .records import SentMessage
from .users import FakeUser


class BotClient:
    """`double_taps`: every `click` is a double tap (ClientUser.double_click), so a whole
    conversation is driven the way a fast thumb and a flaky network would drive it.
    `failure_marks`: how the bot's answers start when a handler failed."""

    def __init__(
        self,
        dispatcher: Dispatcher,
        bot: Bot,
        tg: FakeTelegram,
        *,
        double_taps: bool = False,
        failure_marks: Sequence[str] = (),
        **feed_kwargs: Any,
    ):
        self.dispatcher = dispatcher
        self.bot = bot
        self.tg = tg
        self.double_taps = double_taps
        self.failure_marks = tuple(failure_marks)
        self.feed_kwargs = feed_kwargs

    def user(
        self,
        user_id: int,
        first_name: str | None = None,
        last_name: str | None = None,
        username: str | None = None,
        language_code: str | None = None,
    ) -> ClientUser:
        fake = self.tg.user(user_id, first_name, last_name, username, language_code)
        return ClientUser(self, fake)

    async def feed(self, update: dict[str, Any]) -> Any:
        """Take an injected update out of the fake's queue and run it through the dispatcher.

        Taking it confirms it, so a poller on the same fake never sees it a second time.
        """
        raw = self.tg.take_update(update["update_id"])
        parsed = Update.model_validate(raw, context={"bot": self.bot})
        return await self.dispatcher.feed_update(self.bot, parsed, **self.feed_kwargs)

    async def feed_raw(self, raw: dict[str, Any]) -> Any:
        """Any update shape the users cannot produce (groups, channels, odd payloads)."""
        return await self.feed(self.tg.inject_update(raw))

    async def press(
        self,
        user: ClientUser | FakeUser,
        message: SentMessage | int,
        text: str | None = None,
        data: str | None = None,
    ) -> Any:
        """A stale or forged tap: `data` as given, or the data `text` had on any past keyboard."""
        fake = user.fake if isinstance(user, ClientUser) else user
        return await self.feed(fake.press(message, _data_for(self.tg, fake, message, text, data)))


def _data_for(
    tg: FakeTelegram, user: FakeUser, message: SentMessage | int, text: str | None, data: str | None
) -> str:
    if data is not None:
        return data
    sent = tg.message(user.id, message)
    markups = [sent.reply_markup, *(edit["reply_markup"] for edit in sent.edits)] if sent else []
    for markup in markups:
        for row in (markup or {}).get("inline_keyboard", []):
            for button in row:
                if button.get("text") == text and button.get("callback_data") is not None:
                    return button["callback_data"]
    raise AssertionError(f"no keyboard of message {message!r} ever had a button {text!r}")


class ClientUser:
    """A FakeUser whose every action is dispatched at once; returns what feed_update returned."""

    def __init__(self, client: BotClient, fake: FakeUser) -> None:
        self.client = client
        self.fake = fake
        self.id = fake.id

    async def send(self, text: str, reply_to: SentMessage | None = None) -> Any:
        return await self.client.feed(self.fake.send(text, reply_to=reply_to))

    async def send_photo(self, **kwargs: Any) -> Any:
        return await self.client.feed(self.fake.send_photo(**kwargs))

    async def send_document(self, **kwargs: Any) -> Any:
        return await self.client.feed(self.fake.send_document(**kwargs))

    async def click(
        self, message: SentMessage | int, text: str | None = None, data: str | None = None
    ) -> Any:
        if self.client.double_taps:
            return await self.double_click(message, text=text, data=data)
        return await self.client.feed(self.fake.click(message, text=text, data=data))

    async def double_click(
        self, message: SentMessage | int, text: str | None = None, data: str | None = None
    ) -> Any:
        """One tap delivered twice, and a second tap on the same button of the same message,
        all at once; then what a double tap must never do is checked: fail, leave a tap
        unanswered, or say the same thing twice. Returns what the first delivery returned."""
        tg = self.client.tg
        seen = {m.message_id for m in tg.sent_to(self.id)}
        first = self.fake.click(message, text=text, data=data)
        again = tg.inject_duplicate(first["update_id"])
        second = self.fake.press(message, first["callback_query"]["data"])
        results = await asyncio.gather(*(self.client.feed(u) for u in (first, again, second)))
        new = [m for m in tg.sent_to(self.id) if m.message_id not in seen]
        tapped = text or data
        marks = self.client.failure_marks
        failed = [m for m in new if marks and (m.text or "").startswith(marks)]
        assert not failed, f"a double tap on {tapped!r} failed:\n{tg.transcript(self.id)}"
        assert not tg.unanswered_callbacks(), f"a double tap on {tapped!r} left a tap unanswered"
        said = [m.text for m in new if m.kind == "message"]
        assert len(said) == len(set(said)), (
            f"a double tap on {tapped!r} said the same twice:\n{tg.transcript(self.id)}"
        )
        return results[0]

    async def press(
        self, message: SentMessage | int, text: str | None = None, data: str | None = None
    ) -> Any:
        return await self.client.press(self, message, text=text, data=data)

    async def block_bot(self) -> Any:
        return await self.client.feed(self.fake.block_bot())

    async def unblock_bot(self) -> Any:
        return await self.client.feed(self.fake.unblock_bot())

    @property
    def replies(self) -> list[SentMessage]:
        return self.fake.messages

    messages = replies

    @property
    def last(self) -> SentMessage | None:
        return self.fake.last

    def __repr__(self) -> str:
        return f"<ClientUser {self.fake!r}>"
