"""Search that folds case and accents, the same on SQLite and PostgreSQL (API.md → Records, `q`).

SQLite's `lower()`/`LIKE` fold ASCII only and PostgreSQL's depend on the collation,
and neither treats a decomposed "É" (E + U+0301, as macOS writes file names and some
keyboards type) like a composed one. So the folding is done once, in Python, when a
record is written: each searchable model keeps a `search` column holding `fold()` of
its searched fields, and a query is folded the same way before it is compared.

The column is kept up to date on every write path:
- ORM flushes (sync push, REST, factories) through mapper events;
- set-based `session.execute(insert(Model), rows)` / `update(Model)` (imports, demo)
  through a `do_orm_execute` hook that adds the folded value to each row; a bulk
  row that names some searched fields but not all has the others read back first.

Every word of the query must appear somewhere in the column (`ecole dijon` finds
"École Saint-Joseph, Dijon"). PostgreSQL answers through a trigram index when the
`pg_trgm` extension could be created (migration i14c3a9e5f1d07; for accounts, on a copy
of the column in a side table: server/accounts/search_table.py), SQLite by scanning
one short ASCII column (docs/benchmarks.md: search on 100,000 accounts).
"""
from __future__ import annotations

import unicodedata
from collections.abc import Iterable
from functools import lru_cache

from sqlalchemy import and_, event, select
from sqlalchemy.orm import ORMExecuteState, Session

# Letters that NFKD leaves whole but that a French reader types as two.
LIGATURES = str.maketrans({"œ": "oe", "æ": "ae", "ø": "o", "đ": "d", "ł": "l"})


@lru_cache(maxsize=8192)  # every flush of a record refolds it, mostly to the same text (a push edits hundreds)
def fold(*parts: str | None) -> str:
    """'École  Saint-Joseph', 'DIJON' → 'ecole saint-joseph dijon': NFKD without combining marks, casefolded."""
    text = " ".join(p for p in parts if p)
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    bare = "".join(c for c in decomposed if not unicodedata.combining(c)).translate(LIGATURES)
    return " ".join(bare.split())


def _escape(word: str) -> str:
    return word.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


def matches(column, query: str):
    """A WHERE clause: every word of `query`, folded, appears in `column` (a `search` column)."""
    words = fold(query).split()
    return and_(*(column.like(f"%{_escape(w)}%", escape="\\") for w in words)) if words else column.is_not(None)


# model → the fields folded into its `search` column, filled by install().
SEARCHED: dict[type, tuple[str, ...]] = {}


def searchable(*fields: str):
    """Class decorator: `model.search` holds fold() of these fields."""
    def register(model):
        SEARCHED[model] = fields
        return model
    return register


def _value(model, values: dict) -> str:
    # Cut to the column: NFKD may lengthen a text ("ﬁ" → "fi"), and PostgreSQL refuses an overlong value.
    return fold(*(values.get(f) for f in SEARCHED[model]))[:model.__table__.c.search.type.length]


def _before_flush(mapper, connection, target) -> None:
    target.search = _value(type(target), {f: getattr(target, f) for f in SEARCHED[type(target)]})


def _fill_rows(session: Session, model, rows: Iterable[dict]) -> list[dict]:
    fields = SEARCHED[model]
    rows = [dict(r) for r in rows]
    partial = [r for r in rows if "search" not in r and any(f in r for f in fields) and not all(f in r for f in fields)]
    if partial:  # a bulk update naming some searched fields: read the others back
        stored = {row.id: dict(row._mapping) for row in session.execute(
            select(model.id, *(getattr(model, f) for f in fields)).where(model.id.in_([r["id"] for r in partial])))}
        for r in partial:
            r["search"] = _value(model, {**stored.get(r["id"], {}), **r})
    for r in rows:
        if "search" not in r and all(f in r for f in fields):
            r["search"] = _value(model, r)
    return rows


def _on_execute(state: ORMExecuteState):
    if not (state.is_insert or state.is_update) or not state.parameters:
        return None
    mapper = state.bind_mapper
    model = mapper.class_ if mapper is not None else None
    if model not in SEARCHED:
        return None
    params = state.parameters
    rows = _fill_rows(state.session, model, params if isinstance(params, list) else [params])
    return state.invoke_statement(params=rows if isinstance(params, list) else rows[0])


def install() -> None:
    """Hook the write paths (idempotent); called by create_app after the models are imported."""
    for model in SEARCHED:
        for name in ("before_insert", "before_update"):
            if not event.contains(model, name, _before_flush):
                event.listen(model, name, _before_flush)
    if not event.contains(Session, "do_orm_execute", _on_execute):
        event.listen(Session, "do_orm_execute", _on_execute)
