"""Push: every status and rule of API.md → Sync → push, on SQLite and PostgreSQL."""
from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from server.db import new_id
from tests.factories import make_account, make_team, make_user, token_headers
from tests.sync.helpers import Tablet, iso, mutation


@pytest.fixture
def world(app, session):
    team = make_team(session)
    rep = make_user(session, "rep", team=team)
    other_rep = make_user(session, "rep", team=team)
    manager = make_user(session, "manager", team=team)
    account = make_account(session, rep, phone="+33 3 80 00 00 00")
    foreign = make_account(session, other_rep)
    session.commit()
    return {"team": team, "rep": rep, "other_rep": other_rep, "manager": manager, "account": account, "foreign": foreign}


@pytest.fixture
def tablet(app, client, world):
    return Tablet(client, token_headers(app, world["rep"]))


def version_of(tablet, entity, record_id):
    tablet.pull()
    return tablet.replica[(entity, record_id)]["version"]


def test_update_without_concurrent_change_is_applied(tablet, world):
    account = world["account"]
    base = version_of(tablet, "account", account.id)
    result = tablet.push(mutation("account", "update", account.id, {"phone": "+33 3 80 99 99 99"}, base_version=base))
    first = result["results"][0]
    assert first["status"] == "applied"
    assert first["version"] > base
    tablet.pull()
    assert tablet.replica[("account", account.id)]["phone"] == "+33 3 80 99 99 99"


def test_concurrent_change_to_another_field_is_merged(app, client, tablet, world):
    account = world["account"]
    base = version_of(tablet, "account", account.id)
    online = client.patch(f"/api/accounts/{account.id}", json={"changes": {"notes": "vu au salon"}},
                          headers=token_headers(app, world["manager"]))
    assert online.status_code == 200, online.get_json()
    result = tablet.push(mutation("account", "update", account.id, {"phone": "+33 1"}, base_version=base))["results"][0]
    assert result["status"] == "merged"
    tablet.pull()
    data = tablet.replica[("account", account.id)]
    assert (data["phone"], data["notes"]) == ("+33 1", "vu au salon")


def test_same_field_conflict_later_client_time_wins_and_loser_is_logged(app, client, tablet, world):
    account = world["account"]
    base = version_of(tablet, "account", account.id)
    typed_offline = datetime.now(UTC) - timedelta(hours=2)  # typed before the online edit
    manager_headers = token_headers(app, world["manager"])
    assert client.patch(f"/api/accounts/{account.id}", json={"changes": {"phone": "+33 3 80 11 11 11"}},
                        headers=manager_headers).status_code == 200
    result = tablet.push(mutation("account", "update", account.id, {"phone": "+33 3 80 22 22 22"},
                                  base_version=base, client_time=typed_offline))["results"][0]
    assert result["status"] == "conflict"
    assert result["conflicts"] == [{"field": "phone", "yours": "+33 3 80 22 22 22",
                                    "theirs": "+33 3 80 11 11 11", "kept": "theirs"}]
    log = client.get("/api/sync/conflicts", headers=tablet.headers).get_json()
    assert [(c["field"], c["lost_value"], c["kept_value"]) for c in log] == [("phone", "+33 3 80 22 22 22", "+33 3 80 11 11 11")]
    # Restoring the lost value applies it as a new change.
    restored = client.post(f"/api/sync/conflicts/{log[0]['id']}/resolve", json={"keep": "lost"}, headers=tablet.headers)
    assert restored.status_code == 200, restored.get_json()
    assert client.get(f"/api/accounts/{account.id}", headers=tablet.headers).get_json()["phone"] == "+33 3 80 22 22 22"
    assert client.get("/api/sync/conflicts", headers=tablet.headers).get_json() == []


def test_conflict_won_by_the_tablet_files_the_online_value_under_its_author(app, client, tablet, world):
    account = world["account"]
    base = version_of(tablet, "account", account.id)
    manager_headers = token_headers(app, world["manager"])
    client.patch(f"/api/accounts/{account.id}", json={"changes": {"phone": "+33 111"}}, headers=manager_headers)
    result = tablet.push(mutation("account", "update", account.id, {"phone": "+33 222"}, base_version=base,
                                  client_time=datetime.now(UTC) + timedelta(days=3)))["results"][0]
    # A client time in the future counts as the receive time: still later than the online edit.
    assert result["status"] == "conflict" and result["conflicts"][0]["kept"] == "yours"
    manager_log = client.get("/api/sync/conflicts", headers=manager_headers).get_json()
    assert [(c["lost_value"], c["kept_value"]) for c in manager_log] == [("+33 111", "+33 222")]


def test_replay_returns_the_first_result_byte_for_byte_and_changes_nothing(tablet, world):
    account = world["account"]
    m = mutation("account", "update", account.id, {"phone": "+33 5"}, base_version=0)
    first = tablet.push(m)["results"][0]
    again = tablet.push(m, m)["results"]
    assert again == [first, first]
    tablet.pull()
    assert tablet.replica[("account", account.id)]["version"] == first["version"]


def test_tags_merge_by_additions_and_removals_without_conflict(app, client, tablet, world):
    account = world["account"]
    base = version_of(tablet, "account", account.id)
    client.patch(f"/api/accounts/{account.id}", json={"changes": {"tags": {"add": ["salon"], "remove": []}}},
                 headers=token_headers(app, world["manager"]))
    result = tablet.push(mutation("account", "update", account.id, {"tags": {"add": ["fidèle"], "remove": []}},
                                  base_version=base))["results"][0]
    assert result["status"] == "merged"
    tablet.pull()
    assert sorted(tablet.replica[("account", account.id)]["tags"]) == ["fidèle", "salon"]


@pytest.mark.parametrize("changes, kind, field", [
    ({"owner_id": None}, "forbidden", "owner_id"),
    ({"segment": "A"}, "forbidden", "segment"),
    ({"version": 99}, "forbidden", "version"),
    ({"colour": "blue"}, "validation", "colour"),
    ({"email": "not-an-email"}, "validation", "email"),
    ({"segment_override": {"segment": "A"}}, "validation", "segment_override.reason"),
])
def test_refused_fields_and_values_are_rejected_and_apply_nothing(tablet, world, changes, kind, field):
    account = world["account"]
    before = version_of(tablet, "account", account.id)
    result = tablet.push(mutation("account", "update", account.id, {"phone": "+33 6", **changes}))["results"][0]
    assert result["status"] == "rejected"
    assert result["error"]["type"].endswith(kind)
    assert field in result["error"]["errors"]
    assert version_of(tablet, "account", account.id) == before


def test_rejected_results_speak_the_callers_language_and_replays_answer_the_same(session, tablet, world):
    account, unknown = world["account"], new_id()
    batch = [mutation("visit", "create", new_id(), {"account_id": account.id, "kind": "bogus",
                                                    "started_at": "2026-11-10T09:00:00Z"}),
             mutation("account", "update", unknown, {"phone": "+33 9"}),
             mutation("account", "update", account.id, {"segment": "A"}),
             mutation("account", "update", account.id, {"phone": "+33 3 80 12 34 56"})]
    rep_headers = tablet.headers
    tablet.headers = {**rep_headers, "Accept-Language": "fr"}
    french = tablet.push(*batch)["results"]
    assert [r["status"] for r in french] == ["rejected", "rejected", "rejected", "applied"]
    visit, missing, segment = (r["error"] for r in french[:3])
    assert (visit["title"], visit["detail"], visit["errors"]) == (
        "Saisie invalide", "La modification contient des valeurs invalides.",
        {"kind": ["Doit être l'une des valeurs : onsite, phone, video."]})
    assert (missing["title"], missing["detail"]) == (
        "Introuvable", f"Introuvable dans votre périmètre : compte {unknown}.")
    assert (segment["title"], segment["errors"]) == (
        "Non autorisé", {"segment": ["Votre rôle ne peut pas modifier ce champ."]})
    # The ledger keeps the English msgids: a replay in English reads English, and answers as the push did.
    tablet.headers = {**rep_headers, "Accept-Language": "en"}
    english = tablet.push(*batch)["results"]
    assert [(r["status"], r["id"], r.get("version")) for r in english] == [
        (r["status"], r["id"], r.get("version")) for r in french]
    assert english[3] == french[3]
    visit, missing, segment = (r["error"] for r in english[:3])
    assert (visit["title"], visit["detail"], visit["errors"]) == (
        "Invalid input", "The change has invalid values.", {"kind": ["Must be one of: onsite, phone, video."]})
    assert (missing["title"], missing["detail"]) == ("Not found", f"No account {unknown} in your scope.")
    assert (segment["title"], segment["errors"]) == ("Not allowed", {"segment": ["Your role may not set this field."]})
    assert [(r["error"]["type"], r["error"]["status"]) for r in english[:3]] == [
        (r["error"]["type"], r["error"]["status"]) for r in french[:3]]
    # A user whose language is French reads French whatever the browser asks.
    world["rep"].locale = "fr"
    session.commit()
    again = tablet.push(*batch)["results"]
    assert again == french


def test_a_rejected_mutation_does_not_jam_the_ones_after_it(tablet, world):
    account = world["account"]
    results = tablet.push(
        mutation("account", "update", account.id, {"email": "bad"}),
        mutation("account", "update", account.id, {"phone": "+33 7"}),
    )["results"]
    assert [r["status"] for r in results] == ["rejected", "applied"]


def test_update_of_a_foreign_or_unknown_record_is_not_found(tablet, world):
    results = tablet.push(
        mutation("account", "update", world["foreign"].id, {"phone": "+33 8"}),
        mutation("account", "update", new_id(), {"phone": "+33 8"}),
    )["results"]
    assert [r["error"]["type"].rsplit("/", 1)[-1] for r in results] == ["not_found", "not_found"]


def test_create_with_an_existing_id_is_an_id_conflict(session, tablet, world):
    from tests.factories import make_contact
    foreign_contact = make_contact(session, world["foreign"])
    session.commit()
    mine = new_id()
    results = tablet.push(
        mutation("contact", "create", mine, {"account_id": world["account"].id, "name": "Jeanne"}),
        mutation("contact", "create", mine, {"account_id": world["account"].id, "name": "Jeanne bis"}),
        mutation("contact", "create", foreign_contact.id, {"account_id": world["account"].id, "name": "Jeanne"}),
    )["results"]
    assert [r["status"] for r in results] == ["applied", "rejected", "rejected"]
    assert all(r["error"]["type"].endswith("id_conflict") for r in results[1:])


def test_visits_are_append_only_and_move_the_due_date(tablet, world):
    account = world["account"]
    visit_id = new_id()
    started = datetime.now(UTC) - timedelta(hours=1)
    created = tablet.push(mutation("visit", "create", visit_id, {
        "account_id": account.id, "started_at": started.isoformat(), "kind": "onsite",
        "outcome": "interested", "maturity": 3, "notes": "Besoin de révision moteur"}))["results"][0]
    assert created["status"] == "applied"
    tablet.pull()
    visit = tablet.replica[("visit", visit_id)]
    assert visit["rep_id"] == world["rep"].id
    assert tablet.replica[("account", account.id)]["next_due_at"] is not None
    update, delete = tablet.push(mutation("visit", "update", visit_id, {"notes": "changed"}),
                                 mutation("visit", "delete", visit_id))["results"]
    assert update["error"]["type"].endswith("forbidden") and delete["error"]["type"].endswith("forbidden")



def test_a_visit_starting_in_the_future_is_refused_by_name_and_a_retry_answers_the_same(tablet, world):
    account = world["account"]
    ahead = mutation("visit", "create", new_id(), {"account_id": account.id, "kind": "onsite",
                                                   "started_at": iso(datetime.now(UTC) + timedelta(days=3))})
    soon = mutation("visit", "create", new_id(), {"account_id": account.id, "kind": "onsite",  # a clock a little fast
                                                  "started_at": iso(datetime.now(UTC) + timedelta(minutes=5))})
    tablet.headers = {**tablet.headers, "Accept-Language": "fr"}
    first = tablet.push(ahead, soon)["results"]
    assert [r["status"] for r in first] == ["rejected", "applied"]
    error = first[0]["error"]
    assert error["type"].endswith("validation") and error["status"] == 422
    assert error["detail"] == "Une visite ne peut pas commencer dans le futur."
    assert error["errors"] == {"started_at": ["Plus tard que maintenant : une visite se saisit une fois commencée."]}
    # Exactly once: a retry, whenever it comes, answers what the first push did (the ledger), in the caller's words.
    tablet.headers = {**tablet.headers, "Accept-Language": "en"}
    again = tablet.push(ahead, soon)["results"]
    assert [(r["status"], r["id"], r.get("version")) for r in again] == [
        (r["status"], r["id"], r.get("version")) for r in first]
    assert (again[0]["error"]["detail"], again[0]["error"]["errors"]) == (
        "A visit cannot start in the future.", {"started_at": ["Later than now: a visit is logged once it has started."]})
    tablet.pull()
    assert ("visit", ahead["id"]) not in tablet.replica and ("visit", soon["id"]) in tablet.replica


@pytest.mark.parametrize(("skew", "started", "status"), [
    (timedelta(hours=3), timedelta(minutes=-30), "applied"),  # 3 h fast: "now + 2 h 30" on its clock was 30 min ago
    (timedelta(hours=-3), timedelta(minutes=-30), "applied"),
    (timedelta(hours=-3), timedelta(hours=2), "rejected"),  # 3 h slow: "now − 1 h" on its clock is 2 h ahead
    (timedelta(0), timedelta(days=1), "rejected"),
])
def test_the_future_is_judged_on_the_servers_clock_when_the_tablet_says_what_its_clock_read(
        client, tablet, world, skew, started, status):
    """PROTOCOL M2: `sent_at` gives the tablet's offset; its visit's start is put back on the server's clock."""
    now = datetime.now(UTC)
    visit = mutation("visit", "create", new_id(), {"account_id": world["account"].id, "kind": "onsite",
                                                   "started_at": iso(now + skew + started)}, client_time=now + skew)
    response = client.post("/api/sync/push", json={"client_id": tablet.client_id, "mutations": [visit],
                                                   "sent_at": iso(now + skew)}, headers=tablet.headers)
    assert response.status_code == 200
    result = response.get_json()["results"][0]
    assert result["status"] == status, result
    if status == "rejected":
        assert list(result["error"]["errors"]) == ["started_at"]


def test_a_visit_created_online_in_the_future_is_a_422_naming_the_field(app, client, world):
    headers = {**token_headers(app, world["rep"]), "Accept-Language": "en"}
    body = {"account_id": world["account"].id, "kind": "onsite", "started_at": iso(datetime.now(UTC) + timedelta(days=2))}
    response = client.post("/api/visits", json=body, headers=headers)
    assert response.status_code == 422
    assert response.headers["Content-Type"].startswith("application/problem+json")
    problem = response.get_json()
    assert problem["detail"] == "A visit cannot start in the future."
    assert list(problem["errors"]) == ["started_at"]
    body["started_at"] = iso(datetime.now(UTC) - timedelta(hours=1))
    assert client.post("/api/visits", json=body, headers=headers).status_code == 201

def test_delete_racing_an_update_deletes_and_the_update_is_logged(app, client, tablet, world):
    manager_headers = token_headers(app, world["manager"])
    contact_id = new_id()
    tablet.push(mutation("contact", "create", contact_id, {"account_id": world["account"].id, "name": "Paul"}))
    base = version_of(tablet, "contact", contact_id)
    assert client.delete(f"/api/contacts/{contact_id}", headers=manager_headers).status_code == 204
    result = tablet.push(mutation("contact", "update", contact_id, {"phone": "+33 9"}, base_version=base))["results"][0]
    assert result["status"] == "conflict"
    assert [(c["field"], c["lost_value"]) for c in client.get("/api/sync/conflicts", headers=tablet.headers).get_json()] == [("phone", "+33 9")]
    tablet.pull()
    assert ("contact", contact_id) not in tablet.replica
    recreate = tablet.push(mutation("contact", "create", contact_id, {"account_id": world["account"].id, "name": "Paul"}))
    assert recreate["results"][0]["error"]["type"].endswith("id_conflict")


def test_envelope_limits(tablet, world):
    too_many = [mutation("account", "update", world["account"].id, {"phone": str(i)}) for i in range(501)]
    body = tablet.push(*too_many, expect=413)
    assert body["status"] == 413
    response = tablet.client.post("/api/sync/push", json={"mutations": []}, headers=tablet.headers)
    assert response.status_code == 400 and response.headers["Content-Type"] == "application/problem+json"
    response = tablet.client.post("/api/sync/push", data="{not json", headers={**tablet.headers, "Content-Type": "application/json"})
    assert response.status_code == 400


def test_a_client_id_belongs_to_the_user_that_first_used_it(app, client, tablet, world):
    tablet.push(mutation("account", "update", world["account"].id, {"phone": "+33 1"}))
    thief = Tablet(client, token_headers(app, world["other_rep"]), client_id=tablet.client_id)
    body = thief.push(mutation("account", "update", world["foreign"].id, {"phone": "+33 2"}), expect=409)
    assert body["type"].endswith("client_mismatch")


def test_a_push_runs_only_statements_sqlalchemy_compiled_before(app, client, world):
    """The second push of the same shape compiles nothing: every SQLAlchemy construct it runs
    comes from the compiled cache (the bulk writes are SQL text built once, sync/bulk.py). A
    construct without a cache key (SQLAlchemy 2.0's dialect insert() with ON CONFLICT) was
    compiled again on every push, a visible share of its CPU."""
    from sqlalchemy import event

    from server.extensions import db

    headers = token_headers(app, world["rep"])
    account_id = world["account"].id

    def push_one_visit() -> None:
        body = {"client_id": "cached-tablet", "mutations": [
            mutation("visit", "create", new_id(), {"account_id": account_id, "kind": "onsite",
                                                   "started_at": "2026-11-10T09:00:00Z"}),
            mutation("account", "update", account_id, {"notes": new_id()})]}
        response = client.post("/api/sync/push", json=body, headers=headers)
        assert response.status_code == 200
        assert {r["status"] for r in response.get_json()["results"]} == {"applied"}

    push_one_visit()
    seen: list[tuple[str, str]] = []

    def record(_conn, _cursor, statement, _params, context, _executemany) -> None:
        if context.compiled is not None:  # not SQL text given to the driver
            seen.append((str(context.cache_hit), statement.split("\n")[0][:80]))

    event.listen(db.engine, "before_cursor_execute", record)
    try:
        push_one_visit()
    finally:
        event.remove(db.engine, "before_cursor_execute", record)
    assert seen, "no statement seen"
    assert len(seen) >= 5  # the binding, the ledger, the loads, the counter
    assert [s for s in seen if s[0] != "CacheStats.CACHE_HIT"] == []
