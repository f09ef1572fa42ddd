"""The mutation ledger is keyed by who wrote it (PROTOCOL P3): another user's
`mutation_id` is refused as `id_conflict` and tells nothing of what it did."""
from __future__ import annotations

import pytest

from tests.factories import make_account, make_team, make_user, token_headers
from tests.sync.helpers import Tablet, mutation


@pytest.fixture
def world(app, session):
    team = make_team(session)
    rep = make_user(session, "rep", team=team)
    intruder = make_user(session, "rep", team=team)
    account = make_account(session, rep, phone="+33 3 80 00 00 00")
    theirs = make_account(session, intruder, phone="+33 3 80 55 55 55")
    session.commit()
    return {"rep": rep, "intruder": intruder, "account": account, "theirs": theirs}


def test_another_users_mutation_id_is_refused_and_leaks_nothing(app, client, world):
    rep = Tablet(client, token_headers(app, world["rep"]))
    intruder = Tablet(client, token_headers(app, world["intruder"]))
    first = rep.push(mutation("account", "update", world["account"].id, {"phone": "+33 1 11"}))["results"][0]
    assert first["status"] == "applied"

    # The intruder replays the rep's id with a change of its own, twice.
    replay = mutation("account", "update", world["theirs"].id, {"phone": "+33 2 22"},
                      mutation_id=first["mutation_id"])
    for _ in range(2):
        answer = intruder.push(replay)["results"][0]
        assert answer["status"] == "rejected"
        assert answer["error"]["type"].endswith("/id_conflict")
        assert answer["id"] == world["theirs"].id  # its own record, not the rep's
        assert world["account"].id not in str(answer)
        assert "version" not in answer and "+33 1 11" not in str(answer)

    # Nothing of the intruder's change applied; the rep's own replay still answers from the ledger.
    intruder.pull()
    assert intruder.replica[("account", world["theirs"].id)]["phone"] == "+33 3 80 55 55 55"
    again = rep.push(mutation("account", "update", world["account"].id, {"phone": "+33 9"},
                              mutation_id=first["mutation_id"]))["results"][0]
    assert again == first


def test_a_users_own_ids_replay_from_any_of_its_devices(app, client, world):
    headers = token_headers(app, world["rep"])
    first = Tablet(client, headers).push(mutation("account", "update", world["account"].id, {"notes": "a"}))["results"][0]
    other_device = Tablet(client, headers)
    replayed = other_device.push(mutation("account", "update", world["account"].id, {"notes": "b"},
                                          mutation_id=first["mutation_id"]))["results"][0]
    assert replayed == first
