"""GET/PUT /api/commercial-model, versions, dry run, coverage, roles."""
from __future__ import annotations

import pytest
from sqlalchemy import select

from server.accounts.models import Account
from server.segmentation.models import CommercialModel
from tests.factories import make_account
from tests.segmentation.conftest import HIGH_BOTH, definition


def put(client, headers, body, who="manager"):
    return client.put("/api/commercial-model", json=body, headers=headers(who))


@pytest.mark.parametrize("who", ["rep", "tele", "backoffice", "manager", "admin"])
def test_every_role_reads_the_model(client, headers, who):
    response = client.get("/api/commercial-model", headers=headers(who))
    assert response.status_code == 200
    body = response.get_json()
    assert body["version"] == 1
    assert {"criteria", "thresholds", "mapping", "cadence", "time_split"} <= body.keys()
    assert body["time_split"] == {"A": 0.5, "B": 0.35, "C": 0.15}
    assert body["cadence"]["A"] == {"visits_per_year": 12, "calls_per_year": 8, "visit_minutes": 60}


@pytest.mark.parametrize(("who", "status"), [("rep", 403), ("tele", 403), ("backoffice", 403),
                                             ("manager", 200), ("admin", 200)])
def test_only_managers_and_admins_change_the_model(client, headers, who, status):
    response = put(client, headers, {"thresholds": {"weight": 40, "potential": 40}}, who)
    assert response.status_code == status
    if status == 403:
        assert response.content_type == "application/problem+json"
        assert response.get_json()["type"].endswith("/forbidden")


def test_put_creates_a_new_active_version_and_keeps_the_old(client, headers, session):
    first = client.get("/api/commercial-model", headers=headers("manager")).get_json()
    body = {**first, "thresholds": {"weight": 60, "potential": 40}, "note": "plus exigeant"}
    response = put(client, headers, body)
    assert response.status_code == 200, response.get_json()
    assert response.get_json()["version"] == 2
    stored = session.execute(select(CommercialModel.version, CommercialModel.active)
                             .order_by(CommercialModel.version)).all()
    assert [tuple(r) for r in stored] == [(1, False), (2, True)]
    old = session.scalar(select(CommercialModel).where(CommercialModel.version == 1))
    assert old.definition["thresholds"] == {"weight": 50, "potential": 50}
    versions = client.get("/api/commercial-model/versions", headers=headers("rep")).get_json()["items"]
    assert [(v["version"], v["active"], v["note"]) for v in versions][0] == (2, True, "plus exigeant")
    assert client.get("/api/commercial-model", headers=headers("rep")).get_json()["thresholds"]["weight"] == 60


def test_invalid_model_is_a_422_problem_and_changes_nothing(client, headers, session):
    response = put(client, headers, {"time_split": {"A": 0.9, "B": 0.35, "C": 0.15}})
    assert response.status_code == 422
    assert response.content_type == "application/problem+json"
    assert "time_split" in response.get_json()["errors"]
    response = put(client, headers, {"colour": "red"})
    assert response.status_code == 422
    assert "colour" in response.get_json()["errors"]
    assert session.scalar(select(CommercialModel.id)) is None


def test_put_recomputes_every_account(client, headers, session, accounts):
    response = put(client, headers, {"thresholds": {"weight": 50, "potential": 50}})
    assert response.status_code == 200
    session.expire_all()
    gold, silver, bronze, foreign = (session.get(Account, accounts[k].id) for k in ("gold", "silver", "bronze", "foreign"))
    assert (gold.segment, silver.segment, bronze.segment, foreign.segment) == ("A", "B", "C", "A")
    assert gold.model_version == 2 and gold.weight_score > 50 and gold.potential_score > 50


def test_recompute_rewrites_only_the_accounts_whose_result_changes(client, headers, session, accounts):
    assert put(client, headers, {}).status_code == 200
    session.expire_all()
    before = {a.id: a.version for a in session.scalars(select(Account))}
    # Only the gold account (high on both axes) moves: high_high now maps to B.
    mapping = {"high_high": "B", "high_low": "B", "low_high": "B", "low_low": "C"}
    response = put(client, headers, {"mapping": mapping})
    assert response.status_code == 200
    session.expire_all()
    after = {a.id: (a.version, a.segment) for a in session.scalars(select(Account))}
    assert after[accounts.gold.id][1] == "B"
    assert after[accounts.gold.id][0] > before[accounts.gold.id]  # a new change number: tablets pull it
    unchanged = [i for i in before if i not in (accounts.gold.id, accounts.foreign.id)]
    assert all(after[i][0] == before[i] for i in unchanged)  # same result: not rewritten
    assert response.get_json()["recompute"]["written"] == 2  # gold, and the outsider's gold account


def test_dry_run_lists_exactly_the_accounts_that_would_change(client, headers, session, accounts):
    candidate = {"thresholds": {"weight": 50, "potential": 50}}
    response = client.post("/api/commercial-model/dry-run", json=candidate, headers=headers("manager"))
    assert response.status_code == 200, response.get_json()
    body = response.get_json()
    # Stored as B: gold becomes A, bronze C; silver stays B. The outsider's account is not in scope.
    assert sorted((c["name"], c["from"], c["to"]) for c in body["changes"]) == [
        ("Aéro Maintenance", "B", "A"), ("Petit Garage", "B", "C")]
    assert body["counts"]["changed"] == 2 and body["counts"]["after"] == {"A": 1, "B": 1, "C": 1}
    assert session.get(Account, accounts.gold.id).segment == "B"  # nothing written
    assert put(client, headers, candidate).status_code == 200
    session.expire_all()
    changed = {a.id for a in session.scalars(select(Account).where(Account.owner_id != accounts.foreign.owner_id))
               if a.segment != "B"}
    assert changed == {c["account_id"] for c in body["changes"]}


def test_dry_run_is_for_managers(client, headers):
    assert client.post("/api/commercial-model/dry-run", json={}, headers=headers("rep")).status_code == 403


def test_coverage_gives_the_share_of_accounts_with_data(client, headers, accounts):
    response = client.get("/api/commercial-model/coverage", headers=headers("manager"))
    assert response.status_code == 200
    body = response.get_json()
    assert body["accounts"] == 3  # the team's, not the outsider's
    share = {c["key"]: c["share"] for c in body["criteria"]}
    assert share["revenue_last_year"] == 1.0
    assert share["employees"] == 1.0
    assert share["sector"] == round(2 / 3, 4)
    assert share["revenue_trend_3y"] == round(2 / 3, 4)


def test_next_due_at_follows_the_cadence_when_it_changes(client, headers, session, world):
    from datetime import timedelta

    from server.db import utcnow
    last = utcnow().replace(microsecond=0) - timedelta(days=10)
    account = make_account(session, world.rep, custom=dict(HIGH_BOTH), last_visit_at=last)
    session.commit()
    cadence = definition()["cadence"]
    cadence["A"]["visits_per_year"] = 24
    assert put(client, headers, {"cadence": cadence}).status_code == 200
    session.expire_all()
    stored = session.get(Account, account.id)
    assert stored.segment == "A"
    # the cadence's date, or the next working day of the owner when it falls on a day off
    from zoneinfo import ZoneInfo

    from server.agenda.workdays import holiday_calendar
    paris = ZoneInfo("Europe/Paris")
    raw, due = (last + timedelta(days=365 / 24)).astimezone(paris), stored.next_due_at.astimezone(paris)
    worked = lambda day: day.weekday() < 5 and not holiday_calendar("FR").get(day)  # noqa: E731
    if worked(raw.date()):
        assert abs((stored.next_due_at - raw).total_seconds()) < 1
    else:
        assert worked(due.date()) and 0 < (due.date() - raw.date()).days <= 4
        assert not any(worked(raw.date() + timedelta(days=n)) for n in range(1, (due.date() - raw.date()).days))
        assert (due.hour, due.minute) == (raw.hour, raw.minute)
