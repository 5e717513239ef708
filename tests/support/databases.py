"""Real databases for tests: a migrated SQLite file or PostgreSQL database per test.

Migrations run once per session into a template; each test gets a copy (a file copy
for SQLite, CREATE DATABASE … TEMPLATE for PostgreSQL) and drops it afterwards.
"""

from __future__ import annotations

import asyncio
import os
import shutil
import uuid
from pathlib import Path

import asyncpg

from storage.db import Database
from storage.migrate import upgrade_to_head

# Trust auth on loopback, as on CI; override for another server.
POSTGRES_DSN = os.environ.get("TEST_POSTGRES_DSN", "postgresql://postgres@127.0.0.1:5432/test")
START_POSTGRES_HINT = (
    "start one with `pg_ctlcluster --skip-systemctl-redirect $(ls /etc/postgresql) main start` "
    "(Debian) or `docker run -d -p 5432:5432 -e POSTGRES_HOST_AUTH_METHOD=trust postgres:16`, "
    "or point TEST_POSTGRES_DSN at a server where the user may CREATE DATABASE"
)


def sqlalchemy_url(dsn: str, database: str) -> str:
    base = dsn.rsplit("/", 1)[0].replace("postgresql://", "postgresql+asyncpg://", 1)
    return f"{base}/{database}"


async def migrate(url: str) -> None:
    database = Database(url)
    try:
        await upgrade_to_head(database.engine)
    finally:
        await database.dispose()


class SqliteTemplate:
    def __init__(self, directory: Path) -> None:
        self.path = directory / "template.sqlite3"
        asyncio.run(migrate(f"sqlite+aiosqlite:///{self.path}"))

    def copy_to(self, directory: Path) -> str:
        target = directory / "bot.sqlite3"
        shutil.copyfile(self.path, target)
        return f"sqlite+aiosqlite:///{target}"


class PostgresTemplate:
    def __init__(self, dsn: str = POSTGRES_DSN) -> None:
        self.dsn = dsn
        self.name = f"mentorship_tmpl_{uuid.uuid4().hex[:10]}"
        asyncio.run(self._execute(f'CREATE DATABASE "{self.name}"'))
        asyncio.run(migrate(sqlalchemy_url(dsn, self.name)))

    @staticmethod
    def reachable(dsn: str = POSTGRES_DSN) -> str | None:
        """None when the server answers; otherwise why not."""

        async def probe() -> None:
            connection = await asyncpg.connect(dsn, timeout=5)
            await connection.close()

        try:
            asyncio.run(probe())
        except (OSError, asyncpg.PostgresError, TimeoutError) as exc:
            return f"{type(exc).__name__}: {exc}"
        return None

    async def _execute(self, *statements: str) -> None:
        connection = await asyncpg.connect(self.dsn)
        try:
            for statement in statements:
                await connection.execute(statement)
        finally:
            await connection.close()

    def create_copy(self) -> tuple[str, str]:
        name = f"mentorship_t_{uuid.uuid4().hex[:12]}"
        asyncio.run(self._execute(f'CREATE DATABASE "{name}" TEMPLATE "{self.name}"'))
        return name, sqlalchemy_url(self.dsn, name)

    def drop(self, name: str) -> None:
        asyncio.run(self._execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))

    def close(self) -> None:
        self.drop(self.name)
