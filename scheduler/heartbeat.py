"""The ticker's first job: record that the bot is running, so a message due now is known
to have been due while the bot was up (storage/uptime.py)."""

from __future__ import annotations

from storage.clock import Clock
from storage.db import Database
from storage.uptime import beat


async def record_uptime(database: Database, clock: Clock) -> None:
    async with database.transaction() as session:
        await beat(session, clock.now())
