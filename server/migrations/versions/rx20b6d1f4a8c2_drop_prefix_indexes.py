"""Visits and accounts: drop the single-column indexes that a composite index already starts
with (visit.account_id, visit.rep_id, account.owner_id). Every lookup they served is served by
ix_visit_account_started, ix_visit_rep_started / ix_visit_rep_version and ix_account_owner_*;
each index a row carries is one more B-tree insert per visit logged and per account edited.
On SQLite, visit.account_id's index was the costliest part of a push's INSERT once a rep has a
long history (its entries land on a different page for each account: bench_push).

Revision ID: rx20b6d1f4a8c2
Revises: rd19a4c7e2b9f3
Create Date: 2026-11-30 03:00:00

"""
from alembic import op


revision = 'rx20b6d1f4a8c2'
down_revision = 'rd19a4c7e2b9f3'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('visit', schema=None) as batch_op:
        batch_op.drop_index('ix_visit_account_id')
        batch_op.drop_index('ix_visit_rep_id')
    with op.batch_alter_table('account', schema=None) as batch_op:
        batch_op.drop_index('ix_account_owner_id')


def downgrade():
    with op.batch_alter_table('account', schema=None) as batch_op:
        batch_op.create_index('ix_account_owner_id', ['owner_id'], unique=False)
    with op.batch_alter_table('visit', schema=None) as batch_op:
        batch_op.create_index('ix_visit_rep_id', ['rep_id'], unique=False)
        batch_op.create_index('ix_visit_account_id', ['account_id'], unique=False)
