"""school statistics

Revision ID: 0008
Revises: 0007
Create Date: 2026-11-23
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import storage.base

revision: str = "0008"
down_revision: str | None = "0007"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "school_statistics",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("school_id", sa.Integer(), nullable=False),
        sa.Column("academic_year", sa.String(length=9), nullable=False),
        sa.Column("students_10_18", sa.Integer(), nullable=True),
        sa.Column("students_15_18", sa.Integer(), nullable=True),
        sa.Column("teachers", sa.Integer(), nullable=True),
        sa.Column("young_teachers", sa.Integer(), nullable=True),
        sa.Column("updated_by", sa.Integer(), nullable=True),
        sa.Column("updated_at", storage.base.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["school_id"],
            ["organizations.id"],
            name=op.f("fk_school_statistics_school_id_organizations"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["updated_by"],
            ["people.id"],
            name=op.f("fk_school_statistics_updated_by_people"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_school_statistics")),
        sa.UniqueConstraint(
            "school_id", "academic_year", name=op.f("uq_school_statistics_school_id_academic_year")
        ),
    )


def downgrade() -> None:
    op.drop_table("school_statistics")
