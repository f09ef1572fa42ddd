"""Photos and documents of quote requests: type by magic bytes, size limit, who may read them."""
from __future__ import annotations

import hashlib
import io

import pytest

from tests.factories import make_tech_team, make_user
from tests.quotes.helpers import backoffice_of, dispatch, submit

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64
JPEG = b"\xff\xd8\xff\xe0" + b"\x10JFIF" + b"\x00" * 64
PDF = b"%PDF-1.7\n" + b"1 0 obj\n" * 8


def upload(client, headers, content: bytes, name: str = "photo.png", content_type: str = "image/png"):
    return client.post("/api/attachments", data={"file": (io.BytesIO(content), name, content_type)},
                       headers=headers, content_type="multipart/form-data")


@pytest.mark.parametrize(("content", "kind"), [(PNG, "image/png"), (JPEG, "image/jpeg"), (PDF, "application/pdf")])
def test_jpeg_png_and_pdf_are_stored_by_content_hash(app, client, world, headers, content, kind):
    response = upload(client, headers(world.rep), content, name="whatever.bin", content_type="text/plain")
    assert response.status_code == 201, response.get_json()
    body = response.get_json()
    digest = hashlib.sha256(content).hexdigest()
    assert (body["sha256"], body["content_type"], body["size"]) == (digest, kind, len(content))
    stored = app.config["ATTACHMENTS_DIR"] / digest[:2] / digest[2:4] / digest
    assert stored.read_bytes() == content
    fetched = client.get(f"/api/attachments/{body['id']}", headers=headers(world.rep))
    assert fetched.status_code == 200 and fetched.data == content and fetched.mimetype == kind


def test_other_types_are_refused_whatever_their_name(client, world, headers):
    for content, name in [(b"<html><script>", "photo.png"), (b"GIF89a....", "x.gif"), (b"", "empty.jpg")]:
        response = upload(client, headers(world.rep), content, name=name)
        assert response.status_code == 422, name
        assert response.mimetype == "application/problem+json" and "file" in response.get_json()["errors"]
    missing = client.post("/api/attachments", data={}, headers=headers(world.rep), content_type="multipart/form-data")
    assert missing.status_code == 422


def test_files_over_the_limit_answer_413(app, client, world, headers):
    app.config["ATTACHMENT_MAX_BYTES"] = 1000
    response = upload(client, headers(world.rep), PNG + b"\x00" * 1000)
    assert response.status_code == 413
    assert response.mimetype == "application/problem+json"
    assert upload(client, headers(world.rep), PNG).status_code == 201
    assert not any(p.name.startswith(".upload-") for p in app.config["ATTACHMENTS_DIR"].iterdir())


def test_a_quote_names_only_its_authors_attachments_and_its_readers_may_fetch_them(client, session, world, headers):
    team = make_tech_team(session, channel="inbox", is_default=True)
    desk, stranger = backoffice_of(session, team), make_user(session, "rep", team=world.team)
    session.commit()
    mine = upload(client, headers(world.rep), PNG).get_json()["id"]
    theirs = upload(client, headers(stranger), JPEG).get_json()["id"]

    refused = client.post("/api/quotes", json={"account_id": world.account.id, "attachment_ids": [mine, theirs],
                                               "items": [{"label": "Pale", "quantity": 1}]}, headers=headers(world.rep))
    assert refused.status_code == 422 and "attachment_ids" in refused.get_json()["errors"]
    quote_id = submit(client, headers(world.rep), world.account, attachment_ids=[mine])

    assert client.get(f"/api/attachments/{mine}", headers=headers(desk)).status_code == 404  # not routed yet
    assert dispatch().delivered == 1
    assert client.get(f"/api/attachments/{mine}", headers=headers(desk)).status_code == 200
    assert client.get(f"/api/attachments/{mine}", headers=headers(world.manager)).status_code == 200
    assert client.get(f"/api/attachments/{mine}", headers=headers(stranger)).status_code == 404
    assert client.get(f"/api/attachments/{theirs}", headers=headers(world.rep)).status_code == 404
    history = client.get(f"/api/quotes/{quote_id}", headers=headers(desk)).get_json()
    assert history["attachment_ids"] == [mine]
