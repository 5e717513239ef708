"""The catalogue as one municipality sees it: national entries, its overrides, its own."""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum

from sqlalchemy import or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from storage.models.catalogue import CatalogueEntry


class EntryKind(StrEnum):
    form = "form"
    role_model = "role_model"
    mentoring_kind = "mentoring_kind"


@dataclass(frozen=True)
class Entry:
    """What a municipality shows for one catalogue item. `id` is what programmes store:
    the national row's id even when renamed, so renaming never changes history."""

    id: int
    kind: EntryKind
    code: str
    name: str
    form_code: str | None
    hidden: bool
    local: bool  # added by the municipality rather than national


async def entries(
    session: AsyncSession,
    municipality_id: int,
    kind: EntryKind,
    *,
    include_hidden: bool = False,
    form_code: str | None = None,
) -> list[Entry]:
    rows = (
        await session.scalars(
            select(CatalogueEntry)
            .where(
                CatalogueEntry.kind == kind,
                or_(
                    CatalogueEntry.municipality_id.is_(None),
                    CatalogueEntry.municipality_id == municipality_id,
                ),
            )
            .order_by(CatalogueEntry.id)
        )
    ).all()
    overrides = {row.base_id: row for row in rows if row.base_id is not None}
    result = []
    for row in rows:
        if row.base_id is not None:
            continue
        shown = overrides.get(row.id, row)
        entry = Entry(
            id=row.id,
            kind=EntryKind(row.kind),
            code=row.code,
            name=shown.name,
            form_code=row.form_code,
            hidden=shown.hidden,
            local=row.municipality_id is not None,
        )
        if (include_hidden or not entry.hidden) and (
            form_code is None or entry.form_code == form_code
        ):
            result.append(entry)
    return result


async def find_entry(
    session: AsyncSession, municipality_id: int, entry_id: int, kind: EntryKind | None = None
) -> Entry | None:
    """The entry if this municipality can see it (hidden ones included)."""
    row = await session.get(CatalogueEntry, entry_id)
    if row is None or row.base_id is not None:
        return None
    if row.municipality_id not in (None, municipality_id) or (kind and row.kind != kind):
        return None
    found = await entries(session, municipality_id, EntryKind(row.kind), include_hidden=True)
    return next((e for e in found if e.id == entry_id), None)


async def add_entry(
    session: AsyncSession,
    municipality_id: int,
    kind: EntryKind,
    name: str,
    now: datetime,
    form_code: str | None = None,
) -> Entry:
    row = CatalogueEntry(
        kind=kind,
        code=f"local_{secrets.token_hex(6)}",
        name=" ".join(name.split()),
        form_code=form_code,
        municipality_id=municipality_id,
        hidden=False,
        created_at=now,
    )
    session.add(row)
    await session.flush()
    entry = await find_entry(session, municipality_id, row.id)
    assert entry is not None
    return entry


async def change_entry(
    session: AsyncSession,
    municipality_id: int,
    entry_id: int,
    now: datetime,
    *,
    name: str | None = None,
    hidden: bool | None = None,
) -> Entry | None:
    """Rename or hide/show an entry for this municipality; None if it cannot see it."""
    row = await session.get(CatalogueEntry, entry_id)
    if row is None or row.base_id is not None or row.municipality_id not in (None, municipality_id):
        return None
    if row.municipality_id is None:
        # National entries stay as they are; the municipality gets an override row.
        override = await session.scalar(
            select(CatalogueEntry).where(
                CatalogueEntry.base_id == row.id,
                CatalogueEntry.municipality_id == municipality_id,
            )
        )
        if override is None:
            override = CatalogueEntry(
                kind=row.kind,
                code=row.code,
                name=row.name,
                form_code=row.form_code,
                municipality_id=municipality_id,
                base_id=row.id,
                hidden=False,
                created_at=now,
            )
            session.add(override)
        row = override
    if name is not None:
        row.name = " ".join(name.split())
    if hidden is not None:
        row.hidden = hidden
    await session.flush()
    return await find_entry(session, municipality_id, entry_id)
