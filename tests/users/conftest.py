"""Helpers for the sign-in specs: a signed-up user and a `login` shortcut."""
from __future__ import annotations

import socket

import pytest

from tests.channels.receivers import smtp_receiver  # noqa: F401 (fixture)
from tests.factories import PASSWORD, make_user


@pytest.fixture
def relay(app, smtp_receiver):
    """A real SMTP server on loopback as the app's mail relay: its handler holds the messages."""
    receiver = smtp_receiver()
    app.config["SMTP_URL"] = receiver.url()
    return receiver.handler


@pytest.fixture
def unreachable(app):
    """A relay is configured but nobody listens at its port (the demo has no SMTP server)."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    app.config["SMTP_URL"] = f"smtp://127.0.0.1:{port}"


@pytest.fixture
def user(session):
    user = make_user(session, "rep", email="rita@test.example", name="Rita Rep")
    session.commit()
    return user


def login(client, email: str = "rita@test.example", password: str = PASSWORD, **environ):
    return client.post("/api/auth/login", json={"email": email, "password": password},
                       environ_base=environ)


def bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


def assert_problem(response, status: int, kind: str) -> dict:
    assert response.status_code == status, response.get_data(as_text=True)
    assert response.mimetype == "application/problem+json"
    doc = response.get_json()
    assert doc["status"] == status
    assert doc["type"].endswith("/" + kind)
    assert doc["detail"]
    return doc
