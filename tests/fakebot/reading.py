"""Reading back what the bot did: transcripts, requests, commands, statistics."""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from .botapi import scope_key
from .records import SentMessage

if TYPE_CHECKING:
    from .core import FakeTelegram

    _Base = FakeTelegram
else:
    _Base = object


class ReadingMethods(_Base):
    def sent_to(self, chat_id: int, include_deleted: bool = False) -> list[SentMessage]:
        return [m for m in self.chats.get(chat_id, []) if include_deleted or not m.deleted]

    def last(self, chat_id: int) -> SentMessage | None:
        messages = self.sent_to(chat_id)
        return messages[-1] if messages else None

    def message(self, chat_id: int, message: SentMessage | int) -> SentMessage | None:
        message_id = message.message_id if isinstance(message, SentMessage) else message
        return next((m for m in self.chats.get(chat_id, []) if m.message_id == message_id), None)

    def requests_for(self, method: str) -> list[tuple[str, dict[str, Any]]]:
        return [request for request in self.requests if request[0].lower() == method.lower()]

    def commands(self, scope: Any = None, language_code: str | None = None) -> list[dict[str, str]]:
        return list(self.my_commands.get(scope_key(scope, language_code), []))

    def unanswered_callbacks(self) -> list[dict[str, Any]]:
        return [q for qid, q in self.callback_queries.items() if qid not in self.callback_answers]

    async def wait_for(
        self,
        chat_id: int,
        predicate: Callable[[SentMessage], bool] | None = None,
        timeout: float = 10.0,
        after: SentMessage | int | None = None,
    ) -> SentMessage:
        """The first message with message_id > `after` matching `predicate` (edits re-checked)."""
        after_id = after.message_id if isinstance(after, SentMessage) else after or 0

        def find() -> SentMessage | None:
            return next(
                (
                    m
                    for m in self.sent_to(chat_id)
                    if m.message_id > after_id and (predicate is None or predicate(m))
                ),
                None,
            )

        found = await self.sent_changed.wait_until(find, timeout)
        if found is None:
            raise AssertionError(
                f"no matching message to {chat_id} after #{after_id} within {timeout} s; "
                f"the chat so far:\n{self.transcript(chat_id)}"
            )
        return found

    def transcript(self, chat_id: int) -> str:
        lines = [repr(m) for m in self.sent_to(chat_id, include_deleted=True)]
        return "\n".join(lines) or "(no messages)"

    def stats(self) -> dict[str, Any]:
        per_chat = {str(chat): len(self.sent_to(chat)) for chat in self.chats}
        return {
            "sent_per_chat": per_chat,
            "sent_total": sum(per_chat.values()),
            "requests_total": len(self.requests),
            "requests_per_method": dict(Counter(name for name, _ in self.requests)),
            "responses_per_status": {str(k): v for k, v in self.statuses.items()},
            "too_many_requests": self.statuses[429],
            "errors": sum(v for k, v in self.statuses.items() if k != 200),
            "pending_updates": len(self.updates.pending),
        }
