"""Individual action plans: who writes and reads them, what is valid, and the progress view."""
from __future__ import annotations

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest


def plan_body(rep, start="2026-03-01", end="2026-03-31", **targets):
    return {"rep_id": rep.id, "period_start": start, "period_end": end,
            "targets": targets or {"A": {"visits": 5, "calls": 3, "revenue": 10000}}, "notes": "PAC mars"}


def create(client, headers, body, who="manager", status=201):
    response = client.post("/api/action-plans", json=body, headers=headers(who))
    assert response.status_code == status, response.get_json()
    return response.get_json()


def test_manager_creates_a_plan_every_segment_filled(client, headers, world):
    plan = create(client, headers, plan_body(world.r1))
    assert plan["rep_id"] == world.r1.id and plan["created_by"] == world.manager.id
    assert plan["targets"]["A"] == {"visits": 5, "calls": 3, "revenue": 10000.0}
    assert plan["targets"]["C"] == {"visits": 0, "calls": 0, "revenue": 0.0}
    listed = client.get("/api/action-plans", headers=headers("manager")).get_json()
    assert [p["id"] for p in listed] == [plan["id"]]


def test_a_rep_reads_its_own_plans_only_and_cannot_write(client, headers, world):
    mine = create(client, headers, plan_body(world.r1))
    theirs = create(client, headers, plan_body(world.r2))
    assert [p["id"] for p in client.get("/api/action-plans", headers=headers("r1")).get_json()] == [mine["id"]]
    assert client.get(f"/api/action-plans/{mine['id']}", headers=headers("r1")).status_code == 200
    assert client.get(f"/api/action-plans/{theirs['id']}", headers=headers("r1")).status_code == 404
    assert client.patch(f"/api/action-plans/{mine['id']}", json={"notes": "x"}, headers=headers("r1")).status_code == 403
    assert client.post("/api/action-plans", json=plan_body(world.r1, "2026-04-01", "2026-04-30"),
                       headers=headers("r1")).status_code == 403


def test_another_teams_plans_are_out_of_reach(client, headers, world):
    other = create(client, headers, plan_body(world.r3), who="admin")
    for method in ("get", "patch", "delete"):
        kwargs = {"json": {"notes": "x"}} if method == "patch" else {}
        response = getattr(client, method)(f"/api/action-plans/{other['id']}", headers=headers("manager"), **kwargs)
        assert response.status_code == 404
    # A manager cannot give a plan to a rep of another team (nor probe who exists).
    response = client.post("/api/action-plans", json=plan_body(world.r3), headers=headers("manager"))
    assert response.status_code == 422 and "rep_id" in response.get_json()["errors"]
    assert client.get(f"/api/action-plans/{other['id']}", headers=headers("manager_u")).status_code == 200
    assert client.get("/api/action-plans", headers=headers("tele")).status_code == 403


@pytest.mark.parametrize("change, field", [
    ({"period_end": "2026-02-01"}, "period_end"),
    ({"period_start": "2026-02-30"}, "period_start"),
    ({"targets": {"A": {"visits": -1}}}, "targets.A.visits"),
    ({"targets": {"D": {"visits": 1}}}, "targets.D"),
    ({"targets": {"A": {"meetings": 3}}}, "targets.A.meetings"),
    ({"owner": "me"}, "owner"),
])
def test_invalid_plans_are_422_with_the_field(client, headers, world, change, field):
    body = {**plan_body(world.r1), **change}
    response = client.post("/api/action-plans", json=body, headers=headers("manager"))
    assert response.status_code == 422
    assert response.content_type == "application/problem+json"
    assert field in response.get_json()["errors"]


def test_two_plans_of_a_rep_may_not_overlap(client, headers, world):
    create(client, headers, plan_body(world.r1))
    response = client.post("/api/action-plans", json=plan_body(world.r1, "2026-03-31", "2026-04-30"),
                           headers=headers("manager"))
    assert response.status_code == 409 and response.get_json()["type"].endswith("overlap")
    create(client, headers, plan_body(world.r1, "2026-04-01", "2026-04-30"))
    create(client, headers, plan_body(world.r2))  # another rep, same period: fine


def test_update_and_delete(client, headers, world):
    plan = create(client, headers, plan_body(world.r1))
    response = client.patch(f"/api/action-plans/{plan['id']}", json={"targets": {"B": {"visits": 4}}, "notes": "revu"},
                            headers=headers("manager"))
    assert response.status_code == 200
    body = response.get_json()
    assert body["targets"]["B"]["visits"] == 4 and body["targets"]["A"]["visits"] == 5 and body["notes"] == "revu"
    assert client.delete(f"/api/action-plans/{plan['id']}", headers=headers("manager")).status_code == 204
    assert client.get(f"/api/action-plans/{plan['id']}", headers=headers("manager")).status_code == 404


def test_progress_of_a_finished_plan(client, headers, world):
    plan = create(client, headers, plan_body(world.r1, A={"visits": 5, "revenue": 10000}, B={"visits": 2},
                                             C={"calls": 2}))
    response = client.get(f"/api/action-plans/{plan['id']}/progress", headers=headers("r1"))
    assert response.status_code == 200
    body = response.get_json()
    assert body["as_of"] == "2026-03-31" and body["elapsed_share"] == 1.0
    assert body["segments"]["A"]["visits"] == {"target": 5, "actual": 3, "expected_to_date": 5.0, "ratio": 0.6}
    assert body["segments"]["A"]["revenue"]["actual"] == 10000.0
    assert body["segments"]["C"]["calls"]["actual"] == 1
    assert body["attainment"] == 0.65


def test_progress_of_a_running_plan_expects_a_steady_pace(client, headers, world):
    # The rep's today (Europe/Paris), as the progress counts it: the machine's date.today() is a
    # day behind between midnight in Paris and midnight UTC, and the pace read 11 days of 20.
    today = datetime.now(ZoneInfo("Europe/Paris")).date()
    start, end = today - timedelta(days=9), today + timedelta(days=10)  # day 10 of 20
    plan = create(client, headers, plan_body(world.r2, start.isoformat(), end.isoformat(), A={"visits": 8}))
    body = client.get(f"/api/action-plans/{plan['id']}/progress", headers=headers("manager")).get_json()
    assert body["elapsed_share"] == pytest.approx(0.5, abs=0.05)
    assert body["segments"]["A"]["visits"]["expected_to_date"] == pytest.approx(4.0, abs=0.4)
    assert body["segments"]["A"]["visits"]["actual"] == 0
