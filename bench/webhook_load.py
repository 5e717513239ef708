"""Updates through the webhook endpoints of two bot instances on PostgreSQL and Redis.

Two real `python -m bot webhook` processes share a fresh PostgreSQL database and a Redis
database; the fake Bot API (tests/fakebot) answers their calls. N updates from 200 people
(/help and free text, one reply each) are posted concurrently, alternately to each
instance, and one in ten is posted to the other instance too, at the same time, as a proxy
that retries on another instance would: the database must drop the second delivery. Each
POST returns once its update has been handled (the webhook answers after the handler), so
its latency is the handling time seen from the proxy. The baseline is the same load through
one instance in the same run (its own fresh database). The last line:

    webhook: n=<n> instances=2 throughput=<upd/s> p95=<ms> duplicates=<n>
             baseline=<upd/s> ratio=<two/one>

`duplicates` counts updates answered more than once (replies beyond one per update, or a
handled-update count other than n); it must be 0.

Run from the repository root: `python bench/webhook_load.py [--n 2000] [--quick]`; needs
PostgreSQL (TEST_POSTGRES_DSN, default postgresql://postgres@127.0.0.1:5432/test) and Redis
(--redis-url, default redis://127.0.0.1:6379/13, flushed before and after).
"""

from __future__ import annotations

import argparse
import asyncio
import os
import platform
import statistics
import sys
import tempfile
import time
import uuid
from dataclasses import dataclass
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import aiohttp
import asyncpg
from redis.asyncio import Redis
from sqlalchemy import func, select

from storage.db import Database
from storage.models import ProcessedUpdate
from tests.fakebot import FakeTelegram, start_fake_server
from tests.support.databases import POSTGRES_DSN, sqlalchemy_url
from tests.support.webhook_process import SECRET, WebhookBotProcess

TOKEN = "42:TEST-token"
PEOPLE = 200
FIRST_PERSON = 20_000_000


@dataclass
class Result:
    instances: int
    n: int
    seconds: float
    latencies: list[float]
    duplicates: int
    failed: int

    @property
    def throughput(self) -> float:
        return self.n / self.seconds

    @property
    def p95_ms(self) -> float:
        return statistics.quantiles(self.latencies, n=20)[18] * 1000


async def execute(dsn: str, statement: str) -> None:
    connection = await asyncpg.connect(dsn)
    try:
        await connection.execute(statement)
    finally:
        await connection.close()


def build_updates(tg: FakeTelegram, n: int) -> list[dict]:
    updates = []
    for i in range(n):
        user = tg.user(FIRST_PERSON + i % PEOPLE, first_name=f"Участник {i % PEOPLE}")
        text = "/help" if i % 2 == 0 else f"просто текст {i}"
        updates.append(tg.take_update(user.send(text)["update_id"]))
    return updates


async def post(
    http: aiohttp.ClientSession, url: str, update: dict, latencies: list[float] | None
) -> int:
    started = time.perf_counter()
    headers = {"X-Telegram-Bot-Api-Secret-Token": SECRET}
    async with http.post(url, json=update, headers=headers) as response:
        await response.read()
        if latencies is not None:
            latencies.append(time.perf_counter() - started)
        return response.status


async def scenario(
    instances: int, n: int, concurrency: int, redis_url: str, workdir: Path
) -> Result:
    dsn = os.environ.get("TEST_POSTGRES_DSN", POSTGRES_DSN)
    name = f"mentorship_bench_{uuid.uuid4().hex[:10]}"
    await execute(dsn, f'CREATE DATABASE "{name}"')
    url = sqlalchemy_url(dsn, name)
    redis = Redis.from_url(redis_url)
    await redis.flushdb()
    tg = FakeTelegram(token=TOKEN)
    processes: list[WebhookBotProcess] = []
    try:
        async with await start_fake_server(tg) as server:
            for number in range(instances):
                directory = workdir / f"{instances}-{number}"
                directory.mkdir(parents=True)
                process = WebhookBotProcess(
                    server.url, url, directory, REDIS_URL=redis_url, LOG_LEVEL="WARNING"
                )
                await process.start(tg, timeout=120)
                processes.append(process)
            updates = build_updates(tg, n)
            targets = [p.url for p in processes]
            latencies: list[float] = []
            failed = 0
            queue: asyncio.Queue[int] = asyncio.Queue()
            for index in range(n):
                queue.put_nowait(index)

            async def worker(http: aiohttp.ClientSession) -> None:
                nonlocal failed
                while not queue.empty():
                    index = queue.get_nowait()
                    update = updates[index]
                    target = targets[index % len(targets)]
                    posts = [post(http, target, update, latencies)]
                    if index % 10 == 0:  # the proxy also tries another instance
                        other = targets[(index + 1) % len(targets)]
                        posts.append(post(http, other, update, None))
                    statuses = await asyncio.gather(*posts)
                    failed += statuses[0] != 200

            connector = aiohttp.TCPConnector(limit=concurrency * 2)
            async with aiohttp.ClientSession(connector=connector) as http:
                started = time.perf_counter()
                await asyncio.gather(*(worker(http) for _ in range(concurrency)))
                seconds = time.perf_counter() - started
            for process in processes:
                await process.stop()
            replies = sum(len(tg.sent_to(FIRST_PERSON + p)) for p in range(PEOPLE))
        database = Database(url)
        try:
            async with database.reading() as session:
                handled = await session.scalar(select(func.count()).select_from(ProcessedUpdate))
        finally:
            await database.dispose()
        duplicates = max(replies - n, 0) + abs(handled - n)
        return Result(instances, n, seconds, latencies, duplicates, failed)
    finally:
        for process in processes:
            if process.process is not None and process.process.returncode is None:
                await process.kill()
        await redis.flushdb()
        await redis.aclose()
        await execute(dsn, f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


async def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--n", type=int, default=2000, help="updates (default 2000)")
    parser.add_argument("--quick", action="store_true", help="300 updates")
    parser.add_argument("--concurrency", type=int, default=32, help="POSTs at a time")
    parser.add_argument("--redis-url", default="redis://127.0.0.1:6379/13")
    args = parser.parse_args()
    n = 300 if args.quick else args.n
    print(
        f"machine: {platform.processor() or platform.machine()}, {os.cpu_count()} CPU, "
        f"Python {platform.python_version()}; PostgreSQL and Redis on loopback",
        flush=True,
    )
    with tempfile.TemporaryDirectory() as directory:
        one = await scenario(1, n, args.concurrency, args.redis_url, Path(directory))
        print(
            f"baseline: instances=1 throughput={one.throughput:.0f} upd/s "
            f"p95={one.p95_ms:.0f} ms duplicates={one.duplicates} failed={one.failed}",
            flush=True,
        )
        two = await scenario(2, n, args.concurrency, args.redis_url, Path(directory))
    print(
        f"webhook: n={n} instances=2 throughput={two.throughput:.0f} p95={two.p95_ms:.0f} "
        f"duplicates={two.duplicates} baseline={one.throughput:.0f} "
        f"ratio={two.throughput / one.throughput:.2f}"
        + (f" failed={two.failed}" if two.failed else "")
    )


if __name__ == "__main__":
    asyncio.run(main())
