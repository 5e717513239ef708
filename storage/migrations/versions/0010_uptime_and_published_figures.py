"""uptime intervals; published campaign figures

`uptime`: when the leader's ticker was beating, so a message is called late only when the
bot was down at the moment it was due.

`published_cells` and `campaigns.published_at`: a campaign's figures as published per
school (counts only), so figures seen once change only by at least k respondents.

Revision ID: 0010
Revises: 0009
Create Date: 2026-11-23
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import storage.base

revision: str = "0010"
down_revision: str | None = "0009"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "uptime",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("started_at", storage.base.UTCDateTime(timezone=True), nullable=False),
        sa.Column("last_seen_at", storage.base.UTCDateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_uptime")),
    )
    op.create_index(op.f("ix_uptime_last_seen_at"), "uptime", ["last_seen_at"])
    with op.batch_alter_table("campaigns") as batch_op:
        batch_op.add_column(
            sa.Column("published_at", storage.base.UTCDateTime(timezone=True), nullable=True)
        )
    op.create_table(
        "published_cells",
        sa.Column("campaign_id", sa.Integer(), nullable=False),
        sa.Column("questionnaire", sa.String(length=32), nullable=False),
        sa.Column("school_id", sa.Integer(), nullable=False),
        sa.Column("respondents", sa.Integer(), nullable=False),
        sa.Column("figures", sa.JSON(), nullable=False),
        sa.Column("published_at", storage.base.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["campaign_id"],
            ["campaigns.id"],
            name=op.f("fk_published_cells_campaign_id_campaigns"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["school_id"],
            ["organizations.id"],
            name=op.f("fk_published_cells_school_id_organizations"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint(
            "campaign_id", "questionnaire", "school_id", name=op.f("pk_published_cells")
        ),
    )


def downgrade() -> None:
    op.drop_table("published_cells")
    with op.batch_alter_table("campaigns") as batch_op:
        batch_op.drop_column("published_at")
    op.drop_index(op.f("ix_uptime_last_seen_at"), table_name="uptime")
    op.drop_table("uptime")
