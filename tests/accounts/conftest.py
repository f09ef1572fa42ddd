"""Shared by the account import specs: `people`, a manager and a rep (Sophie Martin) of one
team (a spec needing others defines its own), and `upload`, a CSV sent to POST
/api/accounts/import by its manager in a chosen language."""
from __future__ import annotations

import io

import pytest

from tests.factories import make_team, make_user, token_headers


@pytest.fixture
def people(app, session):
    team = make_team(session)
    made = {"manager": make_user(session, "manager", team=team),
            "rep": make_user(session, "rep", team=team, email="rep.a@test.example", name="Sophie Martin")}
    session.commit()
    return made


@pytest.fixture
def upload(app, client, people):
    signed_in = token_headers(app, people["manager"])

    def send(text: str, language: str = "fr", **form):
        body = {"file": (io.BytesIO(text.encode()), "comptes.csv"), **form}
        return client.post("/api/accounts/import", data=body, content_type="multipart/form-data",
                           headers={**signed_in, "Accept-Language": language})
    return send
