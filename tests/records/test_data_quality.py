"""GET /api/data-quality: accounts without position, without an active owner, likely duplicates."""
from __future__ import annotations

from tests.factories import make_account, make_team, make_user, token_headers


def test_the_report_counts_positions_and_finds_duplicates_and_orphans(app, client, session):
    team = make_team(session)
    manager = make_user(session, "manager", team=team)
    rep = make_user(session, "rep", team=team)
    gone = make_user(session, "rep", team=team, active=False)
    placed = make_account(session, rep, name="Garage Martin SARL", postcode="21000", geo_precision="commune",
                          phone="+33 3 80 00 00 01", custom={"siret": "123 456 789 00011"})
    twin = make_account(session, rep, name="garage martin", postcode="21000", geo_precision="address",
                        phone="03.80.00.00.01")
    lost = make_account(session, gone, name="Inconnu", lat=None, lon=None, custom={"siret": "12345678900011"})
    outsider = make_account(session, make_user(session, "rep", team=make_team(session)), name="Ailleurs")
    session.commit()
    response = client.get("/api/data-quality", headers=token_headers(app, manager))
    assert response.status_code == 200, response.get_json()
    body = response.get_json()
    assert body["accounts"] == 3
    assert body["positions"] == {"address": 1, "street": 0, "commune": 1, "manual": 0, "none": 1}
    assert [a["id"] for a in body["without_position"]["items"]] == [lost.id]
    assert [a["id"] for a in body["without_owner"]["items"]] == [lost.id]
    groups = {(d["kind"], frozenset(a["id"] for a in d["accounts"])) for d in body["duplicates"]["items"]}
    assert groups == {("siret", frozenset({placed.id, lost.id})), ("name_postcode", frozenset({placed.id, twin.id})),
                      ("phone", frozenset({placed.id, twin.id}))}
    assert outsider.id not in str(body)
    assert {c["key"] for c in body["coverage"]["criteria"]}


def test_a_rep_has_no_data_quality_report(app, client, session):
    rep = make_user(session, "rep", team=make_team(session))
    session.commit()
    response = client.get("/api/data-quality", headers=token_headers(app, rep))
    assert response.status_code == 403 and response.content_type == "application/problem+json"
