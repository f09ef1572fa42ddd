"""Forecast: opportunities, manager adjustments and weekly snapshots

Revision ID: b3e9a41c7d2f
Revises: e16a7c3d9b21
Create Date: 2026-11-29 17:00:00

"""
from alembic import op
import sqlalchemy as sa
import server.db  # noqa: F401  (UTCDateTime)


revision = 'b3e9a41c7d2f'
down_revision = 'e16a7c3d9b21'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('opportunity',
    sa.Column('id', sa.String(length=36), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('field_meta', sa.JSON(), nullable=False),
    sa.Column('created_at', server.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('updated_at', server.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('account_id', sa.String(length=36), nullable=False),
    sa.Column('rep_id', sa.String(length=36), nullable=False),
    sa.Column('quote_id', sa.String(length=36), nullable=True),
    sa.Column('title', sa.String(length=200), nullable=True),
    sa.Column('product_line', sa.String(length=120), nullable=True),
    sa.Column('amount', sa.Float(), nullable=True),
    sa.Column('expected_close', sa.Date(), nullable=True),
    sa.Column('category', sa.String(length=10), nullable=False),
    sa.Column('category_override', sa.JSON(), nullable=True),
    sa.Column('maturity', sa.SmallInteger(), nullable=True),
    sa.Column('outcome', sa.String(length=8), nullable=True),
    sa.Column('closed_at', server.db.UTCDateTime(timezone=True), nullable=True),
    sa.Column('notes', sa.Text(), nullable=True),
    sa.ForeignKeyConstraint(['account_id'], ['account.id'], ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['quote_id'], ['quote_request.id'], ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['rep_id'], ['user.id']),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('quote_id')
    )
    with op.batch_alter_table('opportunity', schema=None) as batch_op:
        batch_op.create_index('ix_opportunity_account_id', ['account_id'], unique=False)
        batch_op.create_index('ix_opportunity_rep_id', ['rep_id'], unique=False)
        batch_op.create_index('ix_opportunity_version', ['version'], unique=False)
        batch_op.create_index('ix_opportunity_rep_version', ['rep_id', 'version'], unique=False)
    op.create_table('forecast_adjustment',
    sa.Column('id', sa.String(length=36), nullable=False),
    sa.Column('rep_id', sa.String(length=36), nullable=False),
    sa.Column('month', sa.String(length=7), nullable=False),
    sa.Column('amount', sa.Float(), nullable=False),
    sa.Column('reason', sa.Text(), nullable=False),
    sa.Column('author_id', sa.String(length=36), nullable=False),
    sa.Column('created_at', server.db.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['author_id'], ['user.id']),
    sa.ForeignKeyConstraint(['rep_id'], ['user.id'], ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('forecast_adjustment', schema=None) as batch_op:
        batch_op.create_index('ix_forecast_adjustment_rep_id', ['rep_id'], unique=False)
        batch_op.create_index('ix_forecast_adjustment_month', ['month', 'rep_id'], unique=False)
    op.create_table('forecast_snapshot',
    sa.Column('id', sa.String(length=36), nullable=False),
    sa.Column('week', sa.Date(), nullable=False),
    sa.Column('scope', sa.String(length=80), nullable=False),
    sa.Column('month', sa.String(length=7), nullable=False),
    sa.Column('figures', sa.JSON(), nullable=False),
    sa.Column('taken_at', server.db.UTCDateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('forecast_snapshot', schema=None) as batch_op:
        batch_op.create_index('ux_forecast_snapshot', ['week', 'scope', 'month'], unique=True)


def downgrade():
    op.drop_table('forecast_snapshot')
    op.drop_table('forecast_adjustment')
    op.drop_table('opportunity')
