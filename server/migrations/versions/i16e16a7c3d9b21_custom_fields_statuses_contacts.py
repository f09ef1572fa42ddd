"""Custom field definitions, account statuses, record aliases (duplicates linked on push), contacts' custom values and departure, photos of accounts and visits

Revision ID: e16a7c3d9b21
Revises: c5d2f8e9a1b3
Create Date: 2026-11-29 17:00:00

"""
import sqlalchemy as sa
from alembic import op

from server.db import UTCDateTime

revision = 'e16a7c3d9b21'
down_revision = 'c5d2f8e9a1b3'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'custom_field',
        sa.Column('id', sa.String(length=36), nullable=False),
        sa.Column('key', sa.String(length=60), nullable=False),
        sa.Column('entity', sa.String(length=20), nullable=False),
        sa.Column('label', sa.JSON(), nullable=False),
        sa.Column('type', sa.String(length=20), nullable=False),
        sa.Column('options', sa.JSON(), nullable=True),
        sa.Column('required', sa.Boolean(), nullable=False),
        sa.Column('position', sa.Integer(), nullable=False),
        sa.Column('removed_at', UTCDateTime(), nullable=True),
        sa.Column('created_at', UTCDateTime(), nullable=False),
        sa.PrimaryKeyConstraint('id'),
        sa.UniqueConstraint('entity', 'key', name='uq_custom_field_entity_key'),
    )
    op.create_table(
        'account_status',
        sa.Column('key', sa.String(length=40), nullable=False),
        sa.Column('label', sa.JSON(), nullable=False),
        sa.Column('kind', sa.String(length=20), nullable=False),
        sa.Column('position', sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint('key'),
    )
    op.create_table(
        'sync_alias',
        sa.Column('entity', sa.String(length=30), nullable=False),
        sa.Column('alias_id', sa.String(length=36), nullable=False),
        sa.Column('record_id', sa.String(length=36), nullable=False),
        sa.Column('at', UTCDateTime(), nullable=False),
        sa.PrimaryKeyConstraint('entity', 'alias_id'),
    )
    with op.batch_alter_table('sync_alias', schema=None) as batch_op:
        batch_op.create_index('ix_sync_alias_record_id', ['record_id'], unique=False)
    with op.batch_alter_table('contact', schema=None) as batch_op:
        batch_op.add_column(sa.Column('custom', sa.JSON(), nullable=True))
        batch_op.add_column(sa.Column('left_at', sa.Date(), nullable=True))
    op.execute("UPDATE contact SET custom = '{}'")
    # Photos of the account (storefront) and of visits: ids of uploaded attachments.
    for table in ('account', 'visit'):
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.add_column(sa.Column('attachment_ids', sa.JSON(), nullable=True))


def downgrade():
    for table in ('visit', 'account'):
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.drop_column('attachment_ids')
    with op.batch_alter_table('contact', schema=None) as batch_op:
        batch_op.drop_column('left_at')
        batch_op.drop_column('custom')
    op.drop_table('sync_alias')
    op.drop_table('account_status')
    op.drop_table('custom_field')
