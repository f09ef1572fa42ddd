"""Map fields (`custom`) merge key by key (PROTOCOL M7; API.md → Custom fields), on REST and sync.

A change names the keys it changes; `null` removes a key; conflicts, their log and their
restoration work per key under `custom.<key>`.
"""
from __future__ import annotations

from datetime import timedelta

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from server.db import new_id
from tests.factories import make_account, make_custom_field, make_team, make_user, token_headers
from tests.sync.helpers import Tablet, later, mutation

# Scores A with the default commercial model (tests/segmentation/conftest.py).
SCORING = {"revenue_last_year": 250_000, "orders_last_year": 30, "revenue_trend_3y": 25, "employees": 300,
           "sector": "aéronautique", "maintenance_inhouse": False, "purchasing_autonomy": True}


@pytest.fixture
def world(app, session):
    team = make_team(session)
    rep = make_user(session, "rep", team=team)
    manager = make_user(session, "manager", team=team)
    account = make_account(session, rep, custom=dict(SCORING))
    make_custom_field(session, "parc_machines")
    session.commit()
    return {"rep": rep, "manager": manager, "account": account}


@pytest.fixture
def rest(app, client, world):
    rep = token_headers(app, world["rep"])

    def patch(changes, headers=rep, **body):
        return client.patch(f"/api/accounts/{world['account'].id}", json={"changes": changes, **body}, headers=headers)
    return patch


def _rescored(client, headers, account_id):
    """The account with its segment as the commercial model gives it now."""
    return client.get(f"/api/accounts/{account_id}", headers=headers).get_json()


def test_patch_of_one_key_leaves_the_others_and_the_segment(app, client, world, rest):
    headers = token_headers(app, world["rep"])
    client.patch(f"/api/accounts/{world['account'].id}", json={"changes": {"custom": {"employees": 301}}},
                 headers=headers)  # scored once with the active model
    before = _rescored(client, headers, world["account"].id)
    assert before["segment"] == "A"
    response = rest({"custom": {"parc_machines": 12}})
    assert response.status_code == 200, response.get_json()
    after = response.get_json()
    assert after["custom"] == {**SCORING, "employees": 301, "parc_machines": 12}
    assert (after["segment"], after["weight_score"], after["potential_score"]) == \
        (before["segment"], before["weight_score"], before["potential_score"])


def test_null_removes_only_that_key(world, rest):
    response = rest({"custom": {"sector": None}})
    assert response.status_code == 200, response.get_json()
    custom = response.get_json()["custom"]
    assert "sector" not in custom
    assert custom == {k: v for k, v in SCORING.items() if k != "sector"}


def test_two_tablets_editing_different_keys_are_both_kept(app, client, world):
    account = world["account"]
    headers = token_headers(app, world["rep"])
    first, second = Tablet(client, headers), Tablet(client, headers)
    first.pull(), second.pull()
    base = first.replica[("account", account.id)]["version"]
    one = first.push(mutation("account", "update", account.id, {"custom": {"parc_machines": 12}},
                              base_version=base))["results"][0]
    two = second.push(mutation("account", "update", account.id, {"custom": {"employees": 320}},
                               base_version=base, client_time=later(1)))["results"][0]
    assert (one["status"], two["status"]) == ("applied", "merged")
    assert "conflicts" not in two
    first.pull()
    custom = first.replica[("account", account.id)]["custom"]
    assert (custom["parc_machines"], custom["employees"], custom["revenue_last_year"]) == (12, 320, 250_000)


def test_same_key_conflicts_per_key_and_the_lost_value_is_logged_and_restorable(app, client, world):
    account = world["account"]
    headers = token_headers(app, world["rep"])
    first, second = Tablet(client, headers), Tablet(client, headers)
    first.pull(), second.pull()
    base = first.replica[("account", account.id)]["version"]
    first.push(mutation("account", "update", account.id, {"custom": {"parc_machines": 12, "employees": 280}},
                        base_version=base, client_time=later(-60)))
    result = second.push(mutation("account", "update", account.id, {"custom": {"parc_machines": 15}},
                                  base_version=base, client_time=later(-120)))["results"][0]
    assert result["status"] == "conflict"
    assert result["conflicts"] == [{"field": "custom.parc_machines", "yours": 15, "theirs": 12, "kept": "theirs"}]
    log = client.get("/api/sync/conflicts", headers=headers).get_json()
    entry = next(c for c in log if c["record_id"] == account.id)
    assert (entry["field"], entry["lost_value"], entry["kept_value"]) == ("custom.parc_machines", 15, 12)
    restored = client.post(f"/api/sync/conflicts/{entry['id']}/resolve", json={"keep": "lost"}, headers=headers)
    assert restored.status_code == 200, restored.get_json()
    custom = client.get(f"/api/accounts/{account.id}", headers=headers).get_json()["custom"]
    assert (custom["parc_machines"], custom["employees"]) == (15, 280)


def test_an_online_edit_of_a_key_merges_with_a_tablet_edit_of_another(app, client, world, rest):
    account = world["account"]
    tablet = Tablet(client, token_headers(app, world["rep"]))
    tablet.pull()
    base = tablet.replica[("account", account.id)]["version"]
    assert rest({"custom": {"sector": "énergie"}}, headers=token_headers(app, world["manager"])).status_code == 200
    result = tablet.push(mutation("account", "update", account.id, {"custom": {"employees": 310}},
                                  base_version=base))["results"][0]
    assert result["status"] == "merged"
    tablet.pull()
    custom = tablet.replica[("account", account.id)]["custom"]
    assert (custom["sector"], custom["employees"]) == ("énergie", 310)


def test_create_keeps_the_keys_given_a_value(app, client, world):
    tablet = Tablet(client, token_headers(app, world["rep"]))
    record_id = new_id()
    result = tablet.push(mutation("account", "create", record_id,
                                  {"name": "Garage du Lac", "custom": {"employees": 8, "sector": None}}))["results"][0]
    assert result["status"] == "applied", result
    tablet.pull()
    assert tablet.replica[("account", record_id)]["custom"] == {"employees": 8}


KEYS = ("k1", "k2", "k3")
EDIT = st.tuples(st.integers(0, 1), st.sampled_from(KEYS), st.one_of(st.none(), st.integers(0, 3)))


@settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(history=st.lists(EDIT, min_size=2, max_size=8), pushes=st.lists(st.integers(0, 1), max_size=8))
def test_random_concurrent_key_edits_on_two_tablets_converge_and_lose_nothing(app, client, history, pushes):
    """Two offline tablets edit random keys of one account (values and removals) from one base and push
    one mutation at a time in a random order. Afterwards both replicas equal the server; a key no
    edit named is untouched; a key one tablet alone edited holds its last edit; and every value typed
    that wrote something is accounted for: held, superseded by an edit typed later, or in the conflict
    log under `custom.<key>`. (An edit that typed what the key already held writes nothing, M3, so an
    earlier-typed edit arriving after it is not concurrent with it.)"""
    from server.extensions import db
    from tests.conftest import _empty_tables
    _empty_tables()
    rep = make_user(db.session, "rep", team=make_team(db.session))
    account = make_account(db.session, rep, custom={"keep": "me", "k1": 0})
    for key in (*KEYS, "keep"):
        make_custom_field(db.session, key, "text" if key == "keep" else "number")
    db.session.commit()
    headers = token_headers(app, rep)
    tablets = [Tablet(client, headers), Tablet(client, headers)]
    for tablet in tablets:
        tablet.pull()
    base = tablets[0].replica[("account", account.id)]["version"]
    outboxes: list[list[tuple[int, dict]]] = [[], []]
    start = later(-3600)
    for n, (t, key, value) in enumerate(history):  # each edit typed one second after the one before
        outboxes[t].append((n, mutation("account", "update", account.id, {"custom": {key: value}},
                                        base_version=base, client_time=start + timedelta(seconds=n))))
    results, idle, version = [], set(), base
    for t in [*pushes, *[0] * len(outboxes[0]), *[1] * len(outboxes[1])]:
        if outboxes[t]:
            n, sent = outboxes[t].pop(0)
            result = tablets[t].push(sent)["results"][0]
            if result["version"] == version and not result.get("conflicts"):
                idle.add(n)  # typed what the key held when it arrived: nothing written (M3)
            version = result["version"]
            results.append((n, result))
    for tablet in tablets:
        tablet.pull()
    server = client.get(f"/api/accounts/{account.id}", headers=headers).get_json()
    assert all(tablet.replica[("account", account.id)] == server for tablet in tablets)
    final = server["custom"]
    assert final["keep"] == "me"
    log = {(c["field"], c["lost_value"]) for c in client.get("/api/sync/conflicts", headers=headers).get_json()}
    for n, result in results:
        assert result["status"] in ("applied", "merged", "conflict"), result
        for conflict in result.get("conflicts", []):
            assert conflict["field"] == f"custom.{history[n][1]}"
            loser = conflict["yours"] if conflict["kept"] == "theirs" else conflict["theirs"]
            assert (conflict["field"], loser) in log, "a losing value is missing from the conflict log"
    for key in KEYS:
        edits = [(n, t, value) for n, (t, k, value) in enumerate(history) if k == key]
        if {t for _, t, _ in edits} == {0} or {t for _, t, _ in edits} == {1}:
            assert final.get(key) == edits[-1][2], (key, edits)
        for n, _, value in edits:
            if n in idle:
                continue
            superseded = any(m > n for m, _, _ in edits)
            assert final.get(key) == value or superseded or (f"custom.{key}", value) in log, (key, n, value)
