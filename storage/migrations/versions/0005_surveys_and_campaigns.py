"""surveys and campaigns

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-23
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import storage.base

revision: str = "0005"
down_revision: str | None = "0004"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "campaigns",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("municipality_id", sa.Integer(), nullable=False),
        sa.Column("period", sa.String(length=7), nullable=False),
        sa.Column("opens_on", sa.Date(), nullable=False),
        sa.Column("deadline", sa.Date(), nullable=False),
        sa.Column("closed_at", storage.base.UTCDateTime(timezone=True), nullable=True),
        sa.Column("created_by", sa.Integer(), nullable=True),
        sa.Column("created_at", storage.base.UTCDateTime(timezone=True), nullable=False),
        sa.Column("updated_at", storage.base.UTCDateTime(timezone=True), nullable=False),
        sa.Column("sealed_at", storage.base.UTCDateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["created_by"],
            ["people.id"],
            name=op.f("fk_campaigns_created_by_people"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["municipality_id"],
            ["organizations.id"],
            name=op.f("fk_campaigns_municipality_id_organizations"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_campaigns")),
        sa.UniqueConstraint(
            "municipality_id", "period", name=op.f("uq_campaigns_municipality_id_period")
        ),
    )
    with op.batch_alter_table("campaigns", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_campaigns_municipality_id"), ["municipality_id"], unique=False
        )

    op.create_table(
        "survey_settings",
        sa.Column("municipality_id", sa.Integer(), nullable=False),
        sa.Column("window_days", sa.Integer(), nullable=False),
        sa.Column("winter_deadline", sa.String(length=5), nullable=False),
        sa.Column("spring_deadline", sa.String(length=5), nullable=False),
        sa.Column("min_respondents", sa.Integer(), nullable=False),
        sa.Column("satisfaction_formula", sa.String(length=16), nullable=False),
        sa.Column("updated_by", sa.Integer(), nullable=True),
        sa.Column("updated_at", storage.base.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["municipality_id"],
            ["organizations.id"],
            name=op.f("fk_survey_settings_municipality_id_organizations"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["updated_by"],
            ["people.id"],
            name=op.f("fk_survey_settings_updated_by_people"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("municipality_id", name=op.f("pk_survey_settings")),
    )
    op.create_table(
        "survey_responses",
        sa.Column("id", sa.String(length=32), nullable=False),
        sa.Column("questionnaire", sa.String(length=32), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("campaign_id", sa.Integer(), nullable=True),
        sa.Column("school_id", sa.Integer(), nullable=False),
        sa.Column("respondent_role", sa.String(length=16), nullable=False),
        sa.Column("form_id", sa.Integer(), nullable=True),
        sa.Column("late", sa.Boolean(), nullable=False),
        sa.Column("link", sa.String(length=64), nullable=True),
        sa.Column("answers", sa.JSON(), nullable=False),
        sa.ForeignKeyConstraint(
            ["campaign_id"],
            ["campaigns.id"],
            name=op.f("fk_survey_responses_campaign_id_campaigns"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["form_id"],
            ["catalogue_entries.id"],
            name=op.f("fk_survey_responses_form_id_catalogue_entries"),
        ),
        sa.ForeignKeyConstraint(
            ["school_id"],
            ["organizations.id"],
            name=op.f("fk_survey_responses_school_id_organizations"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_survey_responses")),
        sa.UniqueConstraint("link", name=op.f("uq_survey_responses_link")),
        # No hidden rowid on SQLite: its order would follow the order of submissions.
        sqlite_with_rowid=False,
    )
    with op.batch_alter_table("survey_responses", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_survey_responses_campaign_id"), ["campaign_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_survey_responses_school_id"), ["school_id"], unique=False
        )

    op.create_table(
        "survey_participations",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("scope_key", sa.String(length=96), nullable=False),
        sa.Column("questionnaire", sa.String(length=32), nullable=False),
        sa.Column("campaign_id", sa.Integer(), nullable=True),
        sa.Column("person_id", sa.Integer(), nullable=False),
        sa.Column("programme_id", sa.Integer(), nullable=True),
        sa.Column("school_id", sa.Integer(), nullable=False),
        sa.Column("submitted_at", storage.base.UTCDateTime(timezone=True), nullable=False),
        sa.Column("changed_at", storage.base.UTCDateTime(timezone=True), nullable=True),
        sa.Column("late", sa.Boolean(), nullable=False),
        sa.ForeignKeyConstraint(
            ["campaign_id"],
            ["campaigns.id"],
            name=op.f("fk_survey_participations_campaign_id_campaigns"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["person_id"],
            ["people.id"],
            name=op.f("fk_survey_participations_person_id_people"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["programme_id"],
            ["programmes.id"],
            name=op.f("fk_survey_participations_programme_id_programmes"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["school_id"],
            ["organizations.id"],
            name=op.f("fk_survey_participations_school_id_organizations"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_survey_participations")),
        sa.UniqueConstraint("scope_key", name=op.f("uq_survey_participations_scope_key")),
    )
    with op.batch_alter_table("survey_participations", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_survey_participations_campaign_id"), ["campaign_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_survey_participations_person_id"), ["person_id"], unique=False
        )



def downgrade() -> None:
    with op.batch_alter_table("survey_participations", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_survey_participations_person_id"))
        batch_op.drop_index(batch_op.f("ix_survey_participations_campaign_id"))

    op.drop_table("survey_participations")
    with op.batch_alter_table("survey_responses", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_survey_responses_school_id"))
        batch_op.drop_index(batch_op.f("ix_survey_responses_campaign_id"))

    op.drop_table("survey_responses")
    op.drop_table("survey_settings")
    with op.batch_alter_table("campaigns", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_campaigns_municipality_id"))

    op.drop_table("campaigns")
