"""Ten thousand reminders through the real bot process, Telegram's limits and one crash.

The fake Bot API (tests/fakebot) enforces 30 messages a second overall and one a second per
chat; 1 % of the recipients have blocked the bot; a burst of 5xx answers comes early on;
once half the messages are out the bot is killed with SIGKILL and started again. Every
recipient is owed one announcement in the outbox of a fresh SQLite database. The last line:

    fanout: n=<n> sent=<n> blocked=<n> duplicates=<n> lost=<n> rate=<msg/s> pace=<msg/s>
            ratio=<rate/pace>

`pace` is the configured SEND_RATE; `rate` is messages delivered per second of the bot
running (from the first delivery to the last, less the time between the kill and the
restarted process's first delivery); the line before it also gives the wall-clock rate.
Goal: lost = 0, duplicates = 0 (never more than the requests in flight at the kill),
ratio >= 0.95.

Run from the repository root: `python bench/fanout.py [--n 10000] [--quick]`.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import platform
import signal
import sys
import tempfile
import time
from collections import Counter
from datetime import UTC, datetime
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from sqlalchemy import func, insert, select

from storage.db import Database
from storage.migrate import upgrade_to_head
from storage.models.core import Person
from storage.models.outbox import OutboxMessage
from tests.fakebot import FakeTelegram, start_fake_server
from tests.support.botprocess import BotProcess

TOKEN = "42:TEST-token"
FIRST_ID = 10_000_000
TERMINAL = ("sent", "blocked", "failed", "expired")


async def seed(url: str, n: int, now: datetime) -> None:
    database = Database(url)
    try:
        await upgrade_to_head(database.engine)
        async with database.transaction() as s:
            await s.execute(
                insert(Person),
                [
                    {"telegram_id": FIRST_ID + i, "created_at": now, "locale": "ru"}
                    for i in range(n)
                ],
            )
            ids = dict((await s.execute(select(Person.telegram_id, Person.id))).all())
            await s.execute(
                insert(OutboxMessage),
                [
                    {
                        "dedupe_key": f"announcement:bench:{ids[FIRST_ID + i]}",
                        "kind": "announcement",
                        "subject": "bench",
                        "person_id": ids[FIRST_ID + i],
                        "params": {"text": f"Собрание наставников, № {i}", "sender": "Бенчмарк"},
                        "state": "pending",
                        "due_at": now,
                        "expires_at": now.replace(year=now.year + 1),
                        "next_attempt_at": now,
                        "timezone": "Europe/Moscow",
                        # No quiet hours: the benchmark must not depend on the time of day.
                        "quiet_from": 24,
                        "quiet_until": 0,
                        "attempts": 0,
                        "created_at": now,
                    }
                    for i in range(n)
                ],
            )
    finally:
        await database.dispose()


async def settled(url: str) -> int:
    database = Database(url)
    try:
        async with database.reading() as s:
            return (
                await s.scalar(select(func.count()).where(OutboxMessage.state.in_(TERMINAL))) or 0
            )
    finally:
        await database.dispose()


class TimedTelegram(FakeTelegram):
    """Remembers when each message was accepted, for the rate."""

    def __init__(self, **kwargs: object) -> None:
        super().__init__(**kwargs)
        self.delivered_at: list[float] = []
        self.kill_after = 0
        self.halfway = asyncio.Event()

    async def api_sendMessage(self, p):  # type: ignore[no-untyped-def]
        result = await super().api_sendMessage(p)
        self.delivered_at.append(time.monotonic())
        if len(self.delivered_at) >= self.kill_after:
            self.halfway.set()
        return result


async def run(n: int, send_rate: float, workdir: Path) -> None:
    url = f"sqlite+aiosqlite:///{workdir / 'fanout.sqlite3'}"
    await seed(url, n, datetime.now(UTC))
    tg = TimedTelegram(token=TOKEN)
    tg.kill_after = n // 2
    tg.set_rate_limit(30, 1.0)
    blocked = set(range(FIRST_ID, FIRST_ID + n, 100))  # 1 %
    for i in range(n):
        user = tg.user(FIRST_ID + i, first_name=f"Наставник {i}")
        user.blocked = FIRST_ID + i in blocked
    async with await start_fake_server(tg) as server:
        process = BotProcess(
            server.url, url, workdir, SEND_RATE=str(send_rate), LOG_LEVEL="WARNING"
        )
        await process.start(tg, timeout=60)
        # A burst of server errors early on: those rows back off and are sent later.
        tg.fail_next("sendMessage", n=max(5, n // 200), status=502, description="Bad Gateway")
        await tg.halfway.wait()
        killed_at = time.monotonic()
        process.process.send_signal(signal.SIGKILL)
        await process.process.wait()
        await process.start(tg, timeout=60)
        while True:  # every row answered for: sent, blocked or failed
            if await settled(url) >= n:
                break
            await asyncio.sleep(0.5)
        await process.stop()

    received = Counter(chat for chat, messages in tg.chats.items() for _ in messages)
    sent = sum(1 for chat in received if chat not in blocked)
    duplicates = sum(count - 1 for count in received.values())
    lost = sum(1 for i in range(n) if FIRST_ID + i not in blocked and not received[FIRST_ID + i])
    times = tg.delivered_at
    after_kill = [t for t in times if t > killed_at]
    gap = (after_kill[0] - max(t for t in times if t <= killed_at)) if after_kill else 0.0
    running = times[-1] - times[0] - gap
    wall = times[-1] - times[0]
    rate = len(times) / running if running > 0 else 0.0
    print(
        f"machine: {os.cpu_count()} CPUs, {platform.system()} {platform.machine()}, "
        f"Python {platform.python_version()}; restart gap {gap:.1f} s; "
        f"wall-clock rate {len(times) / wall:.1f} msg/s"
    )
    print(
        f"fanout: n={n} sent={sent} blocked={len(blocked)} duplicates={duplicates} "
        f"lost={lost} rate={rate:.1f} pace={send_rate:g} ratio={rate / send_rate:.2f}"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--n", type=int, default=10_000, help="recipients (default 10000)")
    parser.add_argument("--quick", action="store_true", help="600 recipients, for CI")
    parser.add_argument("--send-rate", type=float, default=25.0, help="SEND_RATE of the bot")
    args = parser.parse_args()
    n = 600 if args.quick else args.n
    with tempfile.TemporaryDirectory(prefix="fanout-") as directory:
        asyncio.run(run(n, args.send_rate, Path(directory)))


if __name__ == "__main__":
    main()
