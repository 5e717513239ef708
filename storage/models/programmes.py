"""Mentoring pairs and groups with their personalised programme (seed 000; seed 001 §V)."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import Date, ForeignKey, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from storage.base import Base


class Programme(Base):
    """A pair (one mentor, one mentee) or a group, and the programme it follows."""

    __tablename__ = "programmes"

    id: Mapped[int] = mapped_column(primary_key=True)
    school_id: Mapped[int] = mapped_column(
        ForeignKey("organizations.id", ondelete="RESTRICT"), index=True
    )
    is_group: Mapped[bool]
    form_id: Mapped[int] = mapped_column(ForeignKey("catalogue_entries.id"))
    role_model_id: Mapped[int | None] = mapped_column(ForeignKey("catalogue_entries.id"))
    kind_id: Mapped[int | None] = mapped_column(ForeignKey("catalogue_entries.id"))
    # proposed → active (everyone accepted) or declined; active → closed
    status: Mapped[str] = mapped_column(String(16), index=True)
    # preparatory, design, implementation, reflective, results (seed 001 §V)
    stage: Mapped[str] = mapped_column(String(16))
    starts_on: Mapped[date] = mapped_column(Date)
    planned_end_on: Mapped[date] = mapped_column(Date)
    goals: Mapped[str] = mapped_column(Text)
    tasks: Mapped[str | None] = mapped_column(Text)
    intermediate_results: Mapped[str | None] = mapped_column(Text)
    planned_results: Mapped[str | None] = mapped_column(Text)
    created_by: Mapped[int | None] = mapped_column(ForeignKey("people.id", ondelete="SET NULL"))
    created_at: Mapped[datetime]
    # Filled when the programme closes.
    ended_on: Mapped[date | None] = mapped_column(Date)
    results: Mapped[str | None] = mapped_column(Text)
    case_link: Mapped[str | None] = mapped_column(String(500))
    completed: Mapped[bool | None]
    closed_by: Mapped[int | None] = mapped_column(ForeignKey("people.id", ondelete="SET NULL"))
    closed_at: Mapped[datetime | None]
    # Bumped on every change, so two curators editing at once cannot both win.
    version: Mapped[int] = mapped_column(Integer, default=1)


class ProgrammeMember(Base):
    __tablename__ = "programme_members"

    programme_id: Mapped[int] = mapped_column(
        ForeignKey("programmes.id", ondelete="CASCADE"), primary_key=True
    )
    person_id: Mapped[int] = mapped_column(
        ForeignKey("people.id", ondelete="CASCADE"), primary_key=True, index=True
    )
    role: Mapped[str] = mapped_column(String(16))  # mentor | mentee
    response: Mapped[str] = mapped_column(String(16))  # pending | accepted | declined
    decline_reason: Mapped[str | None] = mapped_column(Text)
    responded_at: Mapped[datetime | None]


class PlanItem(Base):
    """One activity of the individual calendar plan."""

    __tablename__ = "plan_items"

    id: Mapped[int] = mapped_column(primary_key=True)
    programme_id: Mapped[int] = mapped_column(
        ForeignKey("programmes.id", ondelete="CASCADE"), index=True
    )
    title: Mapped[str] = mapped_column(String(300))
    due_on: Mapped[date | None] = mapped_column(Date)
    status: Mapped[str] = mapped_column(String(16))  # planned | done | cancelled
    created_at: Mapped[datetime]


class ProgrammeComment(Base):
    __tablename__ = "programme_comments"

    id: Mapped[int] = mapped_column(primary_key=True)
    programme_id: Mapped[int] = mapped_column(
        ForeignKey("programmes.id", ondelete="CASCADE"), index=True
    )
    person_id: Mapped[int | None] = mapped_column(ForeignKey("people.id", ondelete="SET NULL"))
    text: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime]


class CrossSchoolPermission(Base):
    """A municipality whose coordinator allows teacher–teacher pairs across its schools."""

    __tablename__ = "cross_school_permissions"

    municipality_id: Mapped[int] = mapped_column(
        ForeignKey("organizations.id", ondelete="CASCADE"), primary_key=True
    )
    allowed_by: Mapped[int | None] = mapped_column(ForeignKey("people.id", ondelete="SET NULL"))
    allowed_at: Mapped[datetime]
