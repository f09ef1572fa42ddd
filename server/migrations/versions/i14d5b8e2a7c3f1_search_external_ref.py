"""Account search also reads the customer reference (external_ref): the `search`
column is widened and folded again with it; on SQLite, a covering index for searches

Revision ID: i14d5b8e2a7c3f1
Revises: i19kpi3c8e1a47
Create Date: 2026-11-29 20:00:00

"""
import unicodedata

import sqlalchemy as sa
from alembic import op

revision = 'i14d5b8e2a7c3f1'
down_revision = 'i19kpi3c8e1a47'
branch_labels = None
depends_on = None

LIGATURES = str.maketrans({"œ": "oe", "æ": "ae", "ø": "o", "đ": "d", "ł": "l"})


def fold(*parts):
    """A frozen copy of server.common.search.fold, so this migration means the same forever."""
    text = " ".join(p for p in parts if p)
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    return " ".join("".join(c for c in decomposed if not unicodedata.combining(c)).translate(LIGATURES).split())


def _refold(columns):
    bind = op.get_bind()
    t = sa.table('account', sa.column('id', sa.String), sa.column('search', sa.String),
                 *(sa.column(c, sa.String) for c in columns))
    rows = bind.execute(sa.select(t.c.id, *(t.c[c] for c in columns))).all()
    values = [{'key': row[0], 'folded': fold(*row[1:])} for row in rows]
    for start in range(0, len(values), 1000):
        bind.execute(t.update().where(t.c.id == sa.bindparam('key')).values(search=sa.bindparam('folded')),
                     values[start:start + 1000])


def upgrade():
    # name 200 + city 120 + postcode 10 + external_ref 80 and their separators.
    with op.batch_alter_table('account', schema=None) as batch_op:
        batch_op.alter_column('search', existing_type=sa.String(length=400), type_=sa.String(length=420))
    _refold(('name', 'city', 'postcode', 'external_ref'))
    if op.get_bind().dialect.name == 'sqlite':  # PostgreSQL answers through its trigram index
        op.create_index('ix_account_search_sorted', 'account', ['search', 'name', 'id'], unique=False)


def downgrade():
    if op.get_bind().dialect.name == 'sqlite':
        op.drop_index('ix_account_search_sorted', table_name='account')
    _refold(('name', 'city', 'postcode'))
    with op.batch_alter_table('account', schema=None) as batch_op:
        batch_op.alter_column('search', existing_type=sa.String(length=420), type_=sa.String(length=400))
