"""Product lines: the company's list with French and English labels and the other
spellings stored quotes used (server/quotes/product_lines.py)

Revision ID: i14e9c4f6b1d8a2
Revises: i14d5b8e2a7c3f1
Create Date: 2026-11-29 20:20:00

"""
import sqlalchemy as sa
from alembic import op

revision = 'i14e9c4f6b1d8a2'
down_revision = 'i14d5b8e2a7c3f1'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('product_line',
                    sa.Column('key', sa.String(length=40), nullable=False),
                    sa.Column('label', sa.JSON(), nullable=False),
                    sa.Column('aliases', sa.JSON(), nullable=False),
                    sa.Column('position', sa.Integer(), nullable=False),
                    sa.PrimaryKeyConstraint('key'))


def downgrade():
    op.drop_table('product_line')
