"""Sync: the numbers PostgreSQL pushes took in a transaction of their own, by transaction
id (sync/PROTOCOL.md C5). A pull stops below the first number of each push its snapshot
does not see committed. The table holds about as many rows as pushes in flight.

Revision ID: sf21c8e3a5b7d9
Revises: rx20b6d1f4a8c2
Create Date: 2026-11-30 10:00:00

"""
import sqlalchemy as sa
from alembic import op

revision = 'sf21c8e3a5b7d9'
down_revision = 'rx20b6d1f4a8c2'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'sync_in_flight',
        sa.Column('xid', sa.BigInteger(), nullable=False),
        sa.Column('first', sa.BigInteger(), nullable=False),
        sa.PrimaryKeyConstraint('xid', 'first'),
    )


def downgrade():
    op.drop_table('sync_in_flight')
