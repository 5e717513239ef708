"""The catalogue of forms, role models and kinds of mentoring (seed 001, §III–IV).

National entries (no municipality) are seeded by a migration with their Russian names.
A coordinator may add entries for the municipality, or override a national one there
(rename or hide) with a row pointing at it; nothing is ever deleted, so programmes that
use an entry keep it.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Boolean, ForeignKey, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from storage.base import Base


class CatalogueEntry(Base):
    __tablename__ = "catalogue_entries"

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(16), index=True)  # form | role_model | mentoring_kind
    code: Mapped[str] = mapped_column(String(64))
    name: Mapped[str] = mapped_column(String(200))
    # A role model belongs to a form.
    form_code: Mapped[str | None] = mapped_column(String(64))
    municipality_id: Mapped[int | None] = mapped_column(
        ForeignKey("organizations.id", ondelete="RESTRICT"), index=True
    )
    # Set on a municipality's override of a national entry.
    base_id: Mapped[int | None] = mapped_column(ForeignKey("catalogue_entries.id"))
    hidden: Mapped[bool] = mapped_column(Boolean, default=False)
    created_at: Mapped[datetime]

    __table_args__ = (UniqueConstraint("kind", "code", "municipality_id"),)
