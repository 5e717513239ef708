"""A person in a chat with the real bot process: send, tap, and wait as a person would."""

from __future__ import annotations

from itertools import pairwise

# How the bot's answer begins when a handler failed (handlers/system/errors.py).
FAILURE_MARKS = ("Извините, у нас что-то пошло не так.", "Sorry, something went wrong on our side.")


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

    async def double_tap(
        self, text: str, message=None, until=None, timeout: float = 10.0, changes: bool = True
    ):
        """One tap delivered twice and a second tap on the same button of the same message,
        all at once, as a fast thumb on a flaky network gives them. Waits until both taps
        are answered and `until(message)` holds for the tapped message edited or a new one
        (by default: any change; `changes=False` for a tap that leaves the screen as it
        is); then checks that nothing failed and nothing was said twice. Returns the
        message that answered."""
        message = message or self.fake.last
        newest = self.fake.last.message_id
        before = (message.text, message.buttons)
        until = until or (lambda m: True)
        try:
            first = self.fake.click(message, text=text)
        except AssertionError as error:
            raise AssertionError(f"{error}\n{self.tg.transcript(self.id)}") from None
        self.tg.inject_duplicate(first["update_id"])
        second = self.fake.press(message, first["callback_query"]["data"])
        queries = {first["callback_query"]["id"], second["callback_query"]["id"]}

        def answered():
            if not queries <= self.tg.callback_answers.keys():
                return None
            if not changes:
                return self.tg.message(self.id, message)
            for m in reversed(self.tg.sent_to(self.id)):
                edited = m.message_id == message.message_id and (m.text, m.buttons) != before
                if (edited or m.message_id > newest) and until(m):
                    return m
            return None

        found = await self.tg.sent_changed.wait_until(answered, timeout)
        if found is None:
            raise AssertionError(
                f"a double tap on {text!r} was not answered as expected within {timeout} s:\n"
                f"{self.tg.transcript(self.id)}"
            )
        self.check_chat()
        return found

    def check_chat(self) -> None:
        """Nothing in the chat says a handler failed, and nothing is said twice in a row."""
        said = [m.text or "" for m in self.fake.messages if m.kind == "message"]
        failed = [text for text in said if text.startswith(FAILURE_MARKS)]
        repeated = [a for a, b in pairwise(said) if a == b]
        assert not failed and not repeated, (
            f"failed: {failed}, said twice: {repeated}\n{self.tg.transcript(self.id)}"
        )
