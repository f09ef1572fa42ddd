"""Merge suggestions a person dismissed: pairs of accounts that are different companies

Revision ID: i16m4e7a2b9c3d1
Revises: i14e9c4f6b1d8a2
Create Date: 2026-11-29 20:00:00

"""
from alembic import op
import sqlalchemy as sa
from server.db import UTCDateTime


revision = 'i16m4e7a2b9c3d1'
down_revision = 'i14e9c4f6b1d8a2'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('duplicate_dismissal',
                    sa.Column('first_id', sa.String(length=36), nullable=False),
                    sa.Column('second_id', sa.String(length=36), nullable=False),
                    sa.Column('dismissed_by', sa.String(length=36), nullable=False),
                    sa.Column('dismissed_at', UTCDateTime(), nullable=False),
                    sa.ForeignKeyConstraint(['dismissed_by'], ['user.id']),
                    sa.PrimaryKeyConstraint('first_id', 'second_id'))


def downgrade():
    op.drop_table('duplicate_dismissal')
