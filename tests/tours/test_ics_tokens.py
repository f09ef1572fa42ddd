"""ICS token hygiene (server/tours/ics_tokens.py, server/accesslog.py): hashed, revoked
with the sessions, rotatable by the rep and its manager, never in a log line."""
from __future__ import annotations

import hashlib
import logging
from datetime import timedelta
from types import SimpleNamespace

import pytest
from gunicorn.config import Config as GunicornConfig
from sqlalchemy import text

from server.accesslog import RedactingLogger, redact
from server.extensions import db
from tests.factories import PASSWORD
from tests.tours.world import make_world


@pytest.fixture
def world(app, session):
    return make_world(session, due_accounts=2)


def rotate(app, client, world, who="rep") -> str:
    response = client.post(f"/api/reps/{world.rep.id}/ics-token", headers=world.headers(app, who))
    assert response.status_code == 200, response.get_json()
    return response.get_json()["ics_token"]


def feed(client, world, token):
    return client.get(f"/api/reps/{world.rep.id}/agenda.ics?token={token}")


def test_only_the_tokens_hash_is_stored(app, client, world):
    token = rotate(app, client, world)
    row = db.session.execute(text('SELECT * FROM "user" WHERE id = :id'), {"id": world.rep.id}).mappings().one()
    assert token not in {str(value) for value in row.values()}
    assert row["ics_token_hash"] == hashlib.sha256(token.encode()).hexdigest()
    assert feed(client, world, token).status_code == 200


def test_a_password_change_revokes_the_feed(app, client, world):
    token = rotate(app, client, world)
    changed = client.post("/api/me/password", headers=world.headers(app, "rep"),
                          json={"current_password": PASSWORD, "new_password": "another long passphrase"})
    assert changed.status_code == 204, changed.get_json()
    assert feed(client, world, token).status_code == 404
    assert feed(client, world, rotate(app, client, world)).status_code == 200  # a new one works


def test_signing_out_everywhere_revokes_the_feed_and_every_session(app, client, world):
    token = rotate(app, client, world)
    headers, elsewhere = world.headers(app, "rep"), world.headers(app, "rep")
    assert client.post("/api/auth/logout-everywhere", headers=headers).status_code == 204
    assert feed(client, world, token).status_code == 404
    assert client.get("/api/me", headers=headers).status_code == 401
    assert client.get("/api/me", headers=elsewhere).status_code == 401


def test_the_reps_manager_may_rotate_and_the_old_url_dies(app, client, world):
    old = rotate(app, client, world)
    new = rotate(app, client, world, who="manager")
    assert feed(client, world, old).status_code == 404 and feed(client, world, new).status_code == 200


def test_the_apps_request_log_never_holds_the_token(app, client, world, caplog):
    token = rotate(app, client, world)
    with caplog.at_level(logging.INFO, logger="tournee.request"):
        assert feed(client, world, token).status_code == 200
    assert any("agenda.ics" in r.getMessage() for r in caplog.records)
    assert token not in caplog.text


def test_gunicorns_access_log_redacts_the_token(tmp_path):
    cfg = GunicornConfig()
    cfg.set("accesslog", str(tmp_path / "access.log"))
    logger = RedactingLogger(cfg)
    secret = "s3cr3t-feed-token"
    environ = {"REQUEST_METHOD": "GET", "RAW_URI": f"/api/reps/r1/agenda.ics?token={secret}&x=1",
               "QUERY_STRING": f"token={secret}&x=1", "PATH_INFO": "/api/reps/r1/agenda.ics",
               "SERVER_PROTOCOL": "HTTP/1.1", "REMOTE_ADDR": "203.0.113.4",
               "HTTP_REFERER": f"https://cal.example/?token={secret}"}
    response = SimpleNamespace(status="200 OK", sent=120, headers=[])
    logger.access(response, [("Referer", environ["HTTP_REFERER"])], environ, timedelta(milliseconds=5))
    for handler in logger.access_log.handlers:
        handler.flush()
    line = (tmp_path / "access.log").read_text()
    assert "agenda.ics?token=[redacted]&x=1" in line and secret not in line


def test_redaction_leaves_other_parameters_alone():
    assert redact("/a?since=12&limit=5") == "/a?since=12&limit=5"
    assert redact("/a?limit=5&TOKEN=abc") == "/a?limit=5&TOKEN=[redacted]"
