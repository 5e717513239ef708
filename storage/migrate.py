"""Apply Alembic migrations from code (at start-up and for `python -m bot migrate`)."""

from __future__ import annotations

from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy.engine import Connection
from sqlalchemy.ext.asyncio import AsyncEngine

MIGRATIONS_DIR = Path(__file__).with_name("migrations")


def alembic_config() -> Config:
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS_DIR))
    return config


async def upgrade_to_head(engine: AsyncEngine) -> list[str]:
    """Apply pending migrations; returns the revisions applied, oldest first."""
    async with engine.connect() as connection:
        applied = await connection.run_sync(_upgrade)
        await connection.commit()
    return applied


async def pending_revisions(engine: AsyncEngine) -> list[str]:
    async with engine.connect() as connection:
        return await connection.run_sync(_pending)


def _pending(connection: Connection) -> list[str]:
    script = ScriptDirectory.from_config(alembic_config())
    current = set(MigrationContext.configure(connection).get_current_heads())
    pending = []
    for revision in script.walk_revisions():
        if revision.revision in current:
            break
        pending.append(revision.revision)
    return list(reversed(pending))


def _upgrade(connection: Connection) -> list[str]:
    pending = _pending(connection)
    if pending:
        config = alembic_config()
        config.attributes["connection"] = connection
        command.upgrade(config, "head")
    return pending
