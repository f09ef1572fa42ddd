"""The sign-in epoch: one number raised by every revocation, read by each request

Revision ID: i19r4e7d2a9c1b
Revises: i19s5a7c2e9d4b1
Create Date: 2026-11-29 20:10:00

"""
from alembic import op
import sqlalchemy as sa


revision = 'i19r4e7d2a9c1b'
down_revision = 'i19s5a7c2e9d4b1'
branch_labels = None
depends_on = None


def upgrade():
    table = op.create_table('auth_epoch',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('value', sa.Integer(), nullable=False),
    sa.PrimaryKeyConstraint('id')
    )
    op.bulk_insert(table, [{'id': 1, 'value': 0}])


def downgrade():
    op.drop_table('auth_epoch')
