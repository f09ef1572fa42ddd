"""KPIs: covering indexes (index-only scans on PostgreSQL) for visits by period and accounts by owner and segment

Revision ID: f2b8d1c9e0a7
Revises: c4f1a2b3d5e6
Create Date: 2026-11-24 10:30:00

"""
from alembic import op


revision = 'f2b8d1c9e0a7'
down_revision = 'c4f1a2b3d5e6'
branch_labels = None
depends_on = None

VISIT_COLUMNS = ['account_id', 'rep_id', 'kind', 'ended_at', 'outcome']


def upgrade():
    with op.batch_alter_table('visit', schema=None) as batch_op:
        batch_op.drop_index('ix_visit_started')
        batch_op.create_index('ix_visit_started', ['started_at'], unique=False, postgresql_include=VISIT_COLUMNS)
    with op.batch_alter_table('account', schema=None) as batch_op:
        batch_op.create_index('ix_account_owner_segment', ['owner_id', 'segment'], unique=False,
                              postgresql_include=['last_visit_at'])


def downgrade():
    with op.batch_alter_table('account', schema=None) as batch_op:
        batch_op.drop_index('ix_account_owner_segment')
    with op.batch_alter_table('visit', schema=None) as batch_op:
        batch_op.drop_index('ix_visit_started')
        batch_op.create_index('ix_visit_started', ['started_at'], unique=False)
