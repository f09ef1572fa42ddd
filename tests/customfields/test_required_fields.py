"""Required custom fields are owed by every way a record is created: import (accounts and
contacts, reported by line and column, nothing written), REST and sync."""
from __future__ import annotations

import io

import pytest
from sqlalchemy import func, select

from server.accounts.models import Account, Contact
from server.db import new_id
from tests.factories import make_account, make_contact, make_custom_field, make_team, make_user, token_headers
from tests.sync.helpers import Tablet, mutation


@pytest.fixture
def world(app, session):
    team = make_team(session)
    users = {role: make_user(session, role, team=team) for role in ("rep", "manager")}
    users["account"] = make_account(session, users["rep"], external_ref="C-1")
    session.commit()
    return users


@pytest.fixture
def headers(app, world):
    return lambda role: token_headers(app, world[role])


def _upload(client, headers, text: str, kind: str = "accounts"):
    return client.post("/api/accounts/import", data={"file": (io.BytesIO(text.encode()), "f.csv"), "kind": kind},
                       headers=headers("manager"), content_type="multipart/form-data")


def test_an_account_import_line_missing_a_required_value_is_reported_and_nothing_is_written(
        client, headers, session, world):
    make_custom_field(session, "siret", "text", required=True)
    session.commit()
    before = session.scalar(select(func.count()).select_from(Account))
    rep = world["rep"].email
    response = _upload(client, headers, f"external_ref;name;owner_email;siret\n"
                                        f"C-2;Garage du Lac;{rep};12345678900011\n"
                                        f"C-3;Garage du Pont;{rep};\n")
    assert response.status_code == 422, response.get_json()
    report = response.get_json()["report"]
    assert [(i["line"], i["column"]) for i in report] == [(3, "siret")]
    assert report[0]["message"]  # a reason in words
    session.expire_all()
    assert session.scalar(select(func.count()).select_from(Account)) == before  # not even line 2


def test_a_required_field_without_a_column_is_named_and_updates_do_not_owe_it(client, headers, session, world):
    field = make_custom_field(session, "siret", "text", required=True)
    field.label = {"fr": "N° SIRET", "en": "SIRET number"}
    session.commit()
    rep = world["rep"].email
    created = _upload(client, headers, f"external_ref;name;owner_email\nC-2;Garage du Lac;{rep}\n")
    assert created.status_code == 422
    # the column to add, named by the field's label in the reader's language (its key is for machines)
    assert [(i["line"], i["column"], i["field"]) for i in created.get_json()["report"]] == [(2, "N° SIRET", "siret")]
    english = client.post("/api/accounts/import", headers={**headers("manager"), "Accept-Language": "en"},
                          data={"file": (io.BytesIO(f"external_ref;name;owner_email\nC-2;Garage du Lac;{rep}\n".encode()),
                                         "f.csv"), "kind": "accounts"}, content_type="multipart/form-data")
    assert [i["column"] for i in english.get_json()["report"]] == ["SIRET number"]
    # an existing account is updated without it: only a create owes it (as on REST)
    updated = _upload(client, headers, f"external_ref;name;owner_email\nC-1;Nouveau nom;{rep}\n")
    assert updated.status_code == 200, updated.get_json()
    assert updated.get_json()["updated"] == 1


def test_a_wrong_required_value_is_reported_once_with_its_reason(client, headers, session, world):
    make_custom_field(session, "parc", "number", required=True)
    session.commit()
    response = _upload(client, headers, f"external_ref;name;owner_email;parc\nC-2;Garage;{world['rep'].email};douze\n")
    assert response.status_code == 422
    report = response.get_json()["report"]
    assert len(report) == 1 and report[0]["column"] == "parc" and "douze" in report[0]["message"]


def test_contact_import_reads_contact_fields_and_owes_the_required_ones(client, headers, session, world):
    make_custom_field(session, "fonction", "choice", entity="contact", options=["Gérant", "Acheteur"], required=True)
    existing = make_contact(session, world["account"], name="Jean Dupont")
    session.commit()
    before = session.scalar(select(func.count()).select_from(Contact))
    bad = _upload(client, headers, "account_ref;name;fonction\nC-1;Marie Curie;gérant\nC-1;Paul Martin;\n",
                  kind="contacts")
    assert bad.status_code == 422, bad.get_json()
    assert [(i["line"], i["column"]) for i in bad.get_json()["report"]] == [(3, "fonction")]
    session.expire_all()
    assert session.scalar(select(func.count()).select_from(Contact)) == before
    good = _upload(client, headers, "account_ref;name;fonction\nC-1;Marie Curie;gérant\nC-1;Jean Dupont;Acheteur\n",
                   kind="contacts")
    assert good.status_code == 200, good.get_json()
    assert (good.get_json()["created"], good.get_json()["updated"]) == (1, 1)
    session.expire_all()
    marie = session.scalars(select(Contact).where(Contact.name == "Marie Curie")).one()
    assert marie.custom == {"fonction": "Gérant"} and "custom.fonction" in marie.field_meta
    assert session.get(Contact, existing.id).custom["fonction"] == "Acheteur"


def test_rest_and_sync_creates_of_a_contact_owe_the_required_fields(client, headers, session, world):
    make_custom_field(session, "fonction", "text", entity="contact", required=True)
    session.commit()
    body = {"account_id": world["account"].id, "name": "Marie Curie"}
    refused = client.post("/api/contacts", json=body, headers=headers("rep"))
    assert refused.status_code == 422 and "custom.fonction" in refused.get_json()["errors"]
    tablet = Tablet(client, headers("rep"))
    result = tablet.push(mutation("contact", "create", new_id(), body))["results"][0]
    assert result["status"] == "rejected" and "custom.fonction" in result["error"]["errors"]
    ok = tablet.push(mutation("contact", "create", new_id(), {**body, "custom": {"fonction": "Gérante"}}))["results"][0]
    assert ok["status"] == "applied", ok
