"""A simulated Telegram user: what they type and tap becomes updates for the bot."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Any

from .keyboards import find_callback_button
from .markup import utf16_len
from .records import SentMessage

if TYPE_CHECKING:
    from .core import FakeTelegram

_COMMAND = re.compile(r"(?<!\S)/[A-Za-z0-9_]{1,32}(?:@[A-Za-z0-9_]{3,32})?")


def command_entities(text: str) -> list[dict[str, Any]]:
    """bot_command entities where Telegram's clients would mark them."""
    return [
        {
            "type": "bot_command",
            "offset": utf16_len(text[: match.start()]),
            "length": utf16_len(match.group(0)),
        }
        for match in _COMMAND.finditer(text)
    ]


class FakeUser:
    def __init__(self, tg: FakeTelegram, user_id: int, first_name: str) -> None:
        self.tg = tg
        self.id = user_id
        self.first_name = first_name
        self.last_name: str | None = None
        self.username: str | None = None
        self.language_code: str | None = "ru"
        self.blocked = False
        self.seen_message_id = 0  # wait_reply's cursor: the last bot message this user read

    def as_user(self) -> dict[str, Any]:
        user: dict[str, Any] = {"id": self.id, "is_bot": False, "first_name": self.first_name}
        for key in ("last_name", "username", "language_code"):
            if getattr(self, key):
                user[key] = getattr(self, key)
        return user

    def as_chat(self) -> dict[str, Any]:
        chat: dict[str, Any] = {"id": self.id, "type": "private", "first_name": self.first_name}
        for key in ("last_name", "username"):
            if getattr(self, key):
                chat[key] = getattr(self, key)
        return chat

    # What the user does.

    def send(self, text: str, reply_to: SentMessage | None = None) -> dict[str, Any]:
        message = self._new_message(reply_to)
        message["text"] = text
        if entities := command_entities(text):
            message["entities"] = entities
        return self.tg.inject_update({"message": message})

    def send_photo(
        self, file_id: str | None = None, data: bytes = b"\xff\xd8photo", caption: str | None = None
    ) -> dict[str, Any]:
        stored = self.tg.files.get(file_id) if file_id else None
        stored = stored or self.tg.store_file("photo", "photo.jpg", data, "image/jpeg")
        message = self._new_message(None)
        message["photo"] = stored.as_photo_sizes()
        if caption:
            message["caption"] = caption
        return self.tg.inject_update({"message": message})

    def send_document(
        self,
        data: bytes = b"document",
        file_name: str = "document.txt",
        mime_type: str = "text/plain",
        caption: str | None = None,
    ) -> dict[str, Any]:
        stored = self.tg.store_file("document", file_name, data, mime_type)
        message = self._new_message(None)
        message["document"] = stored.as_document()
        if caption:
            message["caption"] = caption
        return self.tg.inject_update({"message": message})

    def click(
        self, message: SentMessage | int, text: str | None = None, data: str | None = None
    ) -> dict[str, Any]:
        """Tap a button that is on the message right now; AssertionError if there is none."""
        current = self._own(message)
        if current is None or current.deleted:
            raise AssertionError(f"message {message!r} is not in the chat with {self.id}")
        button = find_callback_button(current.reply_markup, text, data)
        return self.press(current, button["callback_data"])

    def press(self, message: SentMessage | int, data: str) -> dict[str, Any]:
        """Send callback data without checking the keyboard: stale or forged taps."""
        current = self._own(message)
        if current is None:
            raise AssertionError(f"message {message!r} was never sent to {self.id}")
        query_id = self.tg.new_callback_query_id()
        query = {
            "id": query_id,
            "from": self.as_user(),
            "message": self.tg.message_json(current),
            "chat_instance": str(abs(hash((self.tg.bot_id, self.id)))),
            "data": data,
        }
        self.tg.callback_queries[query_id] = query
        return self.tg.inject_update({"callback_query": query})

    def block_bot(self) -> dict[str, Any]:
        self.blocked = True
        return self._member_update("member", "kicked")

    def unblock_bot(self) -> dict[str, Any]:
        self.blocked = False
        return self._member_update("kicked", "member")

    # What the user sees.

    @property
    def messages(self) -> list[SentMessage]:
        return self.tg.sent_to(self.id)

    @property
    def last(self) -> SentMessage | None:
        return self.tg.last(self.id)

    async def wait_reply(self, timeout: float = 10.0) -> SentMessage:
        """The next bot message this user has not read yet; edits do not count."""
        reply = await self.tg.wait_for(self.id, timeout=timeout, after=self.seen_message_id)
        self.seen_message_id = reply.message_id
        return reply

    def _own(self, message: SentMessage | int) -> SentMessage | None:
        if isinstance(message, SentMessage) and message.chat_id != self.id:
            raise AssertionError(f"user {self.id} cannot tap a button in chat {message.chat_id}")
        return self.tg.message(self.id, message)

    def _new_message(self, reply_to: SentMessage | None) -> dict[str, Any]:
        message: dict[str, Any] = {
            "message_id": self.tg.next_message_id(self.id),
            "from": self.as_user(),
            "chat": self.as_chat(),
            "date": self.tg.now(),
        }
        if reply_to is not None:
            message["reply_to_message"] = self.tg.message_json(reply_to)
        return message

    def _member_update(self, old: str, new: str) -> dict[str, Any]:
        bot = self.tg.bot_user()

        def member(status: str) -> dict[str, Any]:
            # Telegram sends until_date 0 ("forever") with every "kicked" member.
            return {
                "user": bot,
                "status": status,
                **({"until_date": 0} if status == "kicked" else {}),
            }

        change = {
            "chat": self.as_chat(),
            "from": self.as_user(),
            "date": self.tg.now(),
            "old_chat_member": member(old),
            "new_chat_member": member(new),
        }
        return self.tg.inject_update({"my_chat_member": change})

    def __repr__(self) -> str:
        return f"<FakeUser {self.id} {self.first_name!r}{' blocked' if self.blocked else ''}>"
