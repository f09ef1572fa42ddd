"""Tour planning off the request path: the days waiting for the background planner

Revision ID: i19b7e3c1d5a2f
Revises: i15c3e8a1f4b27
Create Date: 2026-11-29 18:00:00

"""
from alembic import op
import sqlalchemy as sa
import server.db  # noqa: F401  (UTCDateTime)


revision = 'i19b7e3c1d5a2f'
down_revision = 'i15c3e8a1f4b27'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('tour_plan_job',
    sa.Column('rep_id', sa.String(length=36), nullable=False),
    sa.Column('date', sa.Date(), nullable=False),
    sa.Column('requested_at', server.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('claimed_by', sa.String(length=120), nullable=True),
    sa.Column('lease_until', server.db.UTCDateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['rep_id'], ['user.id'], ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('rep_id', 'date')
    )
    with op.batch_alter_table('tour_plan_job', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_tour_plan_job_requested_at'), ['requested_at'], unique=False)


def downgrade():
    with op.batch_alter_table('tour_plan_job', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_tour_plan_job_requested_at'))
    op.drop_table('tour_plan_job')
