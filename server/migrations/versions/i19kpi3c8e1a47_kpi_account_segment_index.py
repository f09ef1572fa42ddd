"""KPIs: an index of each account's segment by id, so that joining a year of visits or quotes to
their accounts' segments reads a few MB of index instead of the whole account table

Revision ID: i19kpi3c8e1a47
Revises: i19b7e3c1d5a2f
Create Date: 2026-11-29 20:30:00

"""
from alembic import op


revision = 'i19kpi3c8e1a47'
down_revision = 'i19b7e3c1d5a2f'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('account', schema=None) as batch_op:
        batch_op.create_index('ix_account_id_segment', ['id', 'segment'], unique=False)


def downgrade():
    with op.batch_alter_table('account', schema=None) as batch_op:
        batch_op.drop_index('ix_account_id_segment')
