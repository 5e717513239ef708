"""A fake Telegram Bot API: one in-memory core with an HTTP, an in-process and a dispatcher face.

- `FakeTelegram` (core): state, users, faults; no networking.
- `start_fake_server` (server): the real wire protocol on loopback for `python -m bot`.
- `FakeSession` (session): an aiogram session calling the core directly.
- `BotClient` (botclient): feeds updates straight into a Dispatcher.
- `WebhookDelivery` (webhook): posts updates to a webhook bot, as Telegram and a proxy do.

Names load lazily: importing aiogram costs seconds, and the standalone server needs none of it.
"""

from __future__ import annotations

import importlib
from typing import Any

_HOMES = {
    "ApiError": "errors",
    "BotClient": "botclient",
    "ClientUser": "botclient",
    "FakeServer": "server",
    "FakeSession": "session",
    "FakeTelegram": "core",
    "FakeUser": "users",
    "SentMessage": "records",
    "StoredFile": "records",
    "WebhookDelivery": "webhook",
    "start_fake_server": "server",
}
__all__ = sorted(_HOMES)


def __getattr__(name: str) -> Any:
    if name not in _HOMES:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    return getattr(importlib.import_module(f".{_HOMES[name]}", __name__), name)
