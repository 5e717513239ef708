"""Register fields of mentors and mentees (seed 001, appendix 3), and consents under 152-FZ."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, ForeignKey, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from storage.base import Base


class MentorProfile(Base):
    __tablename__ = "mentor_profiles"

    person_id: Mapped[int] = mapped_column(
        ForeignKey("people.id", ondelete="CASCADE"), primary_key=True
    )
    category: Mapped[str] = mapped_column(String(16))
    # Student mentors (15–18) only: their age decides whether a guardian must consent.
    grade: Mapped[int | None] = mapped_column(Integer)
    birth_year: Mapped[int | None] = mapped_column(Integer)
    workplace: Mapped[str] = mapped_column(String(300))
    position: Mapped[str] = mapped_column(String(200))
    subjects: Mapped[str | None] = mapped_column(String(300))
    experience_years: Mapped[int | None] = mapped_column(Integer)
    competencies: Mapped[str] = mapped_column(Text)
    achievements: Mapped[str | None] = mapped_column(Text)
    interests: Mapped[str | None] = mapped_column(Text)
    desired_mentee_age: Mapped[str | None] = mapped_column(String(100))
    hours_per_month: Mapped[int] = mapped_column(Integer)
    max_mentees: Mapped[int] = mapped_column(Integer)
    updated_at: Mapped[datetime]


class MenteeProfile(Base):
    __tablename__ = "mentee_profiles"

    person_id: Mapped[int] = mapped_column(
        ForeignKey("people.id", ondelete="CASCADE"), primary_key=True
    )
    category: Mapped[str] = mapped_column(String(16))
    grade: Mapped[int | None] = mapped_column(Integer)
    birth_year: Mapped[int] = mapped_column(Integer)
    experience_years: Mapped[int | None] = mapped_column(Integer)
    request: Mapped[str] = mapped_column(Text)
    difficulties: Mapped[list[str]] = mapped_column(JSON, default=list)
    preferred_forms: Mapped[list[str]] = mapped_column(JSON, default=list)
    updated_at: Mapped[datetime]


class Consent(Base):
    """A consent given by the person, or a guardian's written consent recorded by a curator."""

    __tablename__ = "consents"

    id: Mapped[int] = mapped_column(primary_key=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("people.id", ondelete="CASCADE"), index=True)
    kind: Mapped[str] = mapped_column(String(16))  # participation | guardian
    version: Mapped[str] = mapped_column(String(32))
    given_at: Mapped[datetime]
    recorded_by: Mapped[int | None] = mapped_column(ForeignKey("people.id", ondelete="SET NULL"))
    withdrawn_at: Mapped[datetime | None]
