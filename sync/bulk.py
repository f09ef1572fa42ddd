"""Set-based writes of many rows: one statement on PostgreSQL, an executemany on SQLite.

psycopg runs an executemany as one statement per row in a pipeline: for a push's hundreds
of visits, ledger rows and account edits, the round trips and per-row execution cost more
than the rows (bench_push). On PostgreSQL the rows travel as one array per column, in one
`INSERT … SELECT FROM unnest(…)` or `UPDATE … FROM unnest(…)`: a fixed statement text per
table and set of columns (prepared by psycopg once it repeats), whatever the number of rows
(SQLAlchemy's multi-row VALUES compiled anew for every batch cost more than it saved).
A single row travels as plain values (`VALUES (…)`, `SET … WHERE id = …`): a one-visit
push, the most common, wrote about forty one-element arrays, and psycopg's array dumping
cost more than its statements' other parameters together (bench_writes).
Values go through each column type's bind processing first, as in any statement.
On SQLite, in process, the rows go to the driver's executemany with a statement text built
once per table and set of columns: SQLAlchemy's executemany compiled the statement and
built every row's parameters through its generic machinery, which cost more than the
inserts themselves (bench_push).
"""
from __future__ import annotations

from typing import Any

from sqlalchemy import Float, Table, any_, bindparam, insert
from sqlalchemy.dialects.postgresql import ARRAY
from sqlalchemy.engine import Connection
from sqlalchemy.sql import ColumnElement

_statements: dict[tuple, tuple[str, tuple]] = {}


def among(column, name: str, dialect_name: str) -> ColumnElement[bool]:
    """`column IN (:name)`, the values a list given at execution; on PostgreSQL
    `column = ANY(:name)`: one array parameter, whatever the number of values. A push looks
    up hundreds of ids at once, and an IN list of 500 placeholders was rendered and parsed
    again for every execution (bench_push)."""
    if dialect_name == "postgresql":
        return column == any_(bindparam(name, type_=ARRAY(column.type)))
    return column.in_(bindparam(name, expanding=True))


def insert_rows(connection: Connection, table: Table, rows: list[dict[str, Any]]) -> None:
    """INSERT `rows` (dicts of column → value, all with the same keys) into `table`.

    Columns a row leaves out take their Python-side defaults, as in an executemany."""
    if not rows:
        return
    filled = _with_defaults(table, rows)
    if filled is None:  # a default only Core knows how to compute
        connection.execute(insert(table), rows)
        return
    rows = filled
    keys = tuple(rows[0])
    if connection.dialect.name == "postgresql":
        connection.exec_driver_sql(*_postgresql_insert(connection, table, rows, keys))
    else:
        sql, processors = _statement(connection, "insert", table, keys)
        connection.exec_driver_sql(sql, _tuples(rows, keys, processors))


def insert_many(connection: Connection, writes: list[tuple[Table, list[dict[str, Any]]]]) -> None:
    """INSERT each (table, rows) of `writes` (rows as `insert_rows` takes them).

    On PostgreSQL in one statement, one round trip whatever the number of tables: each
    table's `INSERT … SELECT FROM unnest(…)` but the last is a data-modifying WITH of the
    last one. They run as one command, so foreign keys are checked at its end (a child row
    may precede its parent: PostgreSQL docs, "Data-Modifying Statements in WITH") and a
    violation fails the whole statement, as it would fail the transaction anyway. A push
    of one visit wrote its visit, its follow-up task and its ledger entry in three round
    trips, all while it held the change counter (bench_writes). Elsewhere, and for a table
    whose default only Core computes, `insert_rows` for each in turn."""
    writes = [(table, rows) for table, rows in writes if rows]
    if connection.dialect.name != "postgresql" or len(writes) < 2:
        for table, rows in writes:
            insert_rows(connection, table, rows)
        return
    parts, params = [], []
    for table, rows in writes:
        filled = _with_defaults(table, rows)
        if filled is None:
            for table_, rows_ in writes:
                insert_rows(connection, table_, rows_)
            return
        sql, values = _postgresql_insert(connection, table, filled, tuple(filled[0]))
        parts.append(sql)
        params.extend(values)
    sql = "WITH " + ", ".join(f"w{i} AS ({part})" for i, part in enumerate(parts[:-1])) + " " + parts[-1]
    connection.exec_driver_sql(sql, tuple(params))


def update_rows(connection: Connection, table: Table, keys: tuple[str, ...], rows: list[dict[str, Any]], *,
                pk: str = "_pk") -> None:
    """UPDATE `table` SET each column of `keys` to the row's value WHERE id = row[pk], for every
    row (dicts holding `pk` and every key). The caller sets `onupdate` columns (`updated_at`)."""
    if not rows:
        return
    if connection.dialect.name != "postgresql":  # SET the keys, then WHERE the primary key
        sql, processors = _statement(connection, "update", table, keys)
        connection.exec_driver_sql(sql, _tuples(rows, (*keys, pk), processors))
        return
    if len(rows) == 1:
        sql, processors = _statement(connection, "update", table, keys, single=True)
        connection.exec_driver_sql(sql, _tuples(rows, (*keys, pk), processors)[0])
        return
    sql, processors = _statement(connection, "update", table, keys)
    columns = (pk, *keys)
    arrays = _arrays(rows, columns, processors)
    connection.exec_driver_sql(sql, (*arrays, arrays[0]))


def _with_defaults(table: Table, rows: list[dict[str, Any]]) -> list[dict[str, Any]] | None:
    """Each row with the Python-side defaults of the columns it leaves out (a scalar, or a
    callable called once per row), as Core applies them; None when a column has another
    kind of default (an SQL expression, a sequence)."""
    missing = [c for c in table.columns if c.key not in rows[0] and c.default is not None]
    if not missing:
        return rows
    for c in missing:
        if not (c.default.is_scalar or c.default.is_callable) or c.default.is_sequence:
            return None
    out = []
    for row in rows:
        row = dict(row)
        for c in missing:
            row[c.key] = c.default.arg(None) if c.default.is_callable else c.default.arg
        out.append(row)
    return out


def _postgresql_insert(connection: Connection, table: Table, rows: list[dict[str, Any]],
                       keys: tuple[str, ...]) -> tuple[str, tuple]:
    """The INSERT of `rows` on PostgreSQL and its parameters: a row's values, or one array per column."""
    if len(rows) == 1:
        sql, processors = _statement(connection, "insert", table, keys, single=True)
        return sql, _tuples(rows, keys, processors)[0]
    sql, processors = _statement(connection, "insert", table, keys)
    return sql, _arrays(rows, keys, processors)


def _statement(connection: Connection, kind: str, table: Table, keys: tuple[str, ...], *,
               single: bool = False) -> tuple[str, tuple]:
    """The statement text and bind processors of `kind` (insert, update) for `keys`, kept per
    dialect, table and keys. On PostgreSQL `single` is for one row: plain values, cast to
    their columns' types, the primary key last for an update, as on SQLite."""
    dialect = connection.dialect
    cache_key = (dialect.name, kind, table, keys, single)
    found = _statements.get(cache_key)
    if found is not None:
        return found
    quote = dialect.identifier_preparer.quote
    typed = [table.c[k].type for k in keys]
    if dialect.name != "postgresql" or single:  # one row's placeholders: an executemany, or one row
        if dialect.name == "postgresql":  # each value cast to its column's type, as the arrays are
            cast = (*typed, table.c.id.type) if kind == "update" else typed  # an insert's table may have no `id`
            marks = [f"%b::{t.compile(dialect=dialect)}" for t in cast]
        else:
            marks = ["?" if dialect.paramstyle == "qmark" else "%s"] * (len(keys) + 1)
        sql = _plain_statement(kind, table, keys, quote, marks)
        processors = tuple(_processor(t, dialect) for t in typed)
        if kind == "update":
            processors += (_processor(table.c.id.type, dialect),)
        _statements[cache_key] = found = (sql, processors)
        return found
    # %b: arrays sent in binary (psycopg escapes every element of a text-format array).
    arrays = ", ".join(f"%b::{t.compile(dialect=dialect)}[]" for t in typed)
    if kind == "insert":
        names = ", ".join(quote(k) for k in keys)
        sql = f"INSERT INTO {quote(table.name)} ({names}) SELECT * FROM unnest({arrays})"
        processors = tuple(_processor(t, dialect) for t in typed)
    else:
        pk_type = table.c.id.type.compile(dialect=dialect)
        aliases = ", ".join(f"c{i}" for i in range(len(keys)))
        sets = ", ".join(f"{quote(k)} = v.c{i}" for i, k in enumerate(keys))
        # The ids once more as `= ANY(…)`: the rows are found by primary key. Joined to the
        # unnest'ed rows alone, the planner hashed them against a scan of the whole table.
        target = f"{quote(table.name)}.{quote('id')}"
        sql = (f"UPDATE {quote(table.name)} SET {sets} FROM unnest(%b::{pk_type}[], {arrays}) AS v(pk, {aliases}) "
               f"WHERE {target} = v.pk AND {target} = ANY(%b::{pk_type}[])")
        processors = (_processor(table.c.id.type, dialect), *(_processor(t, dialect) for t in typed))
    _statements[cache_key] = found = (sql, processors)
    return found


def _plain_statement(kind: str, table: Table, keys: tuple[str, ...], quote, marks: list[str]) -> str:
    """One row's statement text: `marks` holds each key's placeholder, then the primary key's
    (an update's WHERE)."""
    if kind == "insert":
        return (f"INSERT INTO {quote(table.name)} ({', '.join(quote(k) for k in keys)}) "
                f"VALUES ({', '.join(marks[:len(keys)])})")
    sets = ", ".join(f"{quote(k)} = {mark}" for k, mark in zip(keys, marks, strict=False))
    return f"UPDATE {quote(table.name)} SET {sets} WHERE {quote('id')} = {marks[len(keys)]}"


def _processor(type_, dialect):
    """The type's bind processing; a float column's integers made floats (an array holds one
    type, and the column stores the same number either way)."""
    process = type_.bind_processor(dialect)
    if isinstance(type_, Float) and process is None:
        return lambda v: float(v) if type(v) is int else v
    return process


def _tuples(rows: list[dict[str, Any]], keys: tuple[str, ...], processors: tuple) -> list[tuple]:
    """One tuple per row, each value through its column type's bind processing."""
    columns = _arrays(rows, keys, processors)
    return list(zip(*columns))


def _arrays(rows: list[dict[str, Any]], keys: tuple[str, ...], processors: tuple) -> tuple[list, ...]:
    """One list per column, each value through its type's bind processing."""
    arrays = []
    for key, process in zip(keys, processors):
        column = [row[key] for row in rows]
        arrays.append([process(v) for v in column] if process is not None else column)
    return tuple(arrays)
