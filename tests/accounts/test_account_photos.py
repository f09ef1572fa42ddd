"""A tablet sees every photo of its accounts, whoever took them: the list per account (its own
photos and its visits'), and thumbnails small enough to keep offline."""
from __future__ import annotations

import io

import pytest
from PIL import Image

from server.db import new_id
from tests.factories import make_account, make_team, make_user, make_visit, token_headers
from tests.sync.helpers import Tablet, mutation


def _jpeg(width=1200, height=800, colour=(200, 80, 40)) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (width, height), colour).save(out, "JPEG")
    return out.getvalue()


@pytest.fixture
def world(app, session):
    team = make_team(session)
    people = {"rep": make_user(session, "rep", team=team), "colleague": make_user(session, "rep", team=team),
              "manager": make_user(session, "manager", team=team),
              "stranger": make_user(session, "rep", team=make_team(session))}
    people["account"] = make_account(session, people["rep"])
    people["visit"] = make_visit(session, people["account"], people["colleague"])  # before a reassignment, say
    session.commit()
    return people


@pytest.fixture
def headers(app, world):
    return lambda who: token_headers(app, world[who])


def _upload(client, headers, data=None, name="photo.jpg", kind="image/jpeg") -> str:
    response = client.post("/api/attachments", data={"file": (io.BytesIO(data or _jpeg()), name, kind)},
                           headers=headers, content_type="multipart/form-data")
    assert response.status_code == 201, response.get_json()
    return response.get_json()["id"]


def test_the_rep_lists_the_photos_others_took_of_its_account_and_its_visits(client, headers, session, world):
    account, visit = world["account"], world["visit"]
    storefront = _upload(client, headers("manager"))
    assert client.patch(f"/api/accounts/{account.id}", json={"changes": {"attachment_ids": {"add": [storefront]}}},
                        headers=headers("manager")).status_code == 200
    on_visit = _upload(client, headers("colleague"))
    visit.attachment_ids = [on_visit]
    session.commit()
    response = client.get(f"/api/accounts/{account.id}/photos", headers=headers("rep"))
    assert response.status_code == 200, response.get_json()
    items = {p["id"]: p for p in response.get_json()["items"]}
    assert set(items) == {storefront, on_visit}
    assert (items[storefront]["source"], items[storefront]["taken_by"]) == ("account", world["manager"].id)
    assert (items[on_visit]["source"], items[on_visit]["visit_id"]) == ("visit", visit.id)
    assert items[on_visit]["taken_by_name"] == world["colleague"].name
    one = client.get(f"/api/visits/{visit.id}/photos", headers=headers("rep"))
    assert one.status_code == 200 and [p["id"] for p in one.get_json()["items"]] == [on_visit]
    assert client.get(f"/api/visits/{visit.id}/photos", headers=headers("stranger")).status_code == 404
    # the rep may fetch both, though it took neither and the visit is not its own
    for pid in (storefront, on_visit):
        assert client.get(f"/api/attachments/{pid}", headers=headers("rep")).status_code == 200


def test_an_account_out_of_scope_lists_nothing(client, headers, world):
    response = client.get(f"/api/accounts/{world['account'].id}/photos", headers=headers("stranger"))
    assert response.status_code == 404
    assert client.get(f"/api/accounts/{new_id()}/photos", headers=headers("rep")).status_code == 404


def test_a_thumbnail_is_a_small_jpeg_for_whoever_sees_the_photo(client, headers, world):
    pid = _upload(client, headers("rep"), _jpeg(2000, 1000))
    Tablet(client, headers("rep")).push(mutation("account", "update", world["account"].id,
                                                 {"attachment_ids": {"add": [pid]}}))
    response = client.get(f"/api/attachments/{pid}/thumbnail", headers=headers("manager"))
    assert response.status_code == 200 and response.mimetype == "image/jpeg"
    image = Image.open(io.BytesIO(response.data))
    assert max(image.size) == 320 and image.size == (320, 160)
    assert len(response.data) < 20_000
    again = client.get(f"/api/attachments/{pid}/thumbnail", headers=headers("rep"))
    assert again.data == response.data  # made once, served from its cache
    assert client.get(f"/api/attachments/{pid}/thumbnail", headers=headers("stranger")).status_code == 404


def test_a_document_has_no_thumbnail(client, headers):
    pid = _upload(client, headers("rep"), b"%PDF-1.4\n%fake\n", name="devis.pdf", kind="application/pdf")
    assert client.get(f"/api/attachments/{pid}/thumbnail", headers=headers("rep")).status_code == 404
