"""Photos of accounts (storefront) and visits: uploaded first, named by the record, readable in its scope."""
from __future__ import annotations

import io

import pytest

from server.db import new_id
from tests.factories import make_account, make_team, make_user, token_headers
from tests.sync.helpers import Tablet, mutation

JPEG = b"\xff\xd8\xff\xe0" + b"\x10JFIF" + b"\x00" * 64


@pytest.fixture
def world(app, session):
    team = make_team(session)
    people = {"rep": make_user(session, "rep", team=team), "other": make_user(session, "rep", team=team),
              "manager": make_user(session, "manager", team=team)}
    people["account"] = make_account(session, people["rep"])
    session.commit()
    return people


def _upload(client, headers) -> str:
    response = client.post("/api/attachments", data={"file": (io.BytesIO(JPEG), "devanture.jpg", "image/jpeg")},
                           headers=headers, content_type="multipart/form-data")
    assert response.status_code == 201, response.get_json()
    return response.get_json()["id"]


def test_a_new_prospect_keeps_its_storefront_photo_and_its_team_sees_it(app, client, world):
    rep = token_headers(app, world["rep"])
    photo = _upload(client, rep)
    account_id = new_id()
    result = Tablet(client, rep).push(mutation("account", "create", account_id,
                                               {"name": "Boulangerie Roux", "status": "prospect",
                                                "attachment_ids": [photo]}))["results"][0]
    assert result["status"] == "applied", result
    account = client.get(f"/api/accounts/{account_id}", headers=rep).get_json()
    assert account["attachment_ids"] == [photo] and account["owner_id"] == world["rep"].id
    assert client.get(f"/api/attachments/{photo}", headers=token_headers(app, world["manager"])).status_code == 200
    assert client.get(f"/api/attachments/{photo}", headers=token_headers(app, world["other"])).status_code == 404


def test_photos_added_from_two_tablets_are_both_kept(app, client, world):
    rep = token_headers(app, world["rep"])
    first, second = _upload(client, rep), _upload(client, rep)
    account = world["account"]
    tablets = [Tablet(client, rep), Tablet(client, rep)]
    for tablet in tablets:
        tablet.pull()
    base = tablets[0].replica[("account", account.id)]["version"]
    for tablet, photo in zip(tablets, (first, second)):
        result = tablet.push(mutation("account", "update", account.id, {"attachment_ids": {"add": [photo]}},
                                      base_version=base))["results"][0]
        assert result["status"] in ("applied", "merged"), result
    assert set(client.get(f"/api/accounts/{account.id}", headers=rep).get_json()["attachment_ids"]) == {first, second}


def test_a_record_may_only_name_photos_its_author_uploaded(app, client, world):
    theirs = _upload(client, token_headers(app, world["other"]))
    rep = Tablet(client, token_headers(app, world["rep"]))
    results = rep.push(
        mutation("account", "create", new_id(), {"name": "Garage", "attachment_ids": [theirs]}),
        mutation("visit", "create", new_id(), {"account_id": world["account"].id, "started_at": "2026-11-20T09:00:00Z",
                                               "attachment_ids": [theirs]}))["results"]
    assert [r["status"] for r in results] == ["rejected", "rejected"]
    assert all("attachment_ids" in r["error"]["errors"] for r in results)


def test_a_visit_keeps_its_photos(app, client, world):
    rep = token_headers(app, world["rep"])
    photo = _upload(client, rep)
    visit_id = new_id()
    result = Tablet(client, rep).push(mutation("visit", "create", visit_id, {
        "account_id": world["account"].id, "started_at": "2026-11-20T09:00:00Z", "attachment_ids": [photo]}))
    assert result["results"][0]["status"] == "applied", result
    assert client.get(f"/api/visits/{visit_id}", headers=rep).get_json()["attachment_ids"] == [photo]
    assert client.get(f"/api/attachments/{photo}", headers=token_headers(app, world["manager"])).status_code == 200
