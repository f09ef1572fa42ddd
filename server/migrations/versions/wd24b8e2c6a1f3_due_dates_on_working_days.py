"""Accounts: a `next_due_at` stored before due dates moved off days nobody works goes to its
owner's next worked day once — weekends (the rep's weekly hours) and the public holidays of
its team's calendar, as `DueDays` moves every due date the cadence computes today (absences
aside: they are entered later and can move). The same local time of day, in the rep's zone.
Each account moved takes a new change number, so tablets pull its new date. Data only.

Revision ID: wd24b8e2c6a1f3
Revises: dr23e5a8c1f4b6
Create Date: 2026-12-01 10:30:00

"""
import sqlalchemy as sa
from alembic import op

import server.db

revision = 'wd24b8e2c6a1f3'
down_revision = 'dr23e5a8c1f4b6'
branch_labels = None
depends_on = None

account = sa.table('account', sa.column('id', sa.String), sa.column('owner_id', sa.String),
                   sa.column('next_due_at', server.db.UTCDateTime(timezone=True)), sa.column('version', sa.BigInteger),
                   sa.column('updated_at', server.db.UTCDateTime(timezone=True)))
counter = sa.table('sync_counter', sa.column('id', sa.Integer), sa.column('value', sa.BigInteger),
                   sa.column('pruned_below', sa.BigInteger), sa.column('epoch', sa.String))
CHUNK = 5000


def upgrade():
    from server.agenda.workdays import DueDays

    session = op.get_bind()  # DueDays reads through `.execute` only: the migration's connection
    rows = session.execute(sa.select(account.c.id, account.c.owner_id, account.c.next_due_at)
                           .where(account.c.next_due_at.isnot(None)).order_by(account.c.id)).all()
    days = DueDays(session, absences=False)
    days.load({row.owner_id for row in rows})
    moved = [(row.id, due) for row in rows if (due := days.move(row.owner_id, row.next_due_at)) != row.next_due_at]
    if not moved:
        return
    # The change numbers of PROTOCOL C1, taken by hand: nothing else writes during an upgrade.
    last = session.scalar(sa.select(counter.c.value).where(counter.c.id == 1))
    if last is None:
        last = 0
        session.execute(counter.insert().values(id=1, value=0, pruned_below=0, epoch=server.db.new_id()))
    session.execute(counter.update().where(counter.c.id == 1).values(value=last + len(moved)))
    now = server.db.utcnow()
    stmt = account.update().where(account.c.id == sa.bindparam('b_id')).values(
        next_due_at=sa.bindparam('b_due'), version=sa.bindparam('b_version'), updated_at=now)
    params = [{'b_id': account_id, 'b_due': due, 'b_version': last + n}
              for n, (account_id, due) in enumerate(moved, start=1)]
    for start in range(0, len(params), CHUNK):
        session.execute(stmt, params[start:start + CHUNK])


def downgrade():
    pass  # the dates moved stay on working days: the rule holds on either side
