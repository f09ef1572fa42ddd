"""Limits and abuse: retention, body size, push rate, racing replays."""
from __future__ import annotations

import threading
from datetime import timedelta

from sqlalchemy import func, select, update

from server.db import utcnow
from sync.models import MutationRecord, Tombstone
from tests.factories import make_account, make_contact, make_team, make_user, token_headers
from tests.sync.helpers import Tablet, mutation


def _rep_with_account(session):
    rep = make_user(session, "rep", team=make_team(session))
    account = make_account(session, rep)
    session.commit()
    return rep, account


def test_pruned_change_log_sends_old_cursors_back_to_zero(app, client, session, runner):
    rep, account = _rep_with_account(session)
    tablet = Tablet(client, token_headers(app, rep))
    tablet.pull()
    old_cursor = tablet.cursor
    contact = make_contact(session, account)
    session.commit()
    tablet.push(mutation("contact", "delete", contact.id))
    session.execute(update(Tombstone).values(at=utcnow() - timedelta(days=40)))
    session.commit()
    result = runner.invoke(args=["sync", "prune", "--days", "30"])
    assert "pruned 2 tombstones" in result.output, result.output  # the rep's scope and its team's
    assert session.scalar(select(func.count()).select_from(Tombstone)) == 0
    response = client.get(f"/api/sync/pull?since={old_cursor}", headers=tablet.headers)
    assert response.status_code == 410
    assert client.get("/api/sync/pull?since=0", headers=tablet.headers).status_code == 200


def test_retention_unset_keeps_everything(app, runner):
    assert "keeping the whole change log" in runner.invoke(args=["sync", "prune"]).output


def test_a_body_over_the_size_limit_is_a_413_problem(app, client, session):
    rep, account = _rep_with_account(session)
    app.config["MAX_CONTENT_LENGTH"] = 10_000
    body = {"client_id": "c", "mutations": [mutation("account", "update", account.id, {"notes": "x" * 20_000})]}
    response = client.post("/api/sync/push", json=body, headers=token_headers(app, rep))
    assert response.status_code == 413
    assert response.headers["Content-Type"] == "application/problem+json"


def test_push_rate_limit_per_user_is_a_429_problem(app, client, session):
    rep, account = _rep_with_account(session)
    app.config["PUSH_LIMIT_PER_USER"] = "3 per minute"
    tablet = Tablet(client, token_headers(app, rep))
    for _ in range(3):
        tablet.push(mutation("account", "update", account.id, {"notes": "ok"}))
    body = tablet.push(mutation("account", "update", account.id, {"notes": "too many"}), expect=429)
    assert body["status"] == 429 and "Retry-After" in client.post(
        "/api/sync/push", json={"client_id": tablet.client_id, "mutations": []}, headers=tablet.headers).headers


def test_two_replays_racing_on_two_workers_apply_once(app, session):
    rep, account = _rep_with_account(session)
    batch = [mutation("account", "update", account.id, {"notes": f"n{i}"}) for i in range(20)]
    headers = token_headers(app, rep)  # commits: the threads below need SQLite's write lock free
    answers = []

    def send():
        response = app.test_client().post("/api/sync/push", json={"client_id": "race", "mutations": batch}, headers=headers)
        answers.append((response.status_code, response.get_json()["results"]))

    threads = [threading.Thread(target=send) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert [code for code, _ in answers] == [200, 200]
    assert answers[0][1] == answers[1][1]
    ids = [m["mutation_id"] for m in batch]
    assert session.scalar(select(func.count()).select_from(MutationRecord).where(MutationRecord.mutation_id.in_(ids))) == 20
