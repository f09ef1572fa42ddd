"""Account search on PostgreSQL: the folded text in a table of its own, with the trigram index.

Why not on the account row: PostgreSQL writes a new entry in every index of a row whose
update changes an indexed column, and every account edit does (`version`, and a visit logged
moves `next_due_at`). A trigram GIN entry of a 40-character text is some thirty keys: on the
push benchmark's database an UPDATE of 300 accounts' notes and versions took 9.8 ms with the
index on the row and 6.7 ms without, and its pending list, once full, is merged by whichever
write overflows it. The row here only changes when the folded text does: a rename, a move,
a new customer reference — not a note, a visit or a due date.

`account.search` stays (the lists sort by it; SQLite searches it as it is). On PostgreSQL
triggers copy it here on every write path (ORM flushes, the set-based inserts of imports and
the demo, migrations). A search of the whole company reads the copy through its index
(`matching_in_list_order`, `account_matches`); one within a rep's or a team's accounts
filters the row's text as it reads them from the owner index. On SQLite the table
exists, stays empty and is never read: one schema for both databases, one model metadata.
Contacts keep their trigram index on their row: a push changes a contact only when a rep edits
it (a phone number, a role), while every visit logged and every account edit rewrites its account.
"""
from __future__ import annotations

from sqlalchemy import DDL, Column, ForeignKey, Index, String, Table, event, select

from server.accounts.models import Account
from server.common.search import matches
from server.db import Base

account_search = Table(
    "account_search", Base.metadata,
    Column("account_id", String(36), ForeignKey("account.id", ondelete="CASCADE"), primary_key=True),
    Column("search", String(420)),  # = account.search (server/common/search.py), copied by the triggers below
    # `q`: trigrams answer LIKE '%…%' (pg_trgm, migration i14c3a9e5f1d07).
    Index("ix_account_search_search", "search", postgresql_using="gin",
          postgresql_ops={"search": "gin_trgm_ops"}).ddl_if(dialect="postgresql"),
    # Its rows are written by the database, never by the application: a copy of every table's
    # rows (a test putting a state back) leaves this one out, or it would insert them twice.
    info={"written_by_triggers": True},
)

# The triggers (also created by migration as24c7e1b9d3f5a; kept word for word alike there). An
# insert copies its rows once per statement (an import of thousands: one INSERT … SELECT); an
# update only when `search` is in its SET list and differs, which a notes or due-date edit never is.
TRIGGER_DDL = (
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
DROP_TRIGGER_DDL = (
    "DROP TRIGGER IF EXISTS account_search_on_update ON account",
    "DROP TRIGGER IF EXISTS account_search_on_insert ON account",
    "DROP FUNCTION IF EXISTS account_search_copy_updated()",
    "DROP FUNCTION IF EXISTS account_search_copy_inserted()",
)

# A database built by `create_all` (some benchmarks) gets the triggers too; the table is
# created after `account` (its foreign key), so the triggers' table exists by then.
for statement in TRIGGER_DDL:
    event.listen(account_search, "after_create", DDL(statement).execute_if(dialect="postgresql"))
for statement in DROP_TRIGGER_DDL:
    event.listen(account_search, "before_drop", DDL(statement).execute_if(dialect="postgresql"))


def account_matches(query: str, dialect: str, *, whole_company: bool):
    """A WHERE clause on `Account`: its folded text holds every word of `query`
    (server/common/search.matches). `dialect` is the session's; `whole_company` says the
    list's scope is every account (an admin's, with no owner filter).

    On PostgreSQL only a search of the whole company reads the side table's trigram index.
    Within a rep's or a team's accounts, filtering `account.search` as they are read from
    ix_account_owner_search (index only) is cheaper than joining every match in the company:
    on 100,000 accounts, 'ecole' (12,473 matches) took 0.4 ms for a rep's 1,000 accounts and
    3 ms for a team's 10,000 that way, 10 and 14 ms through the side table."""
    if dialect == "postgresql" and whole_company:
        return Account.id.in_(matching_account_ids(query, dialect))
    return matches(Account.search, query)


def matching_account_ids(query: str, dialect: str):
    """SELECT of the ids of the accounts whose folded text holds every word of `query`
    (server/common/search.matches). `dialect` is the session's: "postgresql" reads the side
    table through its trigram index, any other `account.search`."""
    if dialect == "postgresql":
        return select(account_search.c.account_id).where(matches(account_search.c.search, query))
    return select(Account.id).where(matches(Account.search, query))


def matching_in_list_order(query: str):
    """PostgreSQL: SELECT `id` of the accounts matching `query`, in the account list's order
    (`search`, id: the side table holds the same text), for a search of the whole company with no
    other filter. Its count and page come from the side table alone; joined to `account` for
    the list's sort, a common word (12,473 matches in 100,000) took 2.5× as long (bench_search)."""
    return (select(account_search.c.account_id.label("id")).where(matches(account_search.c.search, query))
            .order_by(account_search.c.search, account_search.c.account_id))
