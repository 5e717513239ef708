"""INSERT … ON CONFLICT DO NOTHING for the two backends the project runs on."""

from __future__ import annotations

from typing import Any

from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.ext.asyncio import AsyncSession


async def insert_ignoring_conflict(session: AsyncSession, model: type, **values: Any) -> bool:
    """Insert one row unless its key exists already; True when a row was inserted."""
    dialect = sqlite if session.bind.dialect.name == "sqlite" else postgresql
    statement = dialect.insert(model).values(**values).on_conflict_do_nothing()
    result = await session.execute(statement)
    return bool(result.rowcount)
