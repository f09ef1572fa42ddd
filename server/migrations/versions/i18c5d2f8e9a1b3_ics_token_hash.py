"""The ICS feed's secret is stored as its SHA-256 only

Revision ID: c5d2f8e9a1b3
Revises: b3e7a1c4d209
Create Date: 2026-11-29 17:10:00

"""
import hashlib

from alembic import op
import sqlalchemy as sa


revision = 'c5d2f8e9a1b3'
down_revision = 'b3e7a1c4d209'
branch_labels = None
depends_on = None

user = sa.table('user', sa.column('id', sa.String), sa.column('ics_token', sa.String),
                sa.column('ics_token_hash', sa.String))


def upgrade():
    with op.batch_alter_table('user', schema=None) as batch_op:
        batch_op.add_column(sa.Column('ics_token_hash', sa.String(length=64), nullable=True))
    conn = op.get_bind()
    rows = conn.execute(sa.select(user.c.id, user.c.ics_token).where(user.c.ics_token.isnot(None))).all()
    for user_id, token in rows:  # feed URLs handed out before keep working
        conn.execute(user.update().where(user.c.id == user_id).values(
            ics_token_hash=hashlib.sha256(token.encode()).hexdigest()))
    with op.batch_alter_table('user', schema=None) as batch_op:
        batch_op.create_unique_constraint('uq_user_ics_token_hash', ['ics_token_hash'])
        batch_op.drop_column('ics_token')


def downgrade():
    # The secrets cannot be recovered from their hashes: feeds need a new token after a downgrade.
    with op.batch_alter_table('user', schema=None) as batch_op:
        batch_op.add_column(sa.Column('ics_token', sa.String(length=64), nullable=True))
        batch_op.create_unique_constraint('uq_user_ics_token', ['ics_token'])
        batch_op.drop_constraint('uq_user_ics_token_hash', type_='unique')
        batch_op.drop_column('ics_token_hash')
