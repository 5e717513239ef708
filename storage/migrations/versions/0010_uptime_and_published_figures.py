"""uptime intervals; published campaign figures

`uptime`: when the leader's ticker was beating, so a message is called late only when the
bot was down at the moment it was due.

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


def downgrade() -> None:
    op.drop_index(op.f("ix_uptime_last_seen_at"), table_name="uptime")
    op.drop_table("uptime")
