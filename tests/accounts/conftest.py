"""Shared by the account import specs: `upload`, a CSV sent to POST /api/accounts/import by
the `people` fixture's manager (each spec module defines `people`) in a chosen language."""
from __future__ import annotations

import io

import pytest

from tests.factories import token_headers


@pytest.fixture
def upload(app, client, people):
    signed_in = token_headers(app, people["manager"])

    def send(text: str, language: str = "fr", **form):
        body = {"file": (io.BytesIO(text.encode()), "comptes.csv"), **form}
        return client.post("/api/accounts/import", data=body, content_type="multipart/form-data",
                           headers={**signed_in, "Accept-Language": language})
    return send
