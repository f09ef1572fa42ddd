"""GET /api/kpis against figures counted by hand on the fixture of conftest.py (March 2026)."""
from __future__ import annotations

import pytest

MARCH = "from=2026-03-01&to=2026-03-31"


def get(client, headers, query=MARCH, who="manager"):
    response = client.get(f"/api/kpis?{query}", headers=headers(who))
    assert response.status_code == 200, response.get_json()
    return response.get_json()


def test_team_visits_coverage_and_time_share(client, headers):
    body = get(client, headers)
    assert body["from"] == "2026-03-01" and body["to"] == "2026-03-31"
    # A: a1 twice, a2 at 00:30 on 1 March (Paris), a3; B: b1 (its 1 April visit is out); C: a phone call only.
    assert {s: v["done"] for s, v in body["visits"].items()} == {"A": 4, "B": 1, "C": 0}
    # No plan: cadence × accounts × 31/365 — A 3×12, B 2×4, C 1×2 → 3.06, 0.68, 0.17.
    assert {s: v["planned"] for s, v in body["visits"].items()} == {"A": 3, "B": 1, "C": 0}
    # A within 30.4 days of 31 March: a1, a3, not a2 (visited on 1 March, 00:30); B: b1 and b2 (January, < 91 days).
    assert body["coverage"] == {"A": 0.6667, "B": 1.0, "C": 0.0}
    # Minutes: A 240, B 45, C 15 (the call counts as time spent) out of 300.
    assert body["time_share"] == {"A": 0.8, "B": 0.15, "C": 0.05}
    assert sum(body["time_share"].values()) == pytest.approx(1.0)
    assert body["time_share_target"] == {"A": 0.5, "B": 0.35, "C": 0.15}
    assert body["calls"] == {"A": 0, "B": 0, "C": 1}
    assert body["opportunities"] == {"A": 1, "B": 0, "C": 1}
    assert body["accounts"] == {"A": 3, "B": 2, "C": 1}
    assert body["action_plan"] is None


def test_team_quotes_and_revenue(client, headers):
    quotes = get(client, headers)["quotes"]
    assert (quotes["requested"], quotes["quoted"], quotes["won"], quotes["lost"]) == (4, 3, 3, 1)
    assert quotes["conversion_rate"] == 0.75
    assert quotes["turnaround_hours_p50"] == 24.0          # of 6, 24, 48
    assert quotes["turnaround_hours_p90"] == 43.2          # 24 + 0.8 × (48 − 24)
    assert quotes["route_hours_p50"] == 1.0                # of 0.5, 1, 2
    assert quotes["average_amount"] == 4666.67             # (8000 + 4000 + 2000) / 3
    assert get(client, headers)["revenue"] == {"A": 14000.0, "B": 0.0, "C": 0.0}


def test_a_rep_sees_its_own_figures(client, headers, world):
    body = get(client, headers, who="r1")
    assert {s: v["done"] for s, v in body["visits"].items()} == {"A": 3, "B": 1, "C": 0}
    assert body["revenue"]["A"] == 10000.0
    assert [r["name"] for r in body["by_rep"]] == ["R1"]
    assert get(client, headers, f"{MARCH}&rep_id={world.r1.id}", who="r1")["visits"] == body["visits"]


def test_manager_filters_one_rep_and_admin_sees_the_company(client, headers, world):
    one = get(client, headers, f"{MARCH}&rep_id={world.r2.id}")
    assert one["visits"]["A"]["done"] == 1 and one["revenue"]["A"] == 4000.0
    everyone = get(client, headers, who="admin")
    assert everyone["visits"]["A"]["done"] == 5 and everyone["revenue"]["A"] == 113999.0
    team_u = get(client, headers, f"{MARCH}&team_id={world.other.id}", who="admin")
    assert team_u["visits"]["A"]["done"] == 1 and team_u["accounts"] == {"A": 1, "B": 0, "C": 0}
    by_rep = {r["name"]: r for r in get(client, headers)["by_rep"]}
    assert by_rep["R1"]["done"] == 4 and by_rep["R2"]["won"] == 1 and by_rep["R1"]["lost"] == 1


def test_an_action_plan_sets_planned_and_attainment(client, headers, world):
    plan = {"rep_id": world.r1.id, "period_start": "2026-03-01", "period_end": "2026-03-31",
            "targets": {"A": {"visits": 5, "revenue": 10000}, "B": {"visits": 2}, "C": {"calls": 2}}}
    assert client.post("/api/action-plans", json=plan, headers=headers("manager")).status_code == 201
    body = get(client, headers)
    # R1 by its plan (A 5, B 2, C 0), R2 by the cadence (A 1.02, B 0.34).
    assert {s: v["planned"] for s, v in body["visits"].items()} == {"A": 6, "B": 2, "C": 0}
    attained = body["action_plan"]
    assert attained["actual"]["A"] == {"visits": 3, "calls": 0, "revenue": 10000.0}
    # min(3/5, 1), min(10000/10000, 1), 1/2, 1/2 → 0.65
    assert attained["attainment"] == 0.65


def test_an_empty_period_gives_zeros_not_errors(client, headers):
    body = get(client, headers, "from=2020-01-01&to=2020-01-31")
    assert body["visits"]["A"] == {"done": 0, "planned": 3}
    assert body["time_share"] == {"A": 0.0, "B": 0.0, "C": 0.0}
    assert body["quotes"]["conversion_rate"] is None and body["quotes"]["turnaround_hours_p50"] is None


@pytest.mark.parametrize("query", ["from=2026-13-01&to=2026-03-31", "from=yesterday&to=2026-03-31",
                                  "from=2026-03-31&to=2026-03-01", "from=2010-01-01&to=2026-03-01"])
def test_bad_dates_are_422_problems(client, headers, query):
    response = client.get(f"/api/kpis?{query}", headers=headers("manager"))
    assert response.status_code == 422
    assert response.content_type == "application/problem+json"


@pytest.mark.parametrize("who, target", [("r1", "r2"), ("r1", "r3"), ("manager", "r3")])
def test_a_rep_outside_the_scope_is_404(client, headers, world, who, target):
    response = client.get(f"/api/kpis?{MARCH}&rep_id={world[target].id}", headers=headers(who))
    assert response.status_code == 404
    assert response.content_type == "application/problem+json"


def test_another_team_is_404_for_a_manager_and_other_roles_are_403(client, headers, world):
    assert client.get(f"/api/kpis?{MARCH}&team_id={world.other.id}", headers=headers("manager")).status_code == 404
    assert client.get(f"/api/kpis?{MARCH}", headers=headers("tele")).status_code == 403
    assert client.get(f"/api/kpis?{MARCH}", headers=headers("backoffice")).status_code == 403
    assert client.get(f"/api/kpis?{MARCH}").status_code == 401


def test_csv_export_has_the_same_figures(client, headers, world, session):
    response = client.get(f"/api/kpis.csv?{MARCH}", headers=headers("manager"))
    assert response.status_code == 200
    assert response.mimetype == "text/csv"
    lines = response.get_data(as_text=True).lstrip("\ufeff").splitlines()
    assert lines[0] == "Du;Au;Indicateur;Segment;Valeur"  # headers in the caller's language, French by default
    # French Excel reads these as dates and numbers: JJ/MM/AAAA, decimal commas
    assert "01/03/2026;31/03/2026;Visites faites;A;4" in lines
    assert "01/03/2026;31/03/2026;Couverture;A;0,6667" in lines
    assert "01/03/2026;31/03/2026;Délai devis, 90e centile (heures);;43,2" in lines
    assert "01/03/2026;31/03/2026;Commercial : CA gagné;R2;4000" in lines
    world.manager.locale = "en"  # the user's own language (API.md → Language: before Accept-Language)
    session.commit()
    english = client.get(f"/api/kpis.csv?{MARCH}", headers=headers("manager"))
    assert "01/03/2026;31/03/2026;Visits done;A;4" in english.get_data(as_text=True).splitlines()


def test_coverage_up_to_today_reads_the_accounts_last_visit(client, headers, world, session):
    from datetime import timedelta

    from server.db import utcnow
    now = utcnow()
    # a1 seen 10 days ago (A: 30.4-day cadence), a2 40 days ago, a3 never; b1 80 days ago (B: 91 days).
    for account, days in ((world.a1, 10), (world.a2, 40), (world.b1, 80), (world.b2, 100), (world.c1, 200)):
        account.last_visit_at = now - timedelta(days=days)
    session.commit()
    today = now.date()
    body = get(client, headers, f"from={(today - timedelta(days=6)).isoformat()}&to={(today + timedelta(days=1)).isoformat()}")
    assert body["coverage"] == {"A": 0.3333, "B": 0.5, "C": 0.0}


def test_a_plan_covering_part_of_the_period_leaves_the_other_days_to_the_cadence(client, headers, world):
    """The bug this guards: a plan for 16 March–30 April replaced the cadence for all of February
    and March (planned fell from the cadence's figure to the plan's prorated share)."""
    period = "from=2026-02-01&to=2026-03-31"
    before = {r["name"]: r for r in get(client, headers, period)["by_rep"]}["R1"]
    assert before["planned_basis"] == {"plan_days": 0, "cadence_days": 59, "working_days": 42}  # Feb 20 + Mar 22
    plan = {"rep_id": world.r1.id, "period_start": "2026-03-16", "period_end": "2026-04-30",
            "targets": {"A": {"visits": 46}}}
    assert client.post("/api/action-plans", json=plan, headers=headers("manager")).status_code == 201
    body = get(client, headers, period)
    after = {r["name"]: r for r in body["by_rep"]}["R1"]
    # 16–31 March by the plan (46 visits × 16 of its 46 days = 16); 1 Feb–15 March by the cadence,
    # on its 30 working days out of the 42 it had before.
    assert after["planned_basis"] == {"plan_days": 16, "cadence_days": 43, "working_days": 30}
    cadence_part = before["planned"] * 30 / 42
    assert abs(after["planned"] - (16 + cadence_part)) <= 1
    assert body["planned_basis"]["plan_days"] == 16  # R2 has no plan


def test_weekends_and_holidays_do_not_dilute_the_cadence(client, headers):
    """May 2026 has 21 weekdays but 4 of them are public holidays (1, 8, 14 and 25 May): fewer
    working days than June's 22, so fewer visits planned, although May is as long as June."""
    may = {r["name"]: r for r in get(client, headers, "from=2026-05-01&to=2026-05-31")["by_rep"]}["R1"]
    june = {r["name"]: r for r in get(client, headers, "from=2026-06-01&to=2026-06-30")["by_rep"]}["R1"]
    assert may["planned_basis"]["working_days"] == 17 and june["planned_basis"]["working_days"] == 22
