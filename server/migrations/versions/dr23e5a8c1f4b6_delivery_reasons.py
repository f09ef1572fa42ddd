"""Deliveries: why one is not done (yet), as a stable reason code beside the technical
detail — `outbox_event.last_reason` and `delivery_attempt.reason` (sync/channels/reasons.py),
so the back office reads a reason in its language instead of an exception's text.

Revision ID: dr23e5a8c1f4b6
Revises: as22d4f7b1c9e3
Create Date: 2026-12-02 09:00:00

"""
import sqlalchemy as sa
from alembic import op

revision = 'dr23e5a8c1f4b6'
down_revision = 'as22d4f7b1c9e3'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('outbox_event', schema=None) as batch_op:
        batch_op.add_column(sa.Column('last_reason', sa.String(length=40), nullable=True))
    with op.batch_alter_table('delivery_attempt', schema=None) as batch_op:
        batch_op.add_column(sa.Column('reason', sa.String(length=40), nullable=True))


def downgrade():
    with op.batch_alter_table('delivery_attempt', schema=None) as batch_op:
        batch_op.drop_column('reason')
    with op.batch_alter_table('outbox_event', schema=None) as batch_op:
        batch_op.drop_column('last_reason')
