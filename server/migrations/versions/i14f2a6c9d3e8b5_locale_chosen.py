"""A user's locale is what it chose, or nothing: the browser's language decides until then

Revision ID: i14f2a6c9d3e8b5
Revises: i19r4e7d2a9c1b
Create Date: 2026-11-29

Every user used to be stored with "fr" by default, so a signed-in user whose browser asks
for English still got French. The column becomes nullable without a default; the stored
"fr" values, which cannot be told apart from the default, become NULL (French stays the
default for a request that asks for nothing). "en" was always a choice and is kept.
"""
import sqlalchemy as sa
from alembic import op

revision = 'i14f2a6c9d3e8b5'
down_revision = 'i19r4e7d2a9c1b'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('user') as batch:
        batch.alter_column('locale', existing_type=sa.String(length=5), nullable=True, server_default=None)
    op.execute("UPDATE \"user\" SET locale = NULL WHERE locale = 'fr'")


def downgrade():
    op.execute("UPDATE \"user\" SET locale = 'fr' WHERE locale IS NULL")
    with op.batch_alter_table('user') as batch:
        batch.alter_column('locale', existing_type=sa.String(length=5), nullable=False, server_default='fr')
