"""Search that folds case and accents: a `search` column on account, contact and user
(server/common/search.py keeps it), filled here, with a trigram index on PostgreSQL

Revision ID: i14c3a9e5f1d07
Revises: b3e9a41c7d2f
Create Date: 2026-11-29 17:00:00

"""
import unicodedata

import sqlalchemy as sa
from alembic import op

revision = 'i14c3a9e5f1d07'
down_revision = 'b3e9a41c7d2f'
branch_labels = None
depends_on = None

# table → (searched columns, column length); a frozen copy of what the models say.
TABLES = {'account': (('name', 'city', 'postcode'), 400), 'contact': (('name',), 200), 'user': (('name', 'email'), 400)}
LIGATURES = str.maketrans({"œ": "oe", "æ": "ae", "ø": "o", "đ": "d", "ł": "l"})


def fold(*parts):
    """A frozen copy of server.common.search.fold, so this migration means the same forever."""
    text = " ".join(p for p in parts if p)
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    return " ".join("".join(c for c in decomposed if not unicodedata.combining(c)).translate(LIGATURES).split())


def upgrade():
    bind = op.get_bind()
    if bind.dialect.name == 'postgresql':
        # pg_trgm is a trusted extension (PostgreSQL 13+): the database owner may create it.
        op.execute('CREATE EXTENSION IF NOT EXISTS pg_trgm')
    for table, (columns, length) in TABLES.items():
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.add_column(sa.Column('search', sa.String(length=length), nullable=True))
        t = sa.table(table, sa.column('id', sa.String), sa.column('search', sa.String),
                     *(sa.column(c, sa.String) for c in columns))
        rows = bind.execute(sa.select(t.c.id, *(t.c[c] for c in columns))).all()
        values = [{'key': row[0], 'folded': fold(*row[1:])} for row in rows]
        for start in range(0, len(values), 1000):
            bind.execute(t.update().where(t.c.id == sa.bindparam('key')).values(search=sa.bindparam('folded')),
                         values[start:start + 1000])
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.create_index(f'ix_{table}_search', ['search'], unique=False, postgresql_using='gin',
                                  postgresql_ops={'search': 'gin_trgm_ops'})


def downgrade():
    for table in reversed(TABLES):
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.drop_index(f'ix_{table}_search')
            batch_op.drop_column('search')
