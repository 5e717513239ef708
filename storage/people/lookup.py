"""Queries about people that the foundation needs: who is writing and in which language."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession

from storage.models import Person
from storage.upsert import insert_ignoring_conflict


async def get_or_create_person(session: AsyncSession, telegram_id: int, now: datetime) -> Person:
    person = await find_person(session, telegram_id)
    if person is not None:
        return person
    # Two first updates of one person may race in separate processes; the loser reads.
    await insert_ignoring_conflict(session, Person, telegram_id=telegram_id, created_at=now)
    person = await find_person(session, telegram_id)
    assert person is not None
    return person


async def find_person(session: AsyncSession, telegram_id: int) -> Person | None:
    return await session.scalar(select(Person).where(Person.telegram_id == telegram_id))


async def set_locale(session: AsyncSession, person_id: int, locale: str) -> None:
    await session.execute(update(Person).where(Person.id == person_id).values(locale=locale))
