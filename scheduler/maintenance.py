"""Housekeeping the ticker runs: forget old update ids, long-abandoned conversations and
uptime intervals no pending message can ask about."""

from __future__ import annotations

import logging
from datetime import timedelta

from storage.clock import Clock
from storage.conversations import purge_idle_states
from storage.db import Database
from storage.updates import forget_updates_before
from storage.uptime import KEEP, forget_before

log = logging.getLogger(__name__)

# A conversation untouched this long is not coming back; its half-typed answers go.
IDLE_CONVERSATION_DAYS = 90


async def run_maintenance(database: Database, clock: Clock, processed_updates_days: int) -> None:
    now = clock.now()
    async with database.transaction() as session:
        updates = await forget_updates_before(session, now - timedelta(days=processed_updates_days))
        states = await purge_idle_states(session, now - timedelta(days=IDLE_CONVERSATION_DAYS))
        await forget_before(session, now - KEEP)
    if updates or states:
        log.info("maintenance: forgot %s update ids and %s idle conversations", updates, states)
