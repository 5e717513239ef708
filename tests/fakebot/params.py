"""Typed access to request parameters as a bot sends them.

aiogram posts every field as a form string (numbers too, nested objects as JSON), while
hand-written clients post JSON; each accessor accepts both so handlers never care.
"""

from __future__ import annotations

import json
from typing import Any

from .errors import ApiError, bad_request


class Params:
    def __init__(self, raw: dict[str, Any], files: dict[str, tuple[str, bytes]] | None) -> None:
        self.raw = dict(raw)
        self.files = files or {}

    def __contains__(self, name: str) -> bool:
        return self.raw.get(name) not in (None, "")

    def integer(self, name: str, missing: str | None = None) -> Any:
        """An integer, or the original string for `@channelname`-style chat ids."""
        value = self.raw.get(name)
        if value in (None, ""):
            if missing is not None:
                raise bad_request(missing)
            return None
        if isinstance(value, bool):
            return int(value)
        if isinstance(value, int):
            return value
        if isinstance(value, float) and value.is_integer():
            return int(value)
        text = str(value).strip()
        try:
            return int(text)
        except ValueError:
            if name == "chat_id" and text.startswith("@"):
                return text
            raise bad_request(f"invalid {name} specified") from None

    def text(self, name: str, missing: str | None = None) -> str | None:
        value = self.raw.get(name)
        if value is None or value == "":
            if missing is not None:
                raise bad_request(missing)
            return None
        return value if isinstance(value, str) else json.dumps(value)

    def flag(self, name: str) -> bool:
        value = self.raw.get(name)
        if isinstance(value, str):
            return value.strip().lower() in ("true", "1")
        return bool(value)

    def obj(self, name: str) -> Any:
        value = self.raw.get(name)
        if not isinstance(value, str):
            return value
        if value == "":
            return None
        try:
            return json.loads(value)
        except ValueError:
            raise bad_request(f"can't parse {name} JSON object") from None

    def upload(self, name: str) -> tuple[str, bytes] | str | None:
        """A multipart upload as (filename, bytes), or the file_id/URL string the bot passed."""
        value = self.raw.get(name)
        if isinstance(value, str) and value.startswith("attach://"):
            key = value.removeprefix("attach://")
            if key not in self.files:
                raise bad_request(f"file {key!r} must be uploaded as a part of the request")
            return self.files[key]
        if value in (None, "") and name in self.files:
            return self.files[name]
        return value


JSON_FIELDS = frozenset(
    "reply_markup entities caption_entities scope commands allowed_updates link_preview_options "
    "reply_parameters media menu_button message_ids".split()
)
INT_FIELDS = frozenset(
    "chat_id message_id offset limit timeout user_id cache_time from_chat_id message_thread_id "
    "reply_to_message_id".split()
)


def decoded(raw: dict[str, Any]) -> dict[str, Any]:
    """Parameters as tests read them back: the same shape whether aiogram or JSON sent them."""
    result: dict[str, Any] = {}
    for key, value in raw.items():
        if key in JSON_FIELDS and isinstance(value, str):
            try:
                value = json.loads(value)
            except ValueError:
                pass
        elif key in INT_FIELDS and isinstance(value, str) and value.lstrip("-").isdigit():
            value = int(value)
        result[key] = value
    return result


def unauthorized() -> ApiError:
    return ApiError(401, "Unauthorized")
