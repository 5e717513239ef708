"""Who is acting in the current update: a plain value, safe to read after any rollback."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class Actor:
    person_id: int
    telegram_id: int
    locale: str | None
    is_admin: bool = False
