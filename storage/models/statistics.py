"""A school's denominators for the key indicators, per academic year (/stats)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Integer, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from storage.base import Base


class SchoolStatistics(Base):
    """Counts the curator enters; a missing count stays None and is named in the summary,
    never read as zero."""

    __tablename__ = "school_statistics"

    id: Mapped[int] = mapped_column(primary_key=True)
    school_id: Mapped[int] = mapped_column(ForeignKey("organizations.id", ondelete="CASCADE"))
    academic_year: Mapped[str] = mapped_column(String(9))  # 2026/2027
    students_10_18: Mapped[int | None] = mapped_column(Integer)
    students_15_18: Mapped[int | None] = mapped_column(Integer)
    teachers: Mapped[int | None] = mapped_column(Integer)
    young_teachers: Mapped[int | None] = mapped_column(Integer)  # 0–3 years of experience
    updated_by: Mapped[int | None] = mapped_column(ForeignKey("people.id", ondelete="SET NULL"))
    updated_at: Mapped[datetime]

    __table_args__ = (UniqueConstraint("school_id", "academic_year"),)
