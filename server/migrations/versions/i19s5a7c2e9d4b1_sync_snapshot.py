"""Prepared first downloads: a user's whole scope, gzipped, with its pull cursor

Revision ID: i19s5a7c2e9d4b1
Revises: i16m4e7a2b9c3d1
Create Date: 2026-11-29 20:10:00

"""
from alembic import op
import sqlalchemy as sa
import server.db  # noqa: F401  (UTCDateTime)


revision = 'i19s5a7c2e9d4b1'
down_revision = 'i16m4e7a2b9c3d1'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('sync_snapshot',
    sa.Column('user_id', sa.String(length=36), nullable=False),
    sa.Column('scope', sa.String(length=64), nullable=False),
    sa.Column('cursor', sa.BigInteger(), nullable=False),
    sa.Column('etag', sa.String(length=64), nullable=False),
    sa.Column('records', sa.Integer(), nullable=False),
    sa.Column('body', sa.LargeBinary(), nullable=False),
    sa.Column('built_at', server.db.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['user_id'], ['user.id'], ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('user_id')
    )


def downgrade():
    op.drop_table('sync_snapshot')
