"""Custom fields (API.md → Custom fields): definitions by role, values checked against them on
REST and sync, criteria of the commercial model reading them, imports and exports as columns."""
from __future__ import annotations

import io

import pytest
from sqlalchemy import update

from server.accounts.models import Account

from server.db import new_id
from tests.factories import make_account, make_contact, make_custom_field, make_team, make_user, token_headers
from tests.sync.helpers import Tablet, later, mutation

PARC = {"key": "parc_machines", "entity": "account", "label": {"fr": "Parc machines", "en": "Machine fleet"},
        "type": "number"}


@pytest.fixture
def world(app, session):
    team = make_team(session)
    users = {role: make_user(session, role, team=team) for role in ("rep", "manager", "telemarketer")}
    users["admin"] = make_user(session, "admin")
    users["backoffice"] = make_user(session, "backoffice")
    users["account"] = make_account(session, users["rep"], custom={"employees": 40})
    session.commit()
    return users


@pytest.fixture
def headers(app, world):
    return lambda role: token_headers(app, world[role])


@pytest.mark.parametrize("role", ["rep", "telemarketer", "backoffice", "manager", "admin"])
def test_every_role_reads_the_definitions(client, headers, session, role):
    make_custom_field(session, "parc_machines")
    session.commit()
    response = client.get("/api/custom-fields", headers=headers(role))
    assert response.status_code == 200
    assert [d["key"] for d in response.get_json()] == ["parc_machines"]


@pytest.mark.parametrize(("role", "status"), [("rep", 403), ("telemarketer", 403), ("backoffice", 403),
                                               ("manager", 201), ("admin", 201)])
def test_managers_and_admins_define_fields(client, headers, role, status):
    response = client.post("/api/custom-fields", json=PARC, headers=headers(role))
    assert response.status_code == status, response.get_json()
    if status == 201:
        body = response.get_json()
        assert {k: body[k] for k in PARC} == PARC
        assert body["required"] is False and body["options"] is None


def test_definition_shape_is_checked(client, headers):
    bad = [({**PARC, "type": "colour"}, "type"), ({**PARC, "key": "Parc machines"}, "key"),
           ({**PARC, "label": {"fr": "Parc"}}, "label.en"), ({**PARC, "type": "choice"}, "options"),
           ({**PARC, "entity": "visit"}, "entity")]
    for body, field in bad:
        response = client.post("/api/custom-fields", json=body, headers=headers("manager"))
        assert response.status_code == 422, body
        assert response.content_type == "application/problem+json"
        assert field in response.get_json()["errors"], response.get_json()
    assert client.post("/api/custom-fields", json=PARC, headers=headers("manager")).status_code == 201
    assert client.post("/api/custom-fields", json=PARC, headers=headers("admin")).status_code == 409


def test_patch_changes_labels_and_options_by_key_or_id(client, headers):
    created = client.post("/api/custom-fields", json={**PARC, "key": "gamme", "type": "choice", "options": ["a", "b"]},
                          headers=headers("manager")).get_json()
    response = client.patch("/api/custom-fields/gamme", json={"options": ["a", "b", "c"], "required": True},
                            headers=headers("manager"))
    assert response.status_code == 200, response.get_json()
    assert (response.get_json()["options"], response.get_json()["required"]) == (["a", "b", "c"], True)
    response = client.patch(f"/api/custom-fields/{created['id']}", json={"label": {"fr": "Gamme", "en": "Range"}},
                            headers=headers("admin"))
    assert response.get_json()["label"] == {"fr": "Gamme", "en": "Range"}
    assert client.patch("/api/custom-fields/gamme", json={"required": False}, headers=headers("rep")).status_code == 403
    assert client.patch("/api/custom-fields/nothing", json={"required": False},
                        headers=headers("manager")).status_code == 404


@pytest.mark.parametrize(("kind", "options", "good", "wrong"), [
    ("text", None, "Haas", 12), ("number", None, 12.5, "douze"), ("boolean", None, True, "oui"),
    ("date", None, "2026-03-01", "01/03/2026"), ("choice", ["or", "argent"], "or", "bronze"),
    ("choices", ["fraisage", "tournage"], ["tournage"], ["soudure"]),
])
def test_values_are_checked_against_their_definition_on_rest(client, headers, session, world, kind, options, good, wrong):
    make_custom_field(session, "champ", kind, options=options)
    session.commit()
    url = f"/api/accounts/{world['account'].id}"
    refused = client.patch(url, json={"changes": {"custom": {"champ": wrong}, "notes": "vu"}}, headers=headers("rep"))
    assert refused.status_code == 422
    assert list(refused.get_json()["errors"]) == ["custom.champ"]
    account = client.get(url, headers=headers("rep")).get_json()
    assert "champ" not in account["custom"] and account["notes"] is None  # nothing applied
    accepted = client.patch(url, json={"changes": {"custom": {"champ": good}}}, headers=headers("rep"))
    assert accepted.status_code == 200, accepted.get_json()
    assert accepted.get_json()["custom"] == {"employees": 40, "champ": good}


def test_unknown_key_or_wrong_type_is_rejected_on_push_and_nothing_applies(app, client, headers, session, world):
    make_custom_field(session, "parc_machines")
    session.commit()
    tablet = Tablet(client, headers("rep"))
    tablet.pull()
    account = world["account"]
    base = tablet.replica[("account", account.id)]["version"]
    results = tablet.push(
        mutation("account", "update", account.id, {"custom": {"inconnu": 1}, "phone": "01"}, base_version=base),
        mutation("account", "update", account.id, {"custom": {"parc_machines": "beaucoup"}}, base_version=base),
    )["results"]
    assert [r["status"] for r in results] == ["rejected", "rejected"]
    assert [r["error"]["type"].rsplit("/", 1)[-1] for r in results] == ["validation", "validation"]
    assert list(results[0]["error"]["errors"]) == ["custom.inconnu"]
    assert list(results[1]["error"]["errors"]) == ["custom.parc_machines"]
    tablet.pull()
    held = tablet.replica[("account", account.id)]
    assert (held["custom"], held["phone"], held["version"]) == ({"employees": 40}, None, base)


def test_required_fields_are_owed_on_create_and_cannot_be_removed(client, headers, session, world):
    make_custom_field(session, "siret", "text", required=True)
    session.commit()
    tablet = Tablet(client, headers("rep"))
    missing = tablet.push(mutation("account", "create", new_id(), {"name": "Garage du Lac"}))["results"][0]
    assert missing["status"] == "rejected" and "custom.siret" in missing["error"]["errors"]
    ok = tablet.push(mutation("account", "create", new_id(), {"name": "Garage du Lac",
                                                              "custom": {"siret": "12345678900011"}}))["results"][0]
    assert ok["status"] == "applied", ok
    removal = client.patch(f"/api/accounts/{ok['id']}", json={"changes": {"custom": {"siret": None}}},
                           headers=headers("rep"))
    assert removal.status_code == 422 and "custom.siret" in removal.get_json()["errors"]


def test_contacts_have_their_own_fields(client, headers, session, world):
    make_custom_field(session, "linkedin", "text", entity="contact")
    contact = make_contact(session, world["account"])
    session.commit()
    url = f"/api/contacts/{contact.id}"
    response = client.patch(url, json={"changes": {"custom": {"linkedin": "in/jdupont"}, "left_at": "2026-10-31"}},
                            headers=headers("rep"))
    assert response.status_code == 200, response.get_json()
    assert (response.get_json()["custom"], response.get_json()["left_at"]) == ({"linkedin": "in/jdupont"}, "2026-10-31")
    # an account field is not a contact field
    refused = client.patch(url, json={"changes": {"custom": {"employees": 3}}}, headers=headers("rep"))
    assert refused.status_code == 422 and "custom.employees" in refused.get_json()["errors"]


def test_a_criterion_reads_a_custom_field(client, headers, session, world):
    make_custom_field(session, "parc_machines")
    session.commit()
    model = client.get("/api/commercial-model", headers=headers("manager")).get_json()
    model["criteria"].append({"key": "parc_machines", "label": "Parc machines", "axis": "potential", "type": "number",
                              "weight": 5, "bands": [{"min": None, "max": 10, "points": 0},
                                                     {"min": 10, "max": None, "points": 5}]})
    model = {k: v for k, v in model.items() if k in ("criteria", "thresholds", "mapping", "cadence", "time_split")}
    assert client.put("/api/commercial-model", json=model, headers=headers("manager")).status_code == 200
    url = f"/api/accounts/{world['account'].id}"
    assert client.patch(url, json={"changes": {"custom": {"parc_machines": 12}}}, headers=headers("rep")).status_code == 200
    explained = client.get(f"{url}/segment-explanation", headers=headers("rep")).get_json()
    criterion = next(c for c in explained["criteria"] if c["key"] == "parc_machines")
    assert (criterion["value"], criterion["points"]) == (12, 5)


def _export(client, headers) -> list[list[str]]:
    response = client.get("/api/accounts/export.csv", headers=headers("manager"))
    assert response.status_code == 200
    return [line.split(";") for line in response.data.decode("utf-8-sig").splitlines()]


def test_removed_field_stays_in_exports_until_purged(client, headers, session, world):
    make_custom_field(session, "parc_machines")
    session.commit()
    url = f"/api/accounts/{world['account'].id}"
    client.patch(url, json={"changes": {"custom": {"parc_machines": 12}}}, headers=headers("rep"))
    assert client.delete("/api/custom-fields/parc_machines", headers=headers("manager")).status_code == 204
    assert client.get("/api/custom-fields", headers=headers("rep")).get_json() == []
    refused = client.patch(url, json={"changes": {"custom": {"parc_machines": 3}}}, headers=headers("rep"))
    assert refused.status_code == 422  # no longer accepted
    rows = _export(client, headers)
    assert rows[1][rows[0].index("custom.parc_machines")] == "12"
    assert client.post("/api/custom-fields/purge", json={"entity": "account", "key": "parc_machines"},
                       headers=headers("rep")).status_code == 403
    purged = client.post("/api/custom-fields/purge", json={"entity": "account", "key": "parc_machines"},
                         headers=headers("manager"))
    assert purged.status_code == 200 and purged.get_json() == {"purged": 1}
    assert "custom.parc_machines" not in _export(client, headers)[0]
    assert client.get(url, headers=headers("rep")).get_json()["custom"] == {"employees": 40}


def test_purging_a_field_still_defined_is_refused(client, headers, session):
    make_custom_field(session, "parc_machines")
    session.commit()
    response = client.post("/api/custom-fields/purge", json={"entity": "account", "key": "parc_machines"},
                           headers=headers("manager"))
    assert response.status_code == 422


def test_import_reads_custom_columns_by_key_or_label_and_checks_them(client, headers, session, world):
    make_custom_field(session, "parc_machines")
    make_custom_field(session, "gamme", "choices", options=["Fraisage", "Tournage"])
    make_custom_field(session, "visite_salon", "date")
    session.commit()
    rep_email = world["rep"].email

    def upload(*lines):
        data = ("\n".join(lines) + "\n").encode()
        return client.post("/api/accounts/import", data={"file": (io.BytesIO(data), "comptes.csv")},
                           headers=headers("manager"), content_type="multipart/form-data")
    good = upload("external_ref;name;owner_email;Parc machines;gamme;custom.visite_salon",
                  f"C-1;Usinage Martin;{rep_email};12;fraisage|tournage;05/03/2026")
    assert good.status_code == 200, good.get_json()
    account = client.get("/api/accounts?q=Usinage", headers=headers("manager")).get_json()["items"][0]
    assert {k: account["custom"][k] for k in ("parc_machines", "gamme", "visite_salon")} == \
        {"parc_machines": 12, "gamme": ["Fraisage", "Tournage"], "visite_salon": "2026-03-05"}
    bad = upload("external_ref;name;owner_email;parc_machines;gamme",
                 f"C-2;Usinage Petit;{rep_email};douze;soudure")
    assert bad.status_code == 422
    assert {(i["line"], i["field"]) for i in bad.get_json()["report"]} == {(2, "parc_machines"), (2, "gamme")}


def test_an_import_of_a_key_conflicts_with_a_tablet_edit_of_that_key_from_before(client, headers, session, world):
    make_custom_field(session, "parc_machines")
    session.commit()
    account = world["account"]
    tablet = Tablet(client, headers("rep"))
    tablet.pull()
    base = tablet.replica[("account", account.id)]["version"]
    session.execute(update(Account).where(Account.id == account.id).values(external_ref="C-9"))  # imports match by it
    session.commit()
    data = f"external_ref;name;owner_email;parc_machines\nC-9;{account.name};{world['rep'].email};40\n".encode()
    imported = client.post("/api/accounts/import", data={"file": (io.BytesIO(data), "comptes.csv")},
                           headers=headers("manager"), content_type="multipart/form-data")
    assert imported.status_code == 200, imported.get_json()
    result = tablet.push(mutation("account", "update", account.id, {"custom": {"parc_machines": 12, "sector": "btp"}},
                                  base_version=base, client_time=later(-3600)))["results"][0]
    assert result["status"] == "conflict"
    assert [c["field"] for c in result["conflicts"]] == ["custom.parc_machines"]  # sector merged without conflict


GAMME = {"key": "gamme", "entity": "account", "label": {"fr": "Gamme", "en": "Range"}, "type": "choices",
         "options": ["Compresseurs", "Levage"],
         "option_labels": {"Compresseurs": {"fr": "Compresseurs", "en": "Compressors"},
                           "Levage": {"fr": "Levage", "en": "Lifting"}}}


def test_option_labels_round_trip_and_values_stay_the_options(client, headers, world):
    created = client.post("/api/custom-fields", json=GAMME, headers=headers("manager"))
    assert created.status_code == 201, created.get_json()
    listed = client.get("/api/custom-fields", headers=headers("rep")).get_json()
    assert [(d["options"], d["option_labels"]) for d in listed] == [(GAMME["options"], GAMME["option_labels"])]
    # the stored value is the option, never its label
    account = world["account"]
    ok = client.patch(f"/api/accounts/{account.id}", json={"changes": {"custom": {"gamme": ["Levage"]}}}, headers=headers("rep"))
    assert ok.status_code == 200 and ok.get_json()["custom"]["gamme"] == ["Levage"]
    bad = client.patch(f"/api/accounts/{account.id}", json={"changes": {"custom": {"gamme": ["Lifting"]}}}, headers=headers("rep"))
    assert bad.status_code == 422
    # a field without labels says so
    plain = client.post("/api/custom-fields", json={**PARC, "key": "plain"}, headers=headers("manager")).get_json()
    assert plain["option_labels"] is None


def test_option_labels_are_checked_on_post_and_patch(client, headers):
    bad = [{**GAMME, "option_labels": {"Pièces": {"fr": "Pièces", "en": "Parts"}}},  # not an option
           {**GAMME, "option_labels": {"Levage": {"fr": "Levage", "en": ""}}},  # empty English
           {**GAMME, "option_labels": {"Levage": {"fr": "Levage"}}},  # English missing
           {**GAMME, "option_labels": {"Levage": "Lifting"}},  # not {fr, en}
           {**PARC, "option_labels": {"x": {"fr": "x", "en": "x"}}}]  # no options at all
    for body in bad:
        response = client.post("/api/custom-fields", json=body, headers=headers("manager"))
        assert response.status_code == 422, body
        assert response.content_type == "application/problem+json"
        assert any(k.startswith("option_labels") for k in response.get_json()["errors"]), response.get_json()
    assert client.get("/api/custom-fields", headers=headers("manager")).get_json() == []
    first = client.post("/api/custom-fields", json=bad[0], headers=headers("manager")).get_json()
    assert first["errors"]["option_labels"] == ["Des libellés seulement pour les options proposées."]
    assert client.post("/api/custom-fields", json=GAMME, headers=headers("manager")).status_code == 201
    # PATCH of the labels alone is checked against the stored options, and nothing is half-applied
    response = client.patch("/api/custom-fields/gamme", json={"option_labels": {"Pièces": {"fr": "P", "en": "P"}},
                                                              "required": True}, headers=headers("manager"))
    assert response.status_code == 422
    assert response.get_json()["errors"] == {"option_labels": ["N'est pas l'une des options."]}
    stored = client.get("/api/custom-fields", headers=headers("manager")).get_json()[0]
    assert (stored["option_labels"], stored["required"]) == (GAMME["option_labels"], False)
    response = client.patch("/api/custom-fields/gamme", json={"option_labels": {"Levage": {"fr": "Levage", "en": "Hoists"}}},
                            headers=headers("manager"))
    assert response.status_code == 200 and response.get_json()["option_labels"] == {
        "Levage": {"fr": "Levage", "en": "Hoists"}}
    # options changed alone: the label of a dropped option goes with it
    response = client.patch("/api/custom-fields/gamme", json={"options": ["Compresseurs", "Pièces"]},
                            headers=headers("manager"))
    assert response.status_code == 200 and response.get_json()["option_labels"] is None
    response = client.patch("/api/custom-fields/gamme", json={"options": ["Pièces"],
                                                              "option_labels": {"Levage": {"fr": "L", "en": "L"}}},
                            headers=headers("manager"))
    assert response.status_code == 422 and "option_labels" in response.get_json()["errors"]
