"""Product lines: a managed list with French and English labels, old spellings mapped (issue 14)."""
from __future__ import annotations

import pytest

from server.quotes import product_lines
from tests.factories import make_account, make_quote, make_team, make_user, token_headers

COMPANY = [
    {"key": "moteurs", "label": {"fr": "Moteurs électriques", "en": "Electric motors"}, "aliases": ["moteur"]},
    {"key": "pompes", "label": {"fr": "Pompes", "en": "Pumps"}, "aliases": ["Hydraulique"]},
]


@pytest.fixture
def world(app, session):
    team = make_team(session)
    people = {"rep": make_user(session, "rep", team=team), "manager": make_user(session, "manager", team=team)}
    session.commit()
    return people


def test_the_built_in_list_maps_the_spellings_tablets_stored(app, client, world):
    body = client.get("/api/product-lines", headers=token_headers(app, world["rep"])).get_json()
    lines = body["items"]
    assert {line["key"]: line["label"]["en"] for line in lines}["pieces"] == "Spare parts"
    assert [product_lines.key_of(lines, v) for v in ("Maintenance", "pièces", "PIECES", "Moteurs", "Pièces détachées",
                                                     "hydraulique", "nucléaire", None)] == [
        "maintenance", "pieces", "pieces", "moteurs", "pieces", "hydraulique", None, None]


def test_managers_replace_the_list_and_reps_may_not(app, client, world):
    rep, manager = token_headers(app, world["rep"]), token_headers(app, world["manager"])
    assert client.put("/api/product-lines", json={"items": COMPANY}, headers=rep).status_code == 403
    response = client.put("/api/product-lines", json={"items": COMPANY}, headers=manager)
    assert response.status_code == 200, response.get_json()
    assert [(p["key"], p["position"]) for p in response.get_json()["items"]] == [("moteurs", 0), ("pompes", 1)]
    again = client.get("/api/product-lines", headers=rep).get_json()["items"]
    assert again[1] == {"key": "pompes", "label": {"fr": "Pompes", "en": "Pumps"}, "aliases": ["Hydraulique"],
                        "position": 1}
    assert product_lines.key_of(again, "hydraulique") == "pompes"


@pytest.mark.parametrize(("items", "field"), [
    ([{"key": "Moteurs", "label": {"fr": "M", "en": "M"}}], "items.0.key"),
    ([{"key": "a", "label": {"fr": "A"}}], "items.0.label.en"),
    ([{"key": "a", "label": {"fr": "A", "en": "A"}}, {"key": "a", "label": {"fr": "B", "en": "B"}}], "items"),
    ([{"key": "a", "label": {"fr": "Pompes", "en": "A"}}, {"key": "b", "label": {"fr": "B", "en": "B"},
                                                           "aliases": ["POMPES"]}], "items"),
    ([], "items"),
])
def test_a_bad_list_is_a_422_naming_the_field_and_changes_nothing(app, client, world, items, field):
    manager = token_headers(app, world["manager"])
    response = client.put("/api/product-lines", json={"items": items}, headers=manager)
    assert response.status_code == 422 and response.mimetype == "application/problem+json"
    assert field in response.get_json()["errors"], response.get_json()
    assert client.get("/api/product-lines", headers=manager).get_json()["items"][0]["key"] == "moteurs"


def test_a_line_quotes_still_name_may_not_be_dropped(app, client, session, world):
    make_quote(session, make_account(session, world["rep"]), world["rep"], product_line="Hydraulique")
    session.commit()
    manager = token_headers(app, world["manager"])
    without = [line for line in COMPANY if line["key"] != "pompes"]
    # "hydraulique" becomes "pompes": the quote's "Hydraulique" is one of its aliases, so it may go.
    assert client.put("/api/product-lines", json={"items": COMPANY}, headers=manager).status_code == 200
    refused = client.put("/api/product-lines", json={"items": without}, headers=manager)
    assert refused.status_code == 422
    assert refused.get_json()["errors"]["items"] == ["Utilisé : pompes."]
    assert refused.get_json()["detail"] == "Des devis ou des affaires citent encore ces gammes."
