"""register entries and personal invitations

Revision ID: 0012
Revises: 0011
Create Date: 2026-12-05

Pending people from a school's imported registers with their personal invitations, and
the pairs and groups the registers name (issue 18).
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import storage.base

revision: str = '0012'
down_revision: str | None = '0011'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table('register_entries',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('school_id', sa.Integer(), nullable=False),
    sa.Column('role', sa.String(length=16), nullable=False),
    sa.Column('full_name', sa.String(length=100), nullable=False),
    sa.Column('name_key', sa.String(length=100), nullable=False),
    sa.Column('birth_year', sa.Integer(), nullable=True),
    sa.Column('fields', sa.JSON(), nullable=False),
    sa.Column('code', sa.String(length=32), nullable=False),
    sa.Column('expires_at', storage.base.UTCDateTime(timezone=True), nullable=False),
    sa.Column('opened_by', sa.Integer(), nullable=True),
    sa.Column('person_id', sa.Integer(), nullable=True),
    sa.Column('joined_at', storage.base.UTCDateTime(timezone=True), nullable=True),
    sa.Column('created_by', sa.Integer(), nullable=True),
    sa.Column('created_at', storage.base.UTCDateTime(timezone=True), nullable=False),
    sa.Column('updated_at', storage.base.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['created_by'], ['people.id'], name=op.f('fk_register_entries_created_by_people'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['opened_by'], ['people.id'], name=op.f('fk_register_entries_opened_by_people'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['person_id'], ['people.id'], name=op.f('fk_register_entries_person_id_people'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['school_id'], ['organizations.id'], name=op.f('fk_register_entries_school_id_organizations'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_register_entries')),
    sa.UniqueConstraint('code', name=op.f('uq_register_entries_code'))
    )
    with op.batch_alter_table('register_entries', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_register_entries_person_id'), ['person_id'], unique=False)
        batch_op.create_index('ix_register_entries_school_role_name', ['school_id', 'role', 'name_key'], unique=False)

    op.create_table('register_pairs',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('school_id', sa.Integer(), nullable=False),
    sa.Column('member_key', sa.String(length=64), nullable=False),
    sa.Column('is_group', sa.Boolean(), nullable=False),
    sa.Column('form_id', sa.Integer(), nullable=False),
    sa.Column('starts_on', sa.Date(), nullable=False),
    sa.Column('planned_end_on', sa.Date(), nullable=False),
    sa.Column('goals', sa.Text(), nullable=False),
    sa.Column('programme_id', sa.Integer(), nullable=True),
    sa.Column('refused', sa.String(length=32), nullable=True),
    sa.Column('created_by', sa.Integer(), nullable=True),
    sa.Column('created_at', storage.base.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['created_by'], ['people.id'], name=op.f('fk_register_pairs_created_by_people'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['form_id'], ['catalogue_entries.id'], name=op.f('fk_register_pairs_form_id_catalogue_entries')),
    sa.ForeignKeyConstraint(['programme_id'], ['programmes.id'], name=op.f('fk_register_pairs_programme_id_programmes'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['school_id'], ['organizations.id'], name=op.f('fk_register_pairs_school_id_organizations'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_register_pairs')),
    sa.UniqueConstraint('school_id', 'member_key', name=op.f('uq_register_pairs_school_id_member_key'))
    )
    op.create_table('register_pair_members',
    sa.Column('pair_id', sa.Integer(), nullable=False),
    sa.Column('entry_id', sa.Integer(), nullable=False),
    sa.Column('role', sa.String(length=16), nullable=False),
    sa.ForeignKeyConstraint(['entry_id'], ['register_entries.id'], name=op.f('fk_register_pair_members_entry_id_register_entries'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['pair_id'], ['register_pairs.id'], name=op.f('fk_register_pair_members_pair_id_register_pairs'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('pair_id', 'entry_id', name=op.f('pk_register_pair_members'))
    )
    with op.batch_alter_table('register_pair_members', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_register_pair_members_entry_id'), ['entry_id'], unique=False)



def downgrade() -> None:
    with op.batch_alter_table('register_pair_members', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_register_pair_members_entry_id'))

    op.drop_table('register_pair_members')
    op.drop_table('register_pairs')
    with op.batch_alter_table('register_entries', schema=None) as batch_op:
        batch_op.drop_index('ix_register_entries_school_role_name')
        batch_op.drop_index(batch_op.f('ix_register_entries_person_id'))

    op.drop_table('register_entries')
