"""A person in a chat with the real bot process: send, tap, and wait as a person would."""

from __future__ import annotations


class Person:
    """A FakeUser with the waits a person does between taps."""

    def __init__(self, tg, user_id: int, first_name: str) -> None:
        self.tg = tg
        self.fake = tg.user(user_id, first_name=first_name)
        self.id = user_id

    async def say(self, text: str):
        """Send a message and wait for the bot's next new message."""
        newest = self.fake.last.message_id if self.fake.last else 0
        self.fake.send(text)
        return await self.tg.wait_for(self.id, lambda m: m.message_id > newest)

    async def tap(self, text: str, message=None):
        """Tap a button and wait for the bot's next new message."""
        message = message or self.fake.last
        newest = self.fake.last.message_id
        self._click(message, text)
        return await self.tg.wait_for(self.id, lambda m: m.message_id > newest)

    async def tap_any(self, text: str, message=None):
        """Tap a button answered either in place or by a new message; returns the answer."""
        message = message or self.fake.last
        newest = self.fake.last.message_id
        before = (message.text, message.buttons)

        def answered(m) -> bool:
            edited = m.message_id == message.message_id and (m.text, m.buttons) != before
            return edited or m.message_id > newest

        self._click(message, text)
        return await self.tg.wait_for(self.id, answered)

    def _click(self, message, text: str) -> None:
        try:
            self.fake.click(message, text=text)
        except AssertionError as error:
            raise AssertionError(f"{error}\n{self.tg.transcript(self.id)}") from None

    async def tap_edit(self, text: str, message=None):
        """Tap a button whose answer replaces the message it sits under."""
        message = message or self.fake.last
        before = (message.text, message.buttons)
        self._click(message, text)
        return await self.tg.wait_for(
            self.id,
            lambda m: m.message_id == message.message_id and (m.text, m.buttons) != before,
        )
