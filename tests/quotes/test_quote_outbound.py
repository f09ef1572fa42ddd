"""Webhooks never reach the inside, and the delivery log is no port scanner.

URLs to internal addresses are refused when a team is saved and again at each
delivery, after DNS resolution; the test config allows 127.0.0.1 (its receivers), so
each test here that proves a refusal empties that setting first."""
from __future__ import annotations

import socket
import threading

import pytest
from sqlalchemy import select

from server.extensions import db
from sync.channels import outbound
from sync.delivery import Settings
from sync.models import DeliveryAttempt
from tests.channels.receivers import Reply
from tests.quotes.helpers import FAST, backoffice_of, dispatch, event_of, quote, submit, webhook_team

STRICT = Settings(timeout_s=0.5, lease_s=60, smtp_url="smtp://127.0.0.1:1", mail_sender="t@test.example")


@pytest.fixture
def nothing_internal(app):
    app.config["OUTBOUND_ALLOWED_HOSTS"] = ""


@pytest.mark.parametrize("url", ["http://127.0.0.1:5432/", "http://127.0.0.1:6379", "http://[::1]:6379/",
                                 "http://0.0.0.0:5432", "http://2130706433:6379", "http://169.254.169.254/",
                                 "http://localhost/", "http://10.1.2.3/hooks"])
def test_internal_webhook_urls_are_refused_when_saved(client, world, headers, nothing_internal, url):
    body = {"name": "Atelier", "channel": "webhook", "webhook_url": url}
    created = client.post("/api/admin/technical-teams", json=body, headers=headers(world.admin))
    assert created.status_code == 422, created.get_json()
    assert "webhook_url" in created.get_json()["errors"]


def test_a_public_url_is_saved_and_an_internal_one_refused_on_change(client, world, headers, nothing_internal):
    created = client.post("/api/admin/technical-teams", headers=headers(world.admin),
                          json={"name": "Atelier", "channel": "webhook", "webhook_url": "https://93.184.216.34/hooks"})
    assert created.status_code == 201, created.get_json()
    changed = client.patch(f"/api/admin/technical-teams/{created.get_json()['id']}", headers=headers(world.admin),
                           json={"webhook_url": "http://[::ffff:127.0.0.1]:6379/"})
    assert changed.status_code == 422 and "webhook_url" in changed.get_json()["errors"]


def test_an_allowed_internal_host_may_be_saved(client, world, headers, app):
    app.config["OUTBOUND_ALLOWED_HOSTS"] = "10.1.0.0/16"
    created = client.post("/api/admin/technical-teams", headers=headers(world.admin),
                          json={"name": "Atelier", "channel": "webhook", "webhook_url": "http://10.1.2.3/hooks"})
    assert created.status_code == 201, created.get_json()


def test_delivery_to_an_address_now_internal_is_refused_and_nothing_is_sent(client, world, headers, http_receiver):
    webhook_team(db.session, http_receiver.url)  # saved while allowed; the dispatcher's settings do not allow it
    quote_id = submit(client, headers(world.rep), world.account)
    dispatch(settings=STRICT)
    assert http_receiver.requests == []
    event = event_of(quote_id)
    assert event.last_error == "destination refused: internal address refused"
    assert quote(quote_id).status == "undeliverable"


def test_delivery_goes_to_the_address_that_was_checked(client, world, headers, http_receiver, monkeypatch):
    """A name resolved once and pinned: what the receiver sees is the name, where it connects the checked address."""
    port = int(http_receiver.url.split(":")[2].split("/")[0])
    resolved, real = [], socket.getaddrinfo

    def hooks_test_is_loopback(host, port_, *args, **kwargs):  # for everyone: httpx would call it too
        resolved.append(host)
        return real("127.0.0.1" if host == "hooks.test" else host, port_, *args, **kwargs)
    monkeypatch.setattr(outbound.socket, "getaddrinfo", hooks_test_is_loopback)
    webhook_team(db.session, f"http://hooks.test:{port}/hooks/quotes")
    quote_id = submit(client, headers(world.rep), world.account)
    dispatch(settings=Settings(**{**FAST.__dict__, "allowed_hosts": "hooks.test"}))
    assert quote(quote_id).status == "routed"
    # The name resolved once, by the check; the connection was made to the checked address.
    assert resolved.count("hooks.test") == 1 and resolved[-1] == "127.0.0.1"
    assert http_receiver.requests[0].header("host") == f"hooks.test:{port}"


def test_the_log_says_the_status_in_words_never_the_answer(client, world, headers, http_receiver):
    webhook_team(db.session, http_receiver.url)
    http_receiver.reply(Reply(500, headers={"X-Server": "redis_version:7.0.15"}, body=b"-ERR redis_version:7.0.15"))
    quote_id = submit(client, headers(world.rep), world.account)
    dispatch()
    attempt = db.session.scalars(select(DeliveryAttempt)).one()
    assert (attempt.status_code, attempt.error) == (500, "HTTP 500")
    assert event_of(quote_id).last_error == "HTTP 500"


def test_a_service_that_is_not_http_leaves_no_trace_of_its_banner(client, world, headers):
    server = socket.socket()
    server.bind(("127.0.0.1", 0))
    server.listen()

    def banner():
        conn, _ = server.accept()
        conn.recv(65536)
        conn.sendall(b"-ERR unknown command 'POST', redis_version:7.0.15\r\n")
        conn.close()
    threading.Thread(target=banner, daemon=True).start()
    webhook_team(db.session, f"http://127.0.0.1:{server.getsockname()[1]}/")
    quote_id = submit(client, headers(world.rep), world.account)
    dispatch()
    server.close()
    # Whether the peer's close or its garbage reaches httpx first is a race: either short reason,
    # never the banner.
    assert event_of(quote_id).last_error in ("not an HTTP answer", "delivery failed")


def test_only_back_office_managers_and_admins_see_the_delivery_log(client, world, headers, http_receiver):
    team = webhook_team(db.session, http_receiver.url)
    quote_id = submit(client, headers(world.rep), world.account)
    dispatch()  # routed to the team: its back office sees the quote
    office = backoffice_of(db.session, team)
    for user, sees in [(world.rep, False), (office, True), (world.manager, True), (world.admin, True)]:
        history = client.get(f"/api/quotes/{quote_id}/history", headers=headers(user))
        assert history.status_code == 200, (user.role, history.get_json())
        delivery = history.get_json()["delivery"]
        assert (delivery is not None) == sees, user.role
        if sees:
            assert delivery["state"] == "delivered" and delivery["attempts"] == 1
