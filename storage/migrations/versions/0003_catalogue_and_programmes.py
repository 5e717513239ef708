"""catalogue and programmes

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-23
"""

from __future__ import annotations

from collections.abc import Sequence

from datetime import UTC, datetime

import sqlalchemy as sa
from alembic import op

import storage.base

revision: str = "0003"
down_revision: str | None = "0002"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    """Creates the tables and seeds the national catalogue with its Russian names."""
    op.create_table(
        "catalogue_entries",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("code", sa.String(length=64), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("form_code", sa.String(length=64), nullable=True),
        sa.Column("municipality_id", sa.Integer(), nullable=True),
        sa.Column("base_id", sa.Integer(), nullable=True),
        sa.Column("hidden", sa.Boolean(), nullable=False),
        sa.Column("created_at", storage.base.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["base_id"],
            ["catalogue_entries.id"],
            name=op.f("fk_catalogue_entries_base_id_catalogue_entries"),
        ),
        sa.ForeignKeyConstraint(
            ["municipality_id"],
            ["organizations.id"],
            name=op.f("fk_catalogue_entries_municipality_id_organizations"),
            ondelete="RESTRICT",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_catalogue_entries")),
        sa.UniqueConstraint(
            "kind",
            "code",
            "municipality_id",
            name=op.f("uq_catalogue_entries_kind_code_municipality_id"),
        ),
    )
    with op.batch_alter_table("catalogue_entries", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_catalogue_entries_kind"), ["kind"], unique=False)
        batch_op.create_index(
            batch_op.f("ix_catalogue_entries_municipality_id"), ["municipality_id"], unique=False
        )

    op.create_table(
        "cross_school_permissions",
        sa.Column("municipality_id", sa.Integer(), nullable=False),
        sa.Column("allowed_by", sa.Integer(), nullable=True),
        sa.Column("allowed_at", storage.base.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["allowed_by"],
            ["people.id"],
            name=op.f("fk_cross_school_permissions_allowed_by_people"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["municipality_id"],
            ["organizations.id"],
            name=op.f("fk_cross_school_permissions_municipality_id_organizations"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("municipality_id", name=op.f("pk_cross_school_permissions")),
    )
    op.create_table(
        "programmes",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("school_id", sa.Integer(), nullable=False),
        sa.Column("is_group", sa.Boolean(), nullable=False),
        sa.Column("form_id", sa.Integer(), nullable=False),
        sa.Column("role_model_id", sa.Integer(), nullable=True),
        sa.Column("kind_id", sa.Integer(), nullable=True),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("stage", sa.String(length=16), nullable=False),
        sa.Column("starts_on", sa.Date(), nullable=False),
        sa.Column("planned_end_on", sa.Date(), nullable=False),
        sa.Column("goals", sa.Text(), nullable=False),
        sa.Column("tasks", sa.Text(), nullable=True),
        sa.Column("intermediate_results", sa.Text(), nullable=True),
        sa.Column("planned_results", sa.Text(), nullable=True),
        sa.Column("created_by", sa.Integer(), nullable=True),
        sa.Column("created_at", storage.base.UTCDateTime(timezone=True), nullable=False),
        sa.Column("ended_on", sa.Date(), nullable=True),
        sa.Column("results", sa.Text(), nullable=True),
        sa.Column("case_link", sa.String(length=500), nullable=True),
        sa.Column("completed", sa.Boolean(), nullable=True),
        sa.Column("closed_by", sa.Integer(), nullable=True),
        sa.Column("closed_at", storage.base.UTCDateTime(timezone=True), nullable=True),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["closed_by"],
            ["people.id"],
            name=op.f("fk_programmes_closed_by_people"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["created_by"],
            ["people.id"],
            name=op.f("fk_programmes_created_by_people"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["form_id"],
            ["catalogue_entries.id"],
            name=op.f("fk_programmes_form_id_catalogue_entries"),
        ),
        sa.ForeignKeyConstraint(
            ["kind_id"],
            ["catalogue_entries.id"],
            name=op.f("fk_programmes_kind_id_catalogue_entries"),
        ),
        sa.ForeignKeyConstraint(
            ["role_model_id"],
            ["catalogue_entries.id"],
            name=op.f("fk_programmes_role_model_id_catalogue_entries"),
        ),
        sa.ForeignKeyConstraint(
            ["school_id"],
            ["organizations.id"],
            name=op.f("fk_programmes_school_id_organizations"),
            ondelete="RESTRICT",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_programmes")),
    )
    with op.batch_alter_table("programmes", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_programmes_school_id"), ["school_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_programmes_status"), ["status"], unique=False)

    op.create_table(
        "plan_items",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("programme_id", sa.Integer(), nullable=False),
        sa.Column("title", sa.String(length=300), nullable=False),
        sa.Column("due_on", sa.Date(), nullable=True),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("created_at", storage.base.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["programme_id"],
            ["programmes.id"],
            name=op.f("fk_plan_items_programme_id_programmes"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_plan_items")),
    )
    with op.batch_alter_table("plan_items", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_plan_items_programme_id"), ["programme_id"], unique=False
        )

    op.create_table(
        "programme_comments",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("programme_id", sa.Integer(), nullable=False),
        sa.Column("person_id", sa.Integer(), nullable=True),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("created_at", storage.base.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["person_id"],
            ["people.id"],
            name=op.f("fk_programme_comments_person_id_people"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["programme_id"],
            ["programmes.id"],
            name=op.f("fk_programme_comments_programme_id_programmes"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_programme_comments")),
    )
    with op.batch_alter_table("programme_comments", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_programme_comments_programme_id"), ["programme_id"], unique=False
        )

    op.create_table(
        "programme_members",
        sa.Column("programme_id", sa.Integer(), nullable=False),
        sa.Column("person_id", sa.Integer(), nullable=False),
        sa.Column("role", sa.String(length=16), nullable=False),
        sa.Column("response", sa.String(length=16), nullable=False),
        sa.Column("decline_reason", sa.Text(), nullable=True),
        sa.Column("responded_at", storage.base.UTCDateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["person_id"],
            ["people.id"],
            name=op.f("fk_programme_members_person_id_people"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["programme_id"],
            ["programmes.id"],
            name=op.f("fk_programme_members_programme_id_programmes"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("programme_id", "person_id", name=op.f("pk_programme_members")),
    )
    with op.batch_alter_table("programme_members", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_programme_members_person_id"), ["person_id"], unique=False
        )
    _seed_catalogue()


def _seed_catalogue() -> None:
    # The national catalogue of seed 001 §4 (forms, the role models the seeds name, kinds);
    # frozen in the migration so no later code change can alter what it seeded.
    entries = sa.table(
        "catalogue_entries",
        sa.column("kind", sa.String),
        sa.column("code", sa.String),
        sa.column("name", sa.String),
        sa.column("form_code", sa.String),
        sa.column("hidden", sa.Boolean),
        sa.column("created_at", storage.base.UTCDateTime(timezone=True)),
    )
    seeded_at = datetime(2026, 11, 23, tzinfo=UTC)
    op.bulk_insert(
        entries,
        [{**row, "hidden": False, "created_at": seeded_at} for row in SEED_ROWS],
    )


SEED_ROWS = [
    {"kind": "form", "code": "teacher_teacher", "name": "Учитель – учитель", "form_code": None},
    {"kind": "form", "code": "teacher_student", "name": "Учитель – ученик", "form_code": None},
    {"kind": "form", "code": "student_student", "name": "Ученик – ученик", "form_code": None},
    {
        "kind": "form",
        "code": "partner_teacher",
        "name": "Работодатель (социальный партнёр) – педагог",
        "form_code": None,
    },
    {
        "kind": "form",
        "code": "head_teacher",
        "name": "Руководитель образовательной организации – педагог",
        "form_code": None,
    },
    {
        "kind": "role_model",
        "code": "experienced_young",
        "name": "Опытный педагог – молодой специалист",
        "form_code": "teacher_teacher",
    },
    {
        "kind": "role_model",
        "code": "leader_communication",
        "name": "Лидер педагогического сообщества – педагог с затруднениями в коммуникации",
        "form_code": "teacher_teacher",
    },
    {
        "kind": "role_model",
        "code": "innovator_conservative",
        "name": "Педагог-новатор – консервативный педагог",
        "form_code": "teacher_teacher",
    },
    {
        "kind": "role_model",
        "code": "subject_expert_novice",
        "name": "Опытный предметник – неопытный предметник",
        "form_code": "teacher_teacher",
    },
    {
        "kind": "role_model",
        "code": "achiever_struggling",
        "name": "Успевающий – неуспевающий",
        "form_code": "student_student",
    },
    {
        "kind": "role_model",
        "code": "leader_passive",
        "name": "Лидер – пассивный",
        "form_code": "student_student",
    },
    {
        "kind": "role_model",
        "code": "peer_peer",
        "name": "Равный – равному",
        "form_code": "student_student",
    },
    {
        "kind": "mentoring_kind",
        "code": "traditional",
        "name": "Традиционное (один на один)",
        "form_code": None,
    },
    {"kind": "mentoring_kind", "code": "group", "name": "Групповое", "form_code": None},
    {
        "kind": "mentoring_kind",
        "code": "virtual",
        "name": "Виртуальное (дистанционное)",
        "form_code": None,
    },
    {
        "kind": "mentoring_kind",
        "code": "short_term",
        "name": "Краткосрочное или целеполагающее",
        "form_code": None,
    },
    {"kind": "mentoring_kind", "code": "reverse", "name": "Реверсивное", "form_code": None},
    {"kind": "mentoring_kind", "code": "situational", "name": "Ситуационное", "form_code": None},
    {
        "kind": "mentoring_kind",
        "code": "speed",
        "name": "Скоростное (однократная встреча)",
        "form_code": None,
    },
]


def downgrade() -> None:
    with op.batch_alter_table("programme_members", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_programme_members_person_id"))

    op.drop_table("programme_members")
    with op.batch_alter_table("programme_comments", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_programme_comments_programme_id"))

    op.drop_table("programme_comments")
    with op.batch_alter_table("plan_items", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_plan_items_programme_id"))

    op.drop_table("plan_items")
    with op.batch_alter_table("programmes", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_programmes_status"))
        batch_op.drop_index(batch_op.f("ix_programmes_school_id"))

    op.drop_table("programmes")
    op.drop_table("cross_school_permissions")
    with op.batch_alter_table("catalogue_entries", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_catalogue_entries_municipality_id"))
        batch_op.drop_index(batch_op.f("ix_catalogue_entries_kind"))

    op.drop_table("catalogue_entries")
