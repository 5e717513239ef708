"""The getUpdates queue with Telegram's offset semantics."""

from __future__ import annotations

import asyncio
import copy
from typing import Any

from .errors import ApiError
from .waiting import Notifier

CONFLICT = (
    "Conflict: terminated by other getUpdates request; "
    "make sure that only one bot instance is running"
)


class UpdateQueue:
    def __init__(self, first_update_id: int) -> None:
        self.next_id = first_update_id
        self.pending: list[dict[str, Any]] = []  # unconfirmed, in update_id order
        self.redeliveries: list[dict[str, Any]] = []  # duplicates that ignore the offset once
        self.history: dict[int, dict[str, Any]] = {}
        self.confirmed_offset = 0
        self.changed = Notifier()
        self._poll_generation = 0
        self._released = False

    def push(self, raw: dict[str, Any]) -> dict[str, Any]:
        if "update_id" in raw:
            self.next_id = max(self.next_id, int(raw["update_id"]) + 1)
        else:
            raw = {"update_id": self.next_id, **raw}
            self.next_id += 1
        self.history[raw["update_id"]] = copy.deepcopy(raw)
        self.pending.append(raw)
        self.pending.sort(key=lambda update: update["update_id"])
        self.changed.notify()
        return raw

    def duplicate(self, update_id: int) -> dict[str, Any]:
        if update_id not in self.history:
            raise AssertionError(f"update {update_id} was never injected")
        raw = copy.deepcopy(self.history[update_id])
        self.redeliveries.append(raw)
        self.changed.notify()
        return raw

    def take(self, update_id: int) -> dict[str, Any]:
        """Remove one update as if a poller had received and confirmed it."""
        for queue in (self.redeliveries, self.pending):
            for raw in queue:
                if raw["update_id"] == update_id:
                    queue.remove(raw)
                    return raw
        raise AssertionError(f"update {update_id} is not pending")

    def confirm(self, offset: int) -> None:
        if offset > 0:
            self.confirmed_offset = max(self.confirmed_offset, offset)
            self.pending = [u for u in self.pending if u["update_id"] >= offset]
        elif offset < 0:
            self.pending = self.pending[offset:]

    def drop_pending(self) -> None:
        self.pending.clear()
        self.redeliveries.clear()

    def release_pollers(self) -> None:
        """Let every waiting getUpdates return at once (the server is shutting down)."""
        self._released = True
        self.changed.notify()

    async def get(self, offset: int, limit: int, poll_seconds: float) -> list[dict[str, Any]]:
        self._released = False
        self._poll_generation += 1
        generation = self._poll_generation
        self.changed.notify()  # an older poll still waiting must now end with a conflict
        self.confirm(offset)
        deadline = asyncio.get_running_loop().time() + max(poll_seconds, 0)
        while True:
            if generation != self._poll_generation:
                raise ApiError(409, CONFLICT)
            batch = self._ready(limit)
            if batch or self._released:
                return copy.deepcopy(batch)
            remaining = deadline - asyncio.get_running_loop().time()
            if remaining <= 0:
                return []
            await self.changed.wait(remaining)

    def _ready(self, limit: int) -> list[dict[str, Any]]:
        batch = self.redeliveries[:limit]
        del self.redeliveries[: len(batch)]
        return batch + self.pending[: limit - len(batch)]
