"""Accounts: an index of each owner's accounts in list order (name, id), so that a rep's page of
the account list reads its 50 ids in order instead of sorting all the rep's accounts

Revision ID: rd19a4c7e2b9f3
Revises: ol3b7e1c5a9d2f
Create Date: 2026-11-29 23:45:00

"""
from alembic import op


revision = 'rd19a4c7e2b9f3'
down_revision = 'ol3b7e1c5a9d2f'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('account', schema=None) as batch_op:
        batch_op.create_index('ix_account_owner_name', ['owner_id', 'name', 'id'], unique=False)


def downgrade():
    with op.batch_alter_table('account', schema=None) as batch_op:
        batch_op.drop_index('ix_account_owner_name')
