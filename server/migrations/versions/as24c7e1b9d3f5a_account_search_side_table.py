"""Accounts: on PostgreSQL the trigram index of `q` moves off the account row to a side table,
`account_search` (account id → folded search text), kept in step by triggers. Every account
edit and every visit logged updates an indexed column of the account (`version`,
`next_due_at`), so PostgreSQL wrote a new entry in each of its indexes — the GIN one too,
some thirty keys — even when the searched text had not changed (bench_push). The side
table's row changes only with the text. `account.search` and its B-tree indexes stay.
On SQLite the table is created (one schema for both) and stays empty: search reads the row.

Revision ID: as24c7e1b9d3f5a
Revises: wd24b8e2c6a1f3
Create Date: 2026-12-01 14:00:00

"""
import sqlalchemy as sa
from alembic import op

revision = 'as24c7e1b9d3f5a'
down_revision = 'wd24b8e2c6a1f3'
branch_labels = None
depends_on = None

# A frozen copy of server/accounts/search_table.py's TRIGGER_DDL, so this migration means the same forever.
TRIGGERS = (
    """CREATE FUNCTION account_search_copy_inserted() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO account_search (account_id, search) SELECT id, search FROM inserted_accounts
    ON CONFLICT (account_id) DO UPDATE SET search = excluded.search;
    RETURN NULL;
END $$""",
    """CREATE TRIGGER account_search_on_insert AFTER INSERT ON account
REFERENCING NEW TABLE AS inserted_accounts FOR EACH STATEMENT EXECUTE FUNCTION account_search_copy_inserted()""",
    """CREATE FUNCTION account_search_copy_updated() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO account_search (account_id, search) VALUES (NEW.id, NEW.search)
    ON CONFLICT (account_id) DO UPDATE SET search = excluded.search;
    RETURN NULL;
END $$""",
    """CREATE TRIGGER account_search_on_update AFTER UPDATE OF search ON account FOR EACH ROW
WHEN (OLD.search IS DISTINCT FROM NEW.search) EXECUTE FUNCTION account_search_copy_updated()""",
)
DROP_TRIGGERS = (
    "DROP TRIGGER IF EXISTS account_search_on_update ON account",
    "DROP TRIGGER IF EXISTS account_search_on_insert ON account",
    "DROP FUNCTION IF EXISTS account_search_copy_updated()",
    "DROP FUNCTION IF EXISTS account_search_copy_inserted()",
)


def upgrade():
    op.create_table(
        'account_search',
        sa.Column('account_id', sa.String(length=36), nullable=False),
        sa.Column('search', sa.String(length=420), nullable=True),
        sa.ForeignKeyConstraint(['account_id'], ['account.id'], ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('account_id'),
    )
    if op.get_bind().dialect.name != 'postgresql':
        return
    # Filled before its index is built (one sort, not an insert per row), the triggers set
    # in the same transaction: no account write falls between the copy and them.
    op.execute('INSERT INTO account_search (account_id, search) SELECT id, search FROM account')
    op.create_index('ix_account_search_search', 'account_search', ['search'], unique=False,
                    postgresql_using='gin', postgresql_ops={'search': 'gin_trgm_ops'})
    for statement in TRIGGERS:
        op.execute(statement)
    op.drop_index('ix_account_search', table_name='account', postgresql_using='gin')


def downgrade():
    if op.get_bind().dialect.name == 'postgresql':
        op.create_index('ix_account_search', 'account', ['search'], unique=False,
                        postgresql_using='gin', postgresql_ops={'search': 'gin_trgm_ops'})
        for statement in DROP_TRIGGERS:
            op.execute(statement)
        op.drop_index('ix_account_search_search', table_name='account_search', postgresql_using='gin')
    op.drop_table('account_search')
