"""Monitoring campaigns and questionnaire answers, stored so that answers stay anonymous.

Who has answered (`SurveyParticipation`, for reminders and response rates) and what was
answered (`SurveyResponse`) are separate tables with no key between them. A response
carries its school, role and questionnaire for aggregates, a random id as its key (on SQLite
the table has no hidden rowid, so the order of rows does not follow the order of
participations) and no time. The only bridge is `link`,
a keyed hash (HMAC with a secret kept outside the database) that lets the respondent
replace their own answers until the deadline; it is cleared when the campaign closes.
"""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import JSON, Date, ForeignKey, Integer, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from storage.base import Base


class SurveySettings(Base):
    """A municipality's choices for its campaigns; absent means the defaults."""

    __tablename__ = "survey_settings"

    municipality_id: Mapped[int] = mapped_column(
        ForeignKey("organizations.id", ondelete="CASCADE"), primary_key=True
    )
    window_days: Mapped[int] = mapped_column(Integer, default=14)
    # Deadlines of the two monitoring periods as MM-DD (20 December and 20 May by default).
    winter_deadline: Mapped[str] = mapped_column(String(5), default="12-20")
    spring_deadline: Mapped[str] = mapped_column(String(5), default="05-20")
    # Aggregates are shown over at least this many respondents (never below 3).
    min_respondents: Mapped[int] = mapped_column(Integer, default=3)
    # mean: mean of the satisfaction items / 10 × 100; share8: share of respondents scoring ≥ 8.
    satisfaction_formula: Mapped[str] = mapped_column(String(16), default="mean")
    updated_by: Mapped[int | None] = mapped_column(ForeignKey("people.id", ondelete="SET NULL"))
    updated_at: Mapped[datetime]


class Campaign(Base):
    """One monitoring period of a municipality, inherited by every school in it."""

    __tablename__ = "campaigns"

    id: Mapped[int] = mapped_column(primary_key=True)
    municipality_id: Mapped[int] = mapped_column(
        ForeignKey("organizations.id", ondelete="CASCADE"), index=True
    )
    # The deadline's year and month, e.g. 2026-12: one campaign per period and municipality.
    period: Mapped[str] = mapped_column(String(7))
    opens_on: Mapped[date] = mapped_column(Date)
    deadline: Mapped[date] = mapped_column(Date)  # answers on this day still count
    closed_at: Mapped[datetime | None]  # closed early by the coordinator
    created_by: Mapped[int | None] = mapped_column(ForeignKey("people.id", ondelete="SET NULL"))
    created_at: Mapped[datetime]
    updated_at: Mapped[datetime]
    # Set when the campaign has ended and the response links were erased.
    sealed_at: Mapped[datetime | None]
    # When its figures were last published (storage/surveys/publish.py); from then on every
    # figure of the campaign is read from its published cells, never from live answers.
    published_at: Mapped[datetime | None]

    __table_args__ = (UniqueConstraint("municipality_id", "period"),)


class SurveyParticipation(Base):
    """That a person has answered a questionnaire (for one pair, in one campaign); never what."""

    __tablename__ = "survey_participations"

    id: Mapped[int] = mapped_column(primary_key=True)
    # questionnaire:campaign:person:programme, "-" for an absent part: one answer per person
    # per pair per campaign (a unique constraint over nullable columns would not hold).
    scope_key: Mapped[str] = mapped_column(String(96), unique=True)
    questionnaire: Mapped[str] = mapped_column(String(32))
    campaign_id: Mapped[int | None] = mapped_column(
        ForeignKey("campaigns.id", ondelete="CASCADE"), index=True
    )
    person_id: Mapped[int] = mapped_column(ForeignKey("people.id", ondelete="CASCADE"), index=True)
    programme_id: Mapped[int | None] = mapped_column(
        ForeignKey("programmes.id", ondelete="CASCADE")
    )
    school_id: Mapped[int] = mapped_column(ForeignKey("organizations.id", ondelete="CASCADE"))
    submitted_at: Mapped[datetime]
    changed_at: Mapped[datetime | None]
    late: Mapped[bool]


class SurveyResponse(Base):
    """What one respondent answered, without who they are or which pair they belong to."""

    __tablename__ = "survey_responses"

    id: Mapped[str] = mapped_column(String(32), primary_key=True)  # random, see above
    questionnaire: Mapped[str] = mapped_column(String(32))
    version: Mapped[int] = mapped_column(Integer)
    campaign_id: Mapped[int | None] = mapped_column(
        ForeignKey("campaigns.id", ondelete="CASCADE"), index=True
    )
    school_id: Mapped[int] = mapped_column(
        ForeignKey("organizations.id", ondelete="CASCADE"), index=True
    )
    respondent_role: Mapped[str] = mapped_column(String(16))  # mentee | mentor | curator
    # Form of mentoring of the pair (for breakdowns); None for the curator's questionnaire.
    form_id: Mapped[int | None] = mapped_column(ForeignKey("catalogue_entries.id"))
    late: Mapped[bool]
    link: Mapped[str | None] = mapped_column(String(64), unique=True)
    answers: Mapped[dict] = mapped_column(JSON, default=dict)

    # SQLite would otherwise keep a hidden rowid in insertion order, which lines responses up
    # with the participations' submission times; a table keyed by the random id has none.
    __table_args__ = ({"sqlite_with_rowid": False},)


class PublishedCell(Base):
    """The figures of one school in one questionnaire of a campaign, as published: counts
    only (how many responded; per question each value given and how many gave it; the
    respondents' satisfaction sums), never a response and nothing that names a person.

    A later publication (after a reopen) replaces a cell only when it moves by at least k
    respondents (storage/surveys/cells.py), so two figures seen at any two times rest on the
    same answers or on answers that differ by at least k people.
    """

    __tablename__ = "published_cells"

    campaign_id: Mapped[int] = mapped_column(
        ForeignKey("campaigns.id", ondelete="CASCADE"), primary_key=True
    )
    questionnaire: Mapped[str] = mapped_column(String(32), primary_key=True)
    school_id: Mapped[int] = mapped_column(
        ForeignKey("organizations.id", ondelete="CASCADE"), primary_key=True
    )
    respondents: Mapped[int] = mapped_column(Integer)
    # {"values": {question: [[value, count], ...]}, "scores": [[sum, items, count], ...]}
    figures: Mapped[dict] = mapped_column(JSON, default=dict)
    published_at: Mapped[datetime]
