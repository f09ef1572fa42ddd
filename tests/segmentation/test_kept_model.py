"""Each worker keeps the active commercial model between requests, yet a model changed
through any other worker applies at its very next request (server/segmentation/service.py
`active_model`, guarded by the sign-in epoch of server/users/revocation.py).

Two apps on one database stand for two workers: each has its own engine and its own kept
model, and they share nothing but the database.
"""
from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy import event, select

from server.db import new_id
from server.extensions import db
from server.users import revocation
from server.visits.models import Task
from tests.segmentation.test_followups import visit_changes
from tests.sync.helpers import Tablet, mutation

STARTED = datetime(2025, 11, 21, 9, 0, tzinfo=UTC)  # in the past at every pinned instant (a visit in the future is refused)


def model_reads(worker, push) -> int:
    """How many statements on `worker`'s engine read the commercial model during `push()`."""
    seen: list[str] = []
    with worker.app_context():
        engine = db.engine

    def note(_conn, _cursor, statement, *_args):
        seen.append(statement)
    event.listen(engine, "before_cursor_execute", note)
    try:
        push()
    finally:
        event.remove(engine, "before_cursor_execute", note)
    return sum("FROM commercial_model" in s for s in seen)


def idle(session, accounts) -> str:
    """The account to visit; this test's own session left idle (on SQLite, outside a request,
    it would begin as a writer and hold the turn the other worker's push waits for)."""
    account_id = accounts.gold.id
    session.rollback()
    return account_id


def test_a_worker_reads_the_model_once_then_keeps_it(app, other_worker, headers, session, accounts):
    tablet = Tablet(other_worker.test_client(), headers("rep"))
    account_id = idle(session, accounts)

    def visit():
        tablet.push(mutation("visit", "create", new_id(), visit_changes(account_id, "interested", STARTED)))
    assert model_reads(other_worker, visit) == 1
    assert revocation.sign_ins(other_worker).model is not None
    assert model_reads(other_worker, visit) == 0  # the follow-ups and the cadence from the kept model
    assert session.scalar(select(Task.title).limit(1)) == "Envoyer la fiche produit"


def test_a_model_changed_on_one_worker_applies_at_once_on_another(app, client, other_worker, headers, session,
                                                                   accounts):
    tablet = Tablet(other_worker.test_client(), headers("rep"))
    headers("manager")
    account_id = idle(session, accounts)
    tablet.push(mutation("visit", "create", new_id(), visit_changes(account_id, "absent", STARTED)))
    assert revocation.sign_ins(other_worker).model is not None, "nothing kept: this test would prove nothing"

    rules = [{"after_outcome": "absent", "task": "Rappeler pour un autre jour", "due_in_days": 1, "kind": "call"}]
    assert client.put("/api/commercial-model", json={"follow_ups": rules}, headers=headers("manager")).status_code == 200

    tablet.push(mutation("visit", "create", new_id(), visit_changes(account_id, "absent", STARTED)))
    assert session.scalars(select(Task.title)).all() == ["Rappeler pour un autre jour"]
