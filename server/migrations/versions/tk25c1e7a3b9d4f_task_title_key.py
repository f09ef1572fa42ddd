"""Tasks: `title_key`, the stable key of a task the system made (server/segmentation/followups.py
TITLE_KEYS), so that the apps show its title in the user's language; null for a title someone
typed. The recurring visit tasks already stored ("Visite récurrente", kind "visit", made with no
visit) get "recurring_visit", each with a new change number so tablets pull the key.

Revision ID: tk25c1e7a3b9d4f
Revises: as24c7e1b9d3f5a
Create Date: 2026-12-01 17:00:00

"""
import sqlalchemy as sa
from alembic import op

import server.db

revision = 'tk25c1e7a3b9d4f'
down_revision = 'as24c7e1b9d3f5a'
branch_labels = None
depends_on = None

# Frozen copies: this migration means the same whatever the code's constants become.
RECURRING = ('recurring_visit', 'Visite récurrente')
task = sa.table('task', sa.column('id', sa.String), sa.column('title', sa.String), sa.column('kind', sa.String),
                sa.column('visit_id', sa.String), sa.column('title_key', sa.String),
                sa.column('version', sa.BigInteger), sa.column('updated_at', server.db.UTCDateTime(timezone=True)))
counter = sa.table('sync_counter', sa.column('id', sa.Integer), sa.column('value', sa.BigInteger),
                   sa.column('pruned_below', sa.BigInteger), sa.column('epoch', sa.String))
CHUNK = 5000


def upgrade():
    with op.batch_alter_table('task', schema=None) as batch_op:
        batch_op.add_column(sa.Column('title_key', sa.String(length=40), nullable=True))
    session = op.get_bind()
    key, title = RECURRING
    ids = session.scalars(sa.select(task.c.id).where(task.c.title == title, task.c.kind == 'visit',
                                                     task.c.visit_id.is_(None)).order_by(task.c.id)).all()
    if not ids:
        return
    # The change numbers of PROTOCOL C1, taken by hand: nothing else writes during an upgrade.
    last = session.scalar(sa.select(counter.c.value).where(counter.c.id == 1))
    if last is None:
        last = 0
        session.execute(counter.insert().values(id=1, value=0, pruned_below=0, epoch=server.db.new_id()))
    session.execute(counter.update().where(counter.c.id == 1).values(value=last + len(ids)))
    stmt = task.update().where(task.c.id == sa.bindparam('b_id')).values(
        title_key=key, version=sa.bindparam('b_version'), updated_at=server.db.utcnow())
    params = [{'b_id': task_id, 'b_version': last + n} for n, task_id in enumerate(ids, start=1)]
    for start in range(0, len(params), CHUNK):
        session.execute(stmt, params[start:start + CHUNK])


def downgrade():
    with op.batch_alter_table('task', schema=None) as batch_op:
        batch_op.drop_column('title_key')
