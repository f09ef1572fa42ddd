"""Accounts: the list is ordered by the folded `search` column (case and accents folded, the
name first) instead of `name`, whose code-point order put "Émilie" after "Thomas" on SQLite
and on a C-collated PostgreSQL. The owner's list index follows the new order
(owner_id, search, id), so a rep's page still reads its 50 ids in order; on SQLite the
covering index that searches scan becomes (search, id), in list order too.

Revision ID: as22d4f7b1c9e3
Revises: sf21c8e3a5b7d9
Create Date: 2026-12-01 09:00:00

"""
from alembic import op


revision = 'as22d4f7b1c9e3'
down_revision = 'sf21c8e3a5b7d9'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('account', schema=None) as batch_op:
        batch_op.drop_index('ix_account_owner_name')
        batch_op.create_index('ix_account_owner_search', ['owner_id', 'search', 'id'], unique=False)
    if op.get_bind().dialect.name == 'sqlite':  # PostgreSQL searches through its trigram index
        op.drop_index('ix_account_search_sorted', table_name='account')
        op.create_index('ix_account_search_sorted', 'account', ['search', 'id'], unique=False)


def downgrade():
    if op.get_bind().dialect.name == 'sqlite':
        op.drop_index('ix_account_search_sorted', table_name='account')
        op.create_index('ix_account_search_sorted', 'account', ['search', 'name', 'id'], unique=False)
    with op.batch_alter_table('account', schema=None) as batch_op:
        batch_op.drop_index('ix_account_owner_search')
        batch_op.create_index('ix_account_owner_name', ['owner_id', 'name', 'id'], unique=False)
