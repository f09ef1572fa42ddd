"""Segment explanation (API.md, stable), overrides through sync, the manager's overrides desk."""
from __future__ import annotations

import pytest

from server.accounts.models import Account
from tests.factories import make_account
from tests.segmentation.conftest import HIGH_WEIGHT
from tests.sync.helpers import Tablet, mutation


def explain(client, headers, account_id, who="rep"):
    return client.get(f"/api/accounts/{account_id}/segment-explanation", headers=headers(who))


def test_explanation_has_the_stable_shape(client, headers, accounts):
    response = explain(client, headers, accounts.silver.id)
    assert response.status_code == 200
    body = response.get_json()
    assert set(body) == {"account_id", "segment", "computed_segment", "override", "model_version", "axes", "criteria"}
    assert (body["account_id"], body["segment"], body["computed_segment"]) == (accounts.silver.id, "B", "B")
    assert body["override"] is None and body["model_version"] == 1
    assert set(body["axes"]) == {"weight", "potential"}
    assert body["axes"]["weight"] == {"score": 100.0, "threshold": 50.0}
    revenue = next(c for c in body["criteria"] if c["key"] == "revenue_last_year")
    assert revenue == {"key": "revenue_last_year", "label": "Chiffre d'affaires N-1 (€)", "axis": "weight",
                       "value": 250000, "points": 5, "max_points": 5, "weight": 3, "contribution": 75.0}


@pytest.mark.parametrize("name", ["gold", "silver", "bronze"])
def test_contributions_add_up_to_the_axis_scores(client, headers, accounts, name):
    body = explain(client, headers, accounts[name].id).get_json()
    for axis, scored in body["axes"].items():
        total = sum(c["contribution"] for c in body["criteria"] if c["axis"] == axis)
        assert abs(total - scored["score"]) <= 0.5


def test_missing_criteria_show_a_null_value(client, headers, accounts):
    body = explain(client, headers, accounts.bronze.id).get_json()
    sector = next(c for c in body["criteria"] if c["key"] == "sector")
    assert (sector["value"], sector["points"], sector["contribution"]) == (None, 0, 0.0)


@pytest.mark.parametrize(("who", "status"), [("rep", 404), ("rep2", 404), ("manager", 404), ("admin", 200)])
def test_explanation_of_an_account_outside_the_scope_is_404(client, headers, accounts, who, status):
    response = explain(client, headers, accounts.foreign.id, who)
    assert response.status_code == status
    if status == 404:
        assert response.content_type == "application/problem+json"


def override_by_tablet(client, headers, account, segment="A", reason="Achats décidés au siège"):
    tablet = Tablet(client, headers("rep"))
    tablet.pull()
    base = tablet.replica[("account", account.id)]["version"]
    result = tablet.push(mutation("account", "update", account.id,
                                  {"segment_override": {"segment": segment, "reason": reason}}, base_version=base))
    assert result["results"][0]["status"] == "applied", result
    return tablet


def test_rep_override_sets_the_segment_and_survives_recompute(client, headers, session, accounts):
    tablet = override_by_tablet(client, headers, accounts.bronze)
    tablet.pull()
    data = tablet.replica[("account", accounts.bronze.id)]
    assert (data["segment"], data["computed_segment"]) == ("A", "C")
    assert client.put("/api/commercial-model", json={"mapping": {"high_high": "A", "high_low": "B", "low_high": "B", "low_low": "B"}},
                      headers=headers("manager")).status_code == 200  # low-low accounts are now B
    session.expire_all()
    stored = session.get(Account, accounts.bronze.id)
    assert stored.segment_override["segment"] == "A"
    assert (stored.segment, stored.computed_segment, stored.model_version) == ("A", "B", 2)
    body = explain(client, headers, accounts.bronze.id).get_json()
    assert (body["segment"], body["computed_segment"], body["override"]["reason"]) == ("A", "B", "Achats décidés au siège")


def test_editing_criteria_data_rescores_the_account(client, headers, session, accounts):
    tablet = Tablet(client, headers("rep"))
    tablet.pull()
    account = accounts.bronze
    base = tablet.replica[("account", account.id)]["version"]
    tablet.push(mutation("account", "update", account.id, {"custom": dict(HIGH_WEIGHT)}, base_version=base))
    tablet.pull()
    data = tablet.replica[("account", account.id)]
    assert (data["segment"], data["computed_segment"], data["weight_score"]) == ("B", "B", 100.0)


def test_manager_sees_and_decides_overrides(client, headers, session, accounts, world):
    override_by_tablet(client, headers, accounts.bronze)
    make_account(session, world.outsider, segment_override={"segment": "A", "reason": "autre équipe"})
    session.commit()
    assert client.get("/api/segment-overrides", headers=headers("rep")).status_code == 403
    listed = client.get("/api/segment-overrides", headers=headers("manager")).get_json()["items"]
    assert [(i["account_id"], i["segment"], i["computed_segment"], i["accepted"]) for i in listed] == [
        (accounts.bronze.id, "A", "C", False)]
    accepted = client.post(f"/api/accounts/{accounts.bronze.id}/segment-override/accept", headers=headers("manager"))
    assert accepted.status_code == 200
    assert accepted.get_json()["segment_override"]["accepted_by"] == world.manager.id
    listed = client.get("/api/segment-overrides", headers=headers("manager")).get_json()["items"]
    assert listed[0]["accepted"] is True
    reverted = client.post(f"/api/accounts/{accounts.bronze.id}/segment-override/revert", headers=headers("manager"))
    assert reverted.status_code == 200
    assert (reverted.get_json()["segment_override"], reverted.get_json()["segment"]) == (None, "C")
    again = client.post(f"/api/accounts/{accounts.bronze.id}/segment-override/revert", headers=headers("manager"))
    assert again.status_code == 409


def test_override_decisions_respect_role_and_scope(client, headers, accounts):
    assert client.post(f"/api/accounts/{accounts.bronze.id}/segment-override/accept",
                       headers=headers("rep")).status_code == 403
    assert client.post(f"/api/accounts/{accounts.foreign.id}/segment-override/revert",
                       headers=headers("manager")).status_code == 404


def test_recompute_twice_writes_nothing_the_second_time(client, headers, accounts):
    first = client.post("/api/commercial-model/recompute", headers=headers("admin"))
    assert first.status_code == 200 and first.get_json()["written"] == 4
    second = client.post("/api/commercial-model/recompute", headers=headers("admin"))
    assert second.get_json()["written"] == 0
