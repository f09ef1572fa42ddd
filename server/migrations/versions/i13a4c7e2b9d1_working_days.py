"""Working days: a team's public-holiday calendar and users' absences

Revision ID: i13a4c7e2b9d1
Revises: f2b8d1c9e0a7
Create Date: 2026-11-29 17:00:00

"""
from alembic import op
import sqlalchemy as sa
import server.db  # noqa: F401  (UTCDateTime)


revision = 'i13a4c7e2b9d1'
down_revision = 'f2b8d1c9e0a7'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('team', schema=None) as batch_op:
        batch_op.add_column(sa.Column('holidays', sa.String(length=16), server_default='FR', nullable=False))
    op.create_table('absence',
    sa.Column('user_id', sa.String(length=36), nullable=False),
    sa.Column('first_day', sa.Date(), nullable=False),
    sa.Column('last_day', sa.Date(), nullable=False),
    sa.Column('reason', sa.String(length=12), nullable=False),
    sa.Column('note', sa.Text(), nullable=True),
    sa.Column('id', sa.String(length=36), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('field_meta', sa.JSON(), nullable=False),
    sa.Column('created_at', server.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('updated_at', server.db.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['user_id'], ['user.id'], ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('absence', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_absence_user_id'), ['user_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_absence_version'), ['version'], unique=False)
        batch_op.create_index('ix_absence_user_days', ['user_id', 'first_day', 'last_day'], unique=False)


def downgrade():
    with op.batch_alter_table('absence', schema=None) as batch_op:
        batch_op.drop_index('ix_absence_user_days')
        batch_op.drop_index(batch_op.f('ix_absence_version'))
        batch_op.drop_index(batch_op.f('ix_absence_user_id'))
    op.drop_table('absence')
    with op.batch_alter_table('team', schema=None) as batch_op:
        batch_op.drop_column('holidays')
