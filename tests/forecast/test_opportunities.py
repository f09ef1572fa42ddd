"""Opportunities: opened by a rep without a quote, synced like the rest, overridden by a manager with a reason."""
from __future__ import annotations

from server.db import new_id
from tests.factories import token_headers


def test_a_rep_opens_an_opportunity_offline_through_sync(client, app, world):
    opp_id = new_id()
    push = client.post("/api/sync/push", headers=token_headers(app, world.r1), json={
        "client_id": new_id(), "mutations": [{
            "mutation_id": new_id(), "entity": "opportunity", "op": "create", "id": opp_id,
            "changes": {"account_id": world.a1.id, "amount": 1200, "expected_close": "2026-03-30",
                        "category": "best_case", "maturity": 4, "product_line": "moteurs"}}]})
    assert push.status_code == 200, push.get_json()
    assert push.get_json()["results"][0]["status"] == "applied"
    got = client.get(f"/api/opportunities/{opp_id}", headers=token_headers(app, world.r1)).get_json()
    assert (got["rep_id"], got["amount"], got["forecast_category"]) == (world.r1.id, 1200.0, "best_case")
    # The manager's forecast counts it: best case 3,800 + 1,200.
    body = client.get("/api/forecast", query_string={"from": "2026-03-01", "to": "2026-03-31"},
                      headers=token_headers(app, world.manager)).get_json()
    assert body["best_case"] == 5000.0


def test_the_manager_overrides_the_category_with_a_reason(client, app, world):
    manager = token_headers(app, world.manager)
    response = client.patch(f"/api/opportunities/{world.l1.id}", headers=manager, json={
        "changes": {"category_override": {"category": "commit", "reason": "Budget signé, bon de commande attendu"}}})
    assert response.status_code == 200, response.get_json()
    body = response.get_json()
    assert body["category"] == "best_case"  # the rep's word stays
    assert body["forecast_category"] == "commit"
    assert body["category_override"]["by"] == world.manager.id
    figures = client.get("/api/forecast", query_string={"from": "2026-03-01", "to": "2026-03-31"},
                         headers=manager).get_json()
    assert figures["commit"] == 3800.0  # 3,000 + L1's 800


def test_an_override_needs_a_reason_and_a_manager(client, app, world):
    no_reason = client.patch(f"/api/opportunities/{world.l1.id}", headers=token_headers(app, world.manager),
                             json={"changes": {"category_override": {"category": "commit"}}})
    assert no_reason.status_code == 422
    by_rep = client.patch(f"/api/opportunities/{world.l1.id}", headers=token_headers(app, world.r2),
                          json={"changes": {"category_override": {"category": "commit", "reason": "sûr"}}})
    assert by_rep.status_code == 422
    assert client.get(f"/api/opportunities/{world.l1.id}", headers=token_headers(app, world.r2)).get_json()[
        "category_override"] is None


def test_another_team_does_not_see_it(client, app, world):
    response = client.get(f"/api/opportunities/{world.l1.id}", headers=token_headers(app, world.manager_u))
    assert response.status_code == 404


def test_adjustments_are_kept_apart(client, app, world):
    manager = token_headers(app, world.manager)
    response = client.post("/api/forecast/adjustments", headers=manager, json={
        "rep_id": world.r2.id, "month": "2026-03", "amount": 1500, "reason": "Gros client en négociation"})
    assert response.status_code == 201, response.get_json()
    body = client.get("/api/forecast", query_string={"from": "2026-03-01", "to": "2026-03-31"}, headers=manager).get_json()
    assert body["weighted"] == 1230.0  # computed figure untouched
    assert body["adjustment"] == 1500.0
    assert body["adjustments"][0]["reason"] == "Gros client en négociation"
    other = client.post("/api/forecast/adjustments", headers=manager, json={
        "rep_id": world.r3.id, "month": "2026-03", "amount": 10, "reason": "x"})
    assert other.status_code == 404


def test_the_forecast_is_snapshotted_once_a_week(client, app, world, clock):
    manager = token_headers(app, world.manager)
    march = {"from": "2026-03-01", "to": "2026-03-31"}
    client.get("/api/forecast", query_string=march, headers=manager)
    client.patch(f"/api/opportunities/{world.l1.id}", json={"changes": {"outcome": "won"}},
                 headers=token_headers(app, world.r2))
    client.get("/api/forecast", query_string=march, headers=manager)  # same week: the first one stays
    clock.shift(7 * 86400)
    client.get("/api/forecast", query_string=march, headers=token_headers(app, world.manager))
    weeks = client.get("/api/forecast/snapshots", query_string={"month": "2026-03"},
                       headers=token_headers(app, world.manager)).get_json()
    assert [(w["week"], w["won"]) for w in weeks] == [("2026-03-09", 1000.0), ("2026-03-16", 1800.0)]


def test_a_rep_cannot_backdate_a_win(client, app, world):
    response = client.patch(f"/api/opportunities/{world.l1.id}", headers=token_headers(app, world.r2),
                            json={"changes": {"outcome": "won", "closed_at": "2026-02-01T09:00:00Z"}})
    assert response.status_code == 422
    assert client.get(f"/api/opportunities/{world.l1.id}", headers=token_headers(app, world.r2)).get_json()[
        "outcome"] is None


def test_a_new_opportunity_takes_the_maturity_of_the_last_visit(client, app, world, session):
    from datetime import UTC, datetime

    from tests.factories import make_visit
    make_visit(session, world.a1, world.r1, started_at=datetime(2026, 2, 1, 9, tzinfo=UTC), maturity=2)
    make_visit(session, world.a1, world.r1, started_at=datetime(2026, 3, 6, 9, tzinfo=UTC), maturity=4)
    session.commit()
    headers = token_headers(app, world.r1)
    made = client.post("/api/opportunities", headers=headers, json={"account_id": world.a1.id, "amount": 100})
    assert made.status_code == 201, made.get_json()
    assert made.get_json()["maturity"] == 4
    given = client.post("/api/opportunities", headers=headers, json={"account_id": world.a1.id, "maturity": 1})
    assert given.get_json()["maturity"] == 1
