"""Request ids, structured request logs, /metrics, and /api/health's database and outbox report."""
from __future__ import annotations

import json
import logging
import os
from datetime import timedelta

import pytest
from prometheus_client.parser import text_string_to_metric_families
from sqlalchemy import text

from server import create_app
from server.config import TestConfig
from server.db import utcnow
from server.extensions import db
from server.observability import JsonFormatter
from sync.models import OutboxEvent
from tests.factories import make_account, make_quote, make_user, token_headers
from tests.sync.helpers import Tablet, mutation


def test_a_well_formed_request_id_is_echoed_and_a_bad_one_replaced(client):
    assert client.get("/api/health", headers={"X-Request-ID": "tablet-42.7"}).headers["X-Request-ID"] == "tablet-42.7"
    replaced = client.get("/api/health", headers={"X-Request-ID": "bad id\" with <html>"}).headers["X-Request-ID"]
    assert replaced != "bad id\" with <html>" and len(replaced) == 32
    first, second = client.get("/nowhere").headers["X-Request-ID"], client.get("/nowhere").headers["X-Request-ID"]
    assert first != second


def test_one_structured_log_line_per_request(app, client, session, caplog):
    rep = make_user(session, "rep")
    session.commit()
    headers = {**token_headers(app, rep), "X-Request-ID": "req-1"}
    with caplog.at_level(logging.INFO, logger="tournee.request"):
        assert client.get("/api/me", headers=headers).status_code == 200
    lines = [r for r in caplog.records if r.name == "tournee.request"]
    assert len(lines) == 1
    line = json.loads(JsonFormatter().format(lines[0]))
    assert line["method"] == "GET" and line["path"] == "/api/me" and line["status"] == 200
    assert line["user_id"] == rep.id and line["request_id"] == "req-1"
    assert isinstance(line["duration_ms"], float) and line["level"] == "INFO"
    # The CPU its thread spent: some, in milliseconds, not more than the request's wall time
    # (give or take the clocks' resolution and the rounding to 0.01 ms).
    assert 0 < line["cpu_ms"] <= line["duration_ms"] + 0.5


def test_log_format_json_puts_the_json_formatter_on_the_stream_handler(database_url):
    root = logging.getLogger()
    handler = logging.StreamHandler()
    root.addHandler(handler)
    try:
        create_app(TestConfig, SQLALCHEMY_DATABASE_URI=database_url, LOG_FORMAT="json")
        assert isinstance(handler.formatter, JsonFormatter)
    finally:
        root.removeHandler(handler)


SCRAPER = "scraper-token"


def _metrics(client, **kwargs) -> dict[str, list]:
    client.application.config["METRICS_TOKEN"] = SCRAPER  # closed by default: the scraper has the token
    response = client.get("/metrics", headers={"Authorization": f"Bearer {SCRAPER}"}, **kwargs)
    assert response.status_code == 200, response.get_data(as_text=True)
    assert response.mimetype == "text/plain"
    return {family.name: family.samples for family in text_string_to_metric_families(response.get_data(as_text=True))}


def _value(samples, name, **labels) -> float:
    return sum(s.value for s in samples if s.name == name and all(s.labels.get(k) == v for k, v in labels.items()))


def test_metrics_count_requests_by_rule_and_sync_mutations_by_status(app, client, session):
    rep = make_user(session, "rep")
    account = make_account(session, rep)
    session.commit()
    before = _metrics(client)
    tablet = Tablet(client, token_headers(app, rep))
    batch = [mutation("account", "update", account.id, {"phone": "+33 3 80 00 00 01"}),
             mutation("account", "update", account.id, {"owner_id": rep.id})]  # a rep may not set owner_id
    results = tablet.push(*batch)["results"]
    assert [r["status"] for r in results] == ["applied", "rejected"]
    tablet.push(*batch)  # a replay answers from the ledger and counts nothing
    after = _metrics(client)
    sync = "tournee_sync_mutations"
    for status in ("applied", "rejected"):
        assert _value(after[sync], "tournee_sync_mutations_total", status=status) \
            - _value(before.get(sync, []), "tournee_sync_mutations_total", status=status) == 1
    latency = after["tournee_http_request_duration_seconds"]
    assert _value(latency, "tournee_http_request_duration_seconds_count", endpoint="/api/sync/push",
                  method="POST", status="200") >= 2


def test_metrics_report_the_outbox_from_the_database(app, client, session):
    rep = make_user(session, "rep")
    quote = make_quote(session, make_account(session, rep), rep)
    session.add(OutboxEvent(kind="quote_request.submitted", quote_id=quote.id, webhook_id="msg_test1",
                            state="pending", created_at=utcnow() - timedelta(minutes=5)))
    session.commit()
    found = _metrics(client)
    assert _value(found["tournee_outbox_pending"], "tournee_outbox_pending") == 1
    assert _value(found["tournee_outbox_oldest_pending_age_seconds"], "tournee_outbox_oldest_pending_age_seconds") >= 299
    assert _value(found["tournee_outbox_events"], "tournee_outbox_events", state="pending") == 1
    assert "tournee_delivery_attempts" in found
    health = client.get("/api/health").get_json()
    assert health["outbox"]["pending"] == 1 and health["outbox"]["oldest_age_s"] >= 299


def test_metrics_need_the_token_when_one_is_set(database_url):
    app = create_app(TestConfig, SQLALCHEMY_DATABASE_URI=database_url, METRICS_TOKEN="s3cret")
    client = app.test_client()
    assert client.get("/metrics").status_code == 401
    assert client.get("/metrics", headers={"Authorization": "Bearer wrong"}).status_code == 401
    assert client.get("/metrics", headers={"Authorization": "Bearer s3cret"}, environ_base={"REMOTE_ADDR": "198.51.100.7"}).status_code == 200


def test_metrics_are_closed_by_default_even_to_loopback(client):
    """Behind a reverse proxy on the same host, every caller is loopback."""
    for address in ("127.0.0.1", "::1", "198.51.100.7"):
        refused = client.get("/metrics", environ_base={"REMOTE_ADDR": address})
        assert refused.status_code == 403 and refused.mimetype == "application/problem+json"


def test_metrics_answer_the_addresses_an_operator_lists(database_url):
    app = create_app(TestConfig, SQLALCHEMY_DATABASE_URI=database_url, METRICS_ALLOWED_ADDRESSES="10.0.0.0/8, ::1")
    client = app.test_client()
    assert client.get("/metrics", environ_base={"REMOTE_ADDR": "10.1.2.3"}).status_code == 200
    assert client.get("/metrics", environ_base={"REMOTE_ADDR": "::1"}).status_code == 200
    assert client.get("/metrics", environ_base={"REMOTE_ADDR": "127.0.0.1"}).status_code == 403


def test_health_reports_the_outbox(client):
    response = client.get("/api/health")
    assert response.status_code == 200
    assert response.get_json()["outbox"] == {"pending": 0, "oldest_age_s": None}


def test_health_is_503_when_the_database_cannot_be_reached():
    app = create_app(TestConfig, SQLALCHEMY_DATABASE_URI="postgresql+psycopg://postgres@127.0.0.1:1/tournee",
                     SQLALCHEMY_ENGINE_OPTIONS={"pool_pre_ping": True, "connect_args": {"connect_timeout": 2}})
    response = app.test_client().get("/api/health")
    assert response.status_code == 503
    body = response.get_json()
    assert body["database"] == "error" and body["status"] == "error" and "outbox" not in body
    assert response.headers["Cache-Control"] == "no-store"


@pytest.mark.postgres_only
@pytest.mark.skipif(not (os.environ.get("TOURNEE_TEST_DATABASE_URL") or "").startswith("postgresql"),
                    reason="needs TOURNEE_TEST_DATABASE_URL (PostgreSQL)")
@pytest.mark.parametrize("database_url", ["postgresql"], indirect=True)  # a PostgreSQL planner setting
def test_postgresql_sessions_plan_with_the_configured_random_page_cost(database_url):
    """DATABASE_RANDOM_PAGE_COST reaches the app's sessions; empty keeps the server's own."""
    for setting, expected in (("1.1", "1.1"), ("2.5", "2.5"), ("", None)):
        app = create_app(TestConfig, SQLALCHEMY_DATABASE_URI=database_url, DATABASE_RANDOM_PAGE_COST=setting)
        with app.app_context():
            try:
                value = db.session.execute(text("SHOW random_page_cost")).scalar()
                server_default = db.session.execute(text("SELECT reset_val FROM pg_settings "
                                                         "WHERE name = 'random_page_cost'")).scalar()
            finally:
                db.session.remove()
                db.engine.dispose()
        assert value == (expected if expected is not None else server_default)
