"""BotClient: drive a real aiogram Dispatcher with FakeTelegram users, one update at a time."""

from __future__ import annotations

from typing import Any

from aiogram import Bot, Dispatcher
from aiogram.types import Update

from .core import FakeTelegram
from .records import SentMessage
from .users import FakeUser


class BotClient:
    def __init__(self, dispatcher: Dispatcher, bot: Bot, tg: FakeTelegram, **feed_kwargs: Any):
        self.dispatcher = dispatcher
        self.bot = bot
        self.tg = tg
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
        return await self.client.feed(self.fake.click(message, text=text, data=data))

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
