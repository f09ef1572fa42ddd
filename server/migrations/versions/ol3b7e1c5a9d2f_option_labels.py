"""Custom fields: an English and a French label for each choice option

Revision ID: ol3b7e1c5a9d2f
Revises: i14f2a6c9d3e8b5
Create Date: 2026-11-29

`options` stays the list of stored values; `option_labels` maps some of them to
{"fr", "en"} for the screens. NULL: every option shows as its value.
"""
import sqlalchemy as sa
from alembic import op

revision = 'ol3b7e1c5a9d2f'
down_revision = 'i14f2a6c9d3e8b5'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('custom_field') as batch:
        batch.add_column(sa.Column('option_labels', sa.JSON(), nullable=True))


def downgrade():
    with op.batch_alter_table('custom_field') as batch:
        batch.drop_column('option_labels')
