"""Merging the accounts two reps created apart for one company (PROTOCOL P11): the manager
or a rep concerned merges or dismisses the suggestion; nothing is lost, tablets re-key."""
from __future__ import annotations

import io

import pytest
from sqlalchemy import func, select

from server.accounts.models import Account, Contact
from server.agenda.models import Appointment
from server.db import new_id
from server.quotes.models import QuoteRequest
from server.visits.models import Visit
from tests.factories import (make_account, make_appointment, make_contact, make_custom_field, make_quote, make_team,
                             make_user, make_visit, token_headers)
from tests.sync.helpers import Tablet, mutation

JPEG = b"\xff\xd8\xff\xe0" + b"\x10JFIF" + b"\x00" * 64


@pytest.fixture
def world(app, session):
    team = make_team(session)
    people = {"rep": make_user(session, "rep", team=team), "other": make_user(session, "rep", team=team),
              "bystander": make_user(session, "rep", team=team), "manager": make_user(session, "manager", team=team),
              "foreign": make_user(session, "manager", team=make_team(session))}
    make_custom_field(session, "parc", "number")
    make_custom_field(session, "gamme", "text")
    session.commit()
    return people


@pytest.fixture
def headers(app, world):
    return lambda who: token_headers(app, world[who])


def _pair(session, world):
    """The same company, created by two reps: each with its contact, visit, quote and appointment."""
    kept = make_account(session, world["rep"], name="Menuiserie Petit", postcode="21000", phone="03 80 11 11 11",
                        email=None, tags=["bois"], custom={"parc": 12})
    gone = make_account(session, world["other"], name="MENUISERIE PETIT SARL", postcode="21000",
                        phone="03 80 22 22 22", email="contact@petit.example", tags=["alu"],
                        custom={"parc": 15, "gamme": "fenêtres"})
    children = {"contact": make_contact(session, gone, name="M. Petit"),
                "visit": make_visit(session, gone, world["other"]),
                "quote": make_quote(session, gone, world["other"]),
                "appointment": make_appointment(session, gone, world["other"], status="booked")}
    session.commit()
    return kept, gone, children


def test_the_manager_merges_and_nothing_is_lost(client, headers, session, world):
    kept, gone, children = _pair(session, world)
    photo = client.post("/api/attachments", data={"file": (io.BytesIO(JPEG), "vitrine.jpg", "image/jpeg")},
                        headers=headers("other"), content_type="multipart/form-data").get_json()["id"]
    assert client.patch(f"/api/accounts/{gone.id}", json={"changes": {"attachment_ids": {"add": [photo]}}},
                        headers=headers("other")).status_code == 200
    suggested = client.get("/api/accounts/duplicates", headers=headers("manager")).get_json()["items"]
    assert [[a["id"] for a in g["accounts"]] for g in suggested] == [[kept.id, gone.id]]
    response = client.post("/api/accounts/merge", json={"survivor_id": kept.id, "merged_ids": [gone.id]},
                           headers=headers("manager"))
    assert response.status_code == 200, response.get_json()
    body = response.get_json()
    assert body["moved"]["contact"] == body["moved"]["visit"] == body["moved"]["quote_request"] == 1
    assert {(c["field"], c["kept"], c["set_aside"]) for c in body["conflicts"]} == {
        ("name", "Menuiserie Petit", "MENUISERIE PETIT SARL"), ("phone", "03 80 11 11 11", "03 80 22 22 22"),
        ("custom.parc", 12, 15)}
    session.expire_all()
    assert session.get(Account, gone.id) is None
    survivor = session.get(Account, kept.id)
    assert survivor.email == "contact@petit.example"  # filled where the survivor had nothing
    assert survivor.custom == {"parc": 12, "gamme": "fenêtres"}
    assert set(survivor.tags) == {"bois", "alu"} and survivor.attachment_ids == [photo]
    for model, child in ((Contact, "contact"), (Visit, "visit"), (QuoteRequest, "quote"), (Appointment, "appointment")):
        assert session.get(model, children[child].id).account_id == kept.id
    # the set-aside values are in the log of the rep whose account was merged away
    log = client.get("/api/sync/conflicts", headers=headers("other")).get_json()
    assert {(c["field"], c["lost_value"]) for c in log} == {
        ("name", "MENUISERIE PETIT SARL"), ("phone", "03 80 22 22 22"), ("custom.parc", 15)}
    assert client.get("/api/accounts/duplicates", headers=headers("manager")).get_json()["items"] == []
    # the photo stays readable through the survivor
    assert client.get(f"/api/attachments/{photo}", headers=headers("rep")).status_code == 200


def test_a_tablet_holding_the_merged_account_learns_its_new_id(client, headers, session, world):
    kept, gone, children = _pair(session, world)
    tablet = Tablet(client, headers("other"))
    tablet.pull()
    assert ("account", gone.id) in tablet.replica
    merged = client.post("/api/accounts/merge", json={"survivor_id": kept.id, "merged_ids": [gone.id]},
                         headers=headers("manager"))
    assert merged.status_code == 200
    changes = tablet.pull()
    deletes = [c for c in changes if c["op"] == "delete" and c["id"] == gone.id]
    assert deletes and deletes[0]["merged_into"] == kept.id
    # its visit and quote are still its own (rep_id), pointing to the survivor
    assert tablet.replica[("visit", children["visit"].id)]["account_id"] == kept.id
    assert tablet.replica[("quote_request", children["quote"].id)]["account_id"] == kept.id
    # an edit made offline under the old id lands on the survivor (the alias)
    late = mutation("contact", "create", new_id(), {"account_id": gone.id, "name": "Mme Petit"})
    manager_tablet = Tablet(client, headers("manager"))
    result = manager_tablet.push(late)["results"][0]
    assert result["status"] == "applied", result
    assert session.scalar(select(Contact.account_id).where(Contact.id == result["id"])) == kept.id


def test_a_rep_concerned_may_merge_or_dismiss_others_may_not(client, headers, session, world):
    kept, gone, _ = _pair(session, world)
    for who in ("bystander", "foreign"):
        refused = client.post("/api/accounts/merge", json={"survivor_id": kept.id, "merged_ids": [gone.id]},
                              headers=headers(who))
        assert refused.status_code == 404, who
        assert client.post("/api/accounts/duplicates/dismiss", json={"account_ids": [kept.id, gone.id]},
                           headers=headers(who)).status_code == 404
    assert client.get("/api/accounts/duplicates", headers=headers("other")).get_json()["items"]
    dismissed = client.post("/api/accounts/duplicates/dismiss", json={"account_ids": [kept.id, gone.id]},
                            headers=headers("other"))
    assert dismissed.status_code == 204
    for who in ("rep", "other", "manager"):
        assert client.get("/api/accounts/duplicates", headers=headers(who)).get_json()["items"] == []
    session.expire_all()
    assert session.scalar(select(func.count()).select_from(Account).where(Account.id.in_([kept.id, gone.id]))) == 2
    # a rep outside a suggestion cannot merge a colleague's account into its own
    again = client.post("/api/accounts/merge", json={"survivor_id": kept.id, "merged_ids": [gone.id]},
                        headers=headers("rep"))
    assert again.status_code == 404


def test_a_rep_concerned_merges_a_suggestion(client, headers, session, world):
    kept, gone, _ = _pair(session, world)
    response = client.post("/api/accounts/merge", json={"survivor_id": kept.id, "merged_ids": [gone.id]},
                           headers=headers("rep"))
    assert response.status_code == 200, response.get_json()
    session.expire_all()
    assert session.get(Account, gone.id) is None and session.get(Account, kept.id).owner_id == world["rep"].id


@pytest.mark.parametrize("body, field", [
    ({"survivor_id": "x", "merged_ids": []}, "survivor_id"),
    ({"merged_ids": [new_id()]}, "survivor_id"),
    ({"survivor_id": new_id(), "merged_ids": "abc"}, "merged_ids"),
])
def test_a_malformed_merge_is_a_422_naming_the_field(client, headers, world, body, field):
    response = client.post("/api/accounts/merge", json=body, headers=headers("manager"))
    assert response.status_code == 422 and field in response.get_json()["errors"]


def test_merging_an_account_into_itself_is_refused_and_nothing_changes(client, headers, session, world):
    kept, gone, _ = _pair(session, world)
    response = client.post("/api/accounts/merge", json={"survivor_id": kept.id, "merged_ids": [gone.id, kept.id]},
                           headers=headers("manager"))
    assert response.status_code == 422 and "merged_ids" in response.get_json()["errors"]
    session.expire_all()
    assert session.get(Account, gone.id) is not None


def test_the_old_crms_reference_is_kept_on_the_survivor_or_in_the_log(client, headers, session, world):
    kept, gone, _ = _pair(session, world)
    gone.external_ref = "C-42"
    other = make_account(session, world["other"], name="Menuiserie Petit", postcode="21000", external_ref="C-43")
    session.commit()
    first = client.post("/api/accounts/merge", json={"survivor_id": kept.id, "merged_ids": [gone.id]},
                        headers=headers("manager"))
    assert first.status_code == 200, first.get_json()
    second = client.post("/api/accounts/merge", json={"survivor_id": kept.id, "merged_ids": [other.id]},
                         headers=headers("manager"))
    assert second.status_code == 200, second.get_json()
    assert ("external_ref", "C-42", "C-43") in {(c["field"], c["kept"], c["set_aside"]) for c in second.get_json()["conflicts"]}
    session.expire_all()
    assert session.get(Account, kept.id).external_ref == "C-42"


def test_a_kept_tour_stopping_at_the_merged_account_is_planned_again(client, headers, session, world):
    from datetime import timedelta

    from server.db import utcnow
    from server.tours.models import TourPlan
    kept, gone, _ = _pair(session, world)
    day = utcnow().date() + timedelta(days=2)
    tour = TourPlan(rep_id=world["other"].id, date=day, plan={"stops": [{"account_id": gone.id}], "stale": False})
    other_day = TourPlan(rep_id=world["other"].id, date=day + timedelta(days=1), plan={"stops": [], "stale": False})
    session.add_all([tour, other_day])
    session.commit()
    response = client.post("/api/accounts/merge", json={"survivor_id": kept.id, "merged_ids": [gone.id]},
                           headers=headers("manager"))
    assert response.status_code == 200, response.get_json()
    session.expire_all()
    assert session.get(TourPlan, tour.id).plan["stale"] is True
    assert session.get(TourPlan, other_day.id).plan["stale"] is False
