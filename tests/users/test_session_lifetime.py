"""A sign-in lasts SESSION_MAX_AGE (90 days) at most, however often its refresh token is renewed."""
from __future__ import annotations

from datetime import UTC, datetime, timedelta

import time_machine

from tests.users.conftest import bearer, login

SIGNED_IN = datetime(2026, 3, 2, 8, 0, tzinfo=UTC)


def refresh(client, token):
    return client.post("/api/auth/refresh", headers=bearer(token))


def test_a_sign_in_renewed_every_twenty_days_ends_after_ninety(client, user):
    with time_machine.travel(SIGNED_IN, tick=False):
        pair = login(client).get_json()
    for days in (20, 40, 60, 80):
        with time_machine.travel(SIGNED_IN + timedelta(days=days), tick=False):
            renewed = refresh(client, pair["refresh_token"])
            assert renewed.status_code == 200, (days, renewed.get_json())
            pair = renewed.get_json()
            assert client.get("/api/me", headers=bearer(pair["access_token"])).status_code == 200
    with time_machine.travel(SIGNED_IN + timedelta(days=90, minutes=1), tick=False):
        assert refresh(client, pair["refresh_token"]).status_code == 401
        again = login(client)  # signing in again starts a new lifetime
        assert again.status_code == 200
        assert client.get("/api/me", headers=bearer(again.get_json()["access_token"])).status_code == 200


def test_the_lifetime_is_a_setting(app, client, user):
    app.config["SESSION_MAX_AGE"] = timedelta(days=1)
    with time_machine.travel(SIGNED_IN, tick=False):
        pair = login(client).get_json()
    with time_machine.travel(SIGNED_IN + timedelta(hours=23), tick=False):
        renewed = refresh(client, pair["refresh_token"])
        assert renewed.status_code == 200
    with time_machine.travel(SIGNED_IN + timedelta(hours=25), tick=False):
        assert refresh(client, renewed.get_json()["refresh_token"]).status_code == 401  # unspent, but too old
