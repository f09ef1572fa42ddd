"""GET /api/forecast on the hand-built company of conftest.py: figures, groups, scope."""
from __future__ import annotations

import pytest

from tests.factories import token_headers

MARCH = {"from": "2026-03-01", "to": "2026-03-31"}


def get(client, app, user, **query):
    return client.get("/api/forecast", query_string={**MARCH, **query}, headers=token_headers(app, user))


def test_manager_sees_the_team_figures(client, app, world):
    response = get(client, app, world.manager)
    assert response.status_code == 200
    body = response.get_json()
    # won: W1 1,000 (W0 closed in February). weighted: Q1 2,000×.5 + L1 800×.1 + R1q 750×.2 = 1,230.
    # commit: won + Q1 = 3,000. best case: commit + L1 = 3,800. L2 closes in April; X is team U's.
    assert (body["won"], body["weighted"], body["commit"], body["best_case"]) == (1000.0, 1230.0, 3000.0, 3800.0)
    assert body["from"] == "2026-03-01" and body["to"] == "2026-03-31"
    # Two won deals, each an example at `requested` (.2) and at `quoted` (.5): ((1−.2)² + (1−.5)²)/2
    assert body["model"] == {"kind": "stage", "trained_on": 2, "brier": pytest.approx(0.445, abs=1e-4)}
    assert body["groups"] == [{"key": "2026-03", "won": 1000.0, "weighted": 1230.0, "best_case": 3800.0,
                               "commit": 3000.0, "open_count": 3}]


def test_grouped_by_rep(client, app, world):
    body = get(client, app, world.manager, group_by="rep").get_json()
    by_rep = {g["key"]: g for g in body["groups"]}
    assert set(by_rep) == {world.r1.id, world.r2.id}
    assert by_rep[world.r1.id] == {"key": world.r1.id, "won": 1000.0, "weighted": 1000.0, "best_case": 3000.0,
                                   "commit": 3000.0, "open_count": 1}
    assert by_rep[world.r2.id] == {"key": world.r2.id, "won": 0.0, "weighted": 230.0, "best_case": 800.0,
                                   "commit": 0.0, "open_count": 2}


@pytest.mark.parametrize("group_by", ["month", "rep", "segment", "product_line"])
def test_groups_add_up_to_the_totals(client, app, world, group_by):
    body = get(client, app, world.admin, group_by=group_by, **{"from": "2026-02-01", "to": "2026-05-31"}).get_json()
    assert body["groups"]
    for name in ("won", "weighted", "best_case", "commit"):
        assert abs(sum(g[name] for g in body["groups"]) - body[name]) <= 0.01


def test_a_rep_sees_its_own_and_an_admin_everyone(client, app, world):
    mine = get(client, app, world.r2).get_json()
    assert (mine["won"], mine["weighted"], mine["commit"], mine["best_case"]) == (0.0, 230.0, 0.0, 800.0)
    everyone = get(client, app, world.admin).get_json()
    assert everyone["weighted"] == 1230.0 + 2500.0  # X: 5,000 × .5, expected 10 March


@pytest.mark.parametrize("who,query,status", [
    ("r1", {"rep_id": "r2"}, 404), ("manager", {"rep_id": "r3"}, 404), ("manager", {"team_id": "other"}, 404),
    ("tele", {}, 403),
])
def test_out_of_scope(client, app, world, who, query, status):
    query = {k: world[v].id for k, v in query.items()}
    response = get(client, app, world[who], **query)
    assert response.status_code == status
    assert response.content_type == "application/problem+json"


def test_a_deal_won_today_moves_won_by_its_amount(client, app, world):
    before = get(client, app, world.r2).get_json()
    response = client.patch(f"/api/opportunities/{world.l1.id}", json={"changes": {"outcome": "won"}},
                            headers=token_headers(app, world.r2))
    assert response.status_code == 200, response.get_json()
    after = get(client, app, world.r2).get_json()
    assert after["won"] == before["won"] + 800.0
    assert after["weighted"] == pytest.approx(before["weighted"] - 80.0)


def test_bad_period_is_a_problem(client, app, world):
    response = get(client, app, world.manager, **{"from": "2026-04-01", "to": "2026-03-01"})
    assert response.status_code == 422
    assert "from" in response.get_json()["errors"]


def test_csv_for_french_spreadsheets(client, app, world):
    response = client.get("/api/forecast.csv", query_string={**MARCH, "group_by": "rep"},
                          headers=token_headers(app, world.manager))
    assert response.status_code == 200
    text = response.get_data(as_text=True)
    assert text.startswith("\ufefffrom;to;key;won;weighted;best_case;commit;open_count\r\n")
    assert f"2026-03-01;2026-03-31;{world.r2.id};0;230;800;0;2\r\n" in text
    assert text.endswith("2026-03-01;2026-03-31;total;1000;1230;3800;3000;3\r\n")


def test_the_pipeline_drills_down_to_the_deals(client, app, world):
    response = client.get("/api/forecast/pipeline", query_string=MARCH, headers=token_headers(app, world.manager))
    assert response.status_code == 200
    deals = response.get_json()["deals"]
    assert [(d["stage"], d["category"], d["amount"], d["weighted"]) for d in deals] == [
        ("quoted", "commit", 2000.0, 1000.0), ("requested", "pipeline", 750.0, 150.0),
        ("lead", "best_case", 800.0, 80.0)]
    # R1q has no amount yet: 750 € is the mean won "maintenance" amount, shown as a guess.
    assert [d["amount_estimated"] for d in deals] == [False, True, False]
    assert deals[0]["account_name"] == world.a1.name and deals[0]["rep_name"] == "R1"
    assert round(sum(d["weighted"] for d in deals), 2) == 1230.0


def test_the_model_says_how_many_examples_its_calibration_counts(client, app, world):
    """The calibration's bands count examples, one per stage a closed deal went through, not deals:
    the answer names that total so a screen can show figures that add up (2 deals, 4 examples)."""
    response = client.get("/api/forecast/model", headers=token_headers(app, world.manager))
    assert response.status_code == 200, response.get_json()
    body = response.get_json()
    # W0 and W1, both won, each an example at `requested` and at `quoted`.
    assert body["trained_on"] == 2 and body["examples"] == 4
    assert sum(band["count"] for band in body["calibration"]) == body["examples"]
