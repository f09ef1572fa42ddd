"""KPIs: individual action plans, and the indexes the KPI queries read by period

Revision ID: c4f1a2b3d5e6
Revises: a9db7ff5f031
Create Date: 2026-11-24 09:20:00

"""
from alembic import op
import sqlalchemy as sa
import server.db  # noqa: F401  (UTCDateTime)


revision = 'c4f1a2b3d5e6'
down_revision = 'a9db7ff5f031'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('action_plan',
    sa.Column('id', sa.String(length=36), nullable=False),
    sa.Column('rep_id', sa.String(length=36), nullable=False),
    sa.Column('period_start', sa.Date(), nullable=False),
    sa.Column('period_end', sa.Date(), nullable=False),
    sa.Column('targets', sa.JSON(), nullable=False),
    sa.Column('notes', sa.Text(), nullable=True),
    sa.Column('created_by', sa.String(length=36), nullable=True),
    sa.Column('created_at', server.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('updated_at', server.db.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['created_by'], ['user.id'], ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['rep_id'], ['user.id'], ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('action_plan', schema=None) as batch_op:
        batch_op.create_index('ix_action_plan_rep_period', ['rep_id', 'period_start', 'period_end'], unique=False)
    # KPIs read visits and quote requests by period, for a team's reps or for everyone.
    with op.batch_alter_table('visit', schema=None) as batch_op:
        batch_op.create_index('ix_visit_started', ['started_at'], unique=False)
        batch_op.create_index('ix_visit_rep_started', ['rep_id', 'started_at'], unique=False)
    with op.batch_alter_table('quote_request', schema=None) as batch_op:
        batch_op.create_index('ix_quote_created', ['created_at'], unique=False)
        batch_op.create_index('ix_quote_closed', ['closed_at'], unique=False)


def downgrade():
    with op.batch_alter_table('quote_request', schema=None) as batch_op:
        batch_op.drop_index('ix_quote_closed')
        batch_op.drop_index('ix_quote_created')
    with op.batch_alter_table('visit', schema=None) as batch_op:
        batch_op.drop_index('ix_visit_rep_started')
        batch_op.drop_index('ix_visit_started')
    with op.batch_alter_table('action_plan', schema=None) as batch_op:
        batch_op.drop_index('ix_action_plan_rep_period')
    op.drop_table('action_plan')
