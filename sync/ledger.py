"""The mutation ledger: the first result of every mutation, returned as is on replay (PROTOCOL P3, P6)."""
from __future__ import annotations

from collections.abc import Iterable
from functools import cache
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from server.db import utcnow
from sync import bulk
from sync.models import MutationRecord


def known_results(session: Session, mutation_ids: Iterable[str], *,
                  user_id: str | None = None) -> dict[str, dict[str, Any] | None]:
    """The stored result of each known id; `None` for an id that another user wrote.

    Results are keyed by who wrote them (P3): another user's id is never answered
    with that user's result, whatever it holds (ids, versions, conflict values).
    Without `user_id` (checks and tools), every stored result is returned."""
    ids = list(set(mutation_ids))
    found: dict[str, dict[str, Any] | None] = {}
    stmt = _known_statement(session.get_bind().dialect.name)
    for start in range(0, len(ids), 500):
        rows = session.execute(stmt, {"ids": ids[start:start + 500]})
        found.update({row.mutation_id: row.result if user_id is None or row.user_id == user_id else None
                      for row in rows})
    return found


@cache
def _known_statement(dialect_name: str):
    """The ledger's lookup by mutation ids (parameter `ids`), built once per dialect: a push
    runs it on every request."""
    return (select(MutationRecord.mutation_id, MutationRecord.user_id, MutationRecord.result)
            .where(bulk.among(MutationRecord.mutation_id, "ids", dialect_name)))


def record_results(session: Session, *, user_id: str, client_id: str | None,
                   entries: list[tuple[dict[str, Any], dict[str, Any]]]) -> None:
    """Store (mutation, result) pairs. The primary key on mutation_id makes a racing
    replay fail instead of applying twice (the caller then answers from the ledger)."""
    if not entries:
        return
    # Core statements on the session's connection: the ORM's bulk insert machinery cost
    # more than the rows themselves (bench_push); one multi-row INSERT on PostgreSQL.
    bulk.insert_rows(session.connection(), MutationRecord.__table__,
                     rows_for(user_id=user_id, client_id=client_id, entries=entries))


def rows_for(*, user_id: str, client_id: str | None,
         entries: list[tuple[dict[str, Any], dict[str, Any]]]) -> list[dict[str, Any]]:
    """The ledger's rows for (mutation, result) pairs, as `record_results` writes them (for a
    caller that writes them in one statement with other rows: `bulk.insert_many`)."""
    now = utcnow()
    return [{"mutation_id": m["mutation_id"], "user_id": user_id, "client_id": client_id,
             "entity": str(m.get("entity"))[:30], "record_id": result.get("id"), "status": result["status"],
             "result": result, "at": now}
            for m, result in entries]
