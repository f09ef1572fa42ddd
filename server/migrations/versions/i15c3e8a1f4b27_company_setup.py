"""Company set-up: users' home postcode/city and locale, teams' manager, e-mailed links,
accounts' geo_precision

Revision ID: i15c3e8a1f4b27
Revises: i14c3a9e5f1d07
Create Date: 2026-11-29 17:45:00

"""
from alembic import op
import sqlalchemy as sa
import server.db  # noqa: F401  (UTCDateTime)


revision = 'i15c3e8a1f4b27'
down_revision = 'i14c3a9e5f1d07'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('user', schema=None) as batch_op:
        batch_op.add_column(sa.Column('home_postcode', sa.String(length=10), nullable=True))
        batch_op.add_column(sa.Column('home_city', sa.String(length=120), nullable=True))
        batch_op.add_column(sa.Column('locale', sa.String(length=5), server_default='fr', nullable=False))
    with op.batch_alter_table('team', schema=None) as batch_op:
        batch_op.add_column(sa.Column('manager_id', sa.String(length=36), nullable=True))
    with op.batch_alter_table('account', schema=None) as batch_op:
        batch_op.add_column(sa.Column('geo_precision', sa.String(length=10), nullable=True))
    # Accounts that already have a position were placed by hand or by the demo: keep them.
    op.execute("UPDATE account SET geo_precision = 'manual' WHERE lat IS NOT NULL AND lon IS NOT NULL")
    op.create_table('link_token',
    sa.Column('id', sa.String(length=36), nullable=False),
    sa.Column('user_id', sa.String(length=36), nullable=False),
    sa.Column('purpose', sa.String(length=12), nullable=False),
    sa.Column('token_hash', sa.String(length=64), nullable=False),
    sa.Column('expires_at', server.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('used_at', server.db.UTCDateTime(timezone=True), nullable=True),
    sa.Column('created_at', server.db.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['user_id'], ['user.id'], ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('token_hash')
    )
    with op.batch_alter_table('link_token', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_link_token_user_id'), ['user_id'], unique=False)


def downgrade():
    with op.batch_alter_table('link_token', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_link_token_user_id'))
    op.drop_table('link_token')
    with op.batch_alter_table('account', schema=None) as batch_op:
        batch_op.drop_column('geo_precision')
    with op.batch_alter_table('team', schema=None) as batch_op:
        batch_op.drop_column('manager_id')
    with op.batch_alter_table('user', schema=None) as batch_op:
        batch_op.drop_column('locale')
        batch_op.drop_column('home_city')
        batch_op.drop_column('home_postcode')
