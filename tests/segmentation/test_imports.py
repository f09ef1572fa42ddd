"""Account and contact import (CLI and HTTP), all or nothing, and the CSV export."""
from __future__ import annotations

import io
import json

import pytest
from sqlalchemy import func, select

from server.accounts.models import Account, Contact
from tests.factories import make_account

HEADER = "external_ref;name;owner_email;city;revenue_last_year;employees;sector;maintenance_inhouse"


def csv_bytes(*lines: str, bom: bool = False, sep: str = ";") -> bytes:
    text = "\n".join(line.replace(";", sep) for line in lines) + "\n"
    return (b"\xef\xbb\xbf" if bom else b"") + text.encode()


def upload(client, headers, data: bytes, who="manager", **form):
    body = {"file": (io.BytesIO(data), "comptes.csv"), **{k: str(v).lower() if isinstance(v, bool) else v
                                                          for k, v in form.items()}}
    return client.post("/api/accounts/import", data=body, headers=headers(who), content_type="multipart/form-data")


def count(session, model=Account):
    return session.scalar(select(func.count()).select_from(model))


@pytest.mark.parametrize(("bom", "sep"), [(False, ";"), (True, ";"), (False, ","), (True, ",")])
def test_import_reads_bom_both_separators_and_decimal_commas(client, headers, session, world, bom, sep):
    lines = [HEADER, 'C-1;"Aéro Services";rep.a@test.example;Dijon;"250 000,50";300;aéronautique;non',
             "C-2;Garage Martin;REP.B@test.example;Beaune;1000;5;négoce;oui"]
    response = upload(client, headers, csv_bytes(*lines, bom=bom, sep=sep))
    assert response.status_code == 200, response.get_json()
    assert response.get_json()["created"] == 2
    aero = session.scalar(select(Account).where(Account.external_ref == "C-1"))
    assert aero.name == "Aéro Services" and aero.owner_id == world.rep.id
    assert aero.custom == {"revenue_last_year": 250000.5, "employees": 300.0, "sector": "aéronautique",
                           "maintenance_inhouse": False}
    assert aero.segment == "A" and aero.computed_segment == "A" and aero.model_version == 1 and aero.version > 0
    garage = session.scalar(select(Account).where(Account.external_ref == "C-2"))
    assert garage.owner_id == world.rep2.id and garage.segment == "C"


def test_bad_lines_are_reported_and_nothing_is_written(client, headers, session, world):
    lines = [HEADER,
             "C-1;Bonne Ligne;rep.a@test.example;Dijon;1000;5;btp;non",
             "C-2;Inconnu;nobody@test.example;Dijon;1000;5;btp;non",
             "C-3;Chiffre faux;rep.a@test.example;Dijon;beaucoup;5;btp;non",
             "C-1;Doublon;rep.a@test.example;Dijon;1000;5;btp;non",
             ";Sans référence;rep.a@test.example;Dijon;1000;5;btp;non",
             "C-6;Mauvais booléen;rep.a@test.example;Dijon;1000;5;btp;peut-être",
             "C-7;Hors équipe;rep.z@test.example;Dijon;1000;5;btp;non"]
    response = upload(client, headers, csv_bytes(*lines))
    assert response.status_code == 422
    assert response.content_type == "application/problem+json"
    report = {(i["line"], i["field"]) for i in response.get_json()["report"]}
    assert report == {(3, "owner_email"), (4, "revenue_last_year"), (5, "external_ref"), (6, "external_ref"),
                      (7, "maintenance_inhouse"), (8, "owner_email")}
    reasons = {i["line"]: i["reason"] for i in response.get_json()["report"]}
    assert reasons[5] == "Doublon de la ligne 2."  # in French by default (API.md → Language)
    messages = {i["line"]: i["message"] for i in response.get_json()["report"]}
    assert messages[5] == "Doublon de la ligne 2."  # `message` too, not only `reason`
    assert count(session) == 0
    world.manager.locale = "en"
    session.commit()
    english = {i["line"]: i["message"] for i in upload(client, headers, csv_bytes(*lines)).get_json()["report"]}
    assert english[5] == "Duplicate of line 2."


def test_upsert_by_external_ref_keeps_what_the_file_leaves_empty(client, headers, session, world):
    account = make_account(session, world.rep, external_ref="C-9", name="Ancien nom", phone="+33 3 80 00 00 00",
                           custom={"employees": 12, "note_interne": "garder"})
    session.commit()
    version = account.version
    data = csv_bytes("external_ref;name;phone;employees", "C-9;Nouveau nom;;400")
    response = upload(client, headers, data)
    assert response.status_code == 200, response.get_json()
    assert (response.get_json()["created"], response.get_json()["updated"]) == (0, 1)
    session.expire_all()
    stored = session.get(Account, account.id)
    assert (stored.name, stored.phone, stored.owner_id) == ("Nouveau nom", "+33 3 80 00 00 00", world.rep.id)
    assert stored.custom == {"employees": 400.0, "note_interne": "garder"}
    assert stored.version > version and stored.field_meta["name"][0] == stored.version
    again = upload(client, headers, data)
    assert (again.get_json()["updated"], again.get_json()["unchanged"]) == (0, 1)


def test_reassigning_an_account_moves_it_out_of_the_old_reps_scope(client, headers, session, world):
    from tests.sync.helpers import Tablet
    account = make_account(session, world.rep, external_ref="C-5")
    session.commit()
    old_rep = Tablet(client, headers("rep"))
    old_rep.pull()
    assert ("account", account.id) in old_rep.replica
    response = upload(client, headers, csv_bytes("external_ref;owner_email", "C-5;rep.b@test.example"))
    assert response.status_code == 200, response.get_json()
    old_rep.pull()
    assert ("account", account.id) not in old_rep.replica


def test_dry_run_counts_and_writes_nothing(client, headers, session, world):
    data = csv_bytes(HEADER, "C-1;Essai;rep.a@test.example;Dijon;1000;5;btp;non")
    response = upload(client, headers, data, dry_run=True)
    assert response.status_code == 200
    assert response.get_json()["dry_run"] is True and response.get_json()["created"] == 1
    assert count(session) == 0


def test_unknown_columns_are_refused_unless_mapped(client, headers, session, world):
    data = csv_bytes("Code client;Raison sociale;Commercial;Divers;Zone", "C-1;Essai;rep.a@test.example;à ignorer;N")
    refused = upload(client, headers, data)
    assert refused.status_code == 422
    assert {(i["line"], i["column"]) for i in refused.get_json()["report"]} == {(1, "Divers"), (1, "Zone")}
    # in a user's words: the screen has « Ignorer cette colonne », not null
    assert {i["message"] for i in refused.get_json()["report"]} in (
        {"Colonne inconnue : associez-la à un champ, ou ignorez-la."},
        {"Unknown column: map it to a field, or ignore it."})
    mapping = {"DIVERS": "notes", "zone": None}
    accepted = upload(client, headers, data, mapping=json.dumps(mapping))
    assert accepted.status_code == 200, accepted.get_json()
    stored = session.execute(select(Account.name, Account.notes).where(Account.external_ref == "C-1")).one()
    assert tuple(stored) == ("Essai", "à ignorer")


def test_a_column_may_be_mapped_to_a_custom_field(client, headers, session, world):
    """The desk's "Columns to map" offers the company's fields as `custom.<key>`: the import takes them."""
    from tests.factories import make_custom_field
    make_custom_field(session, "surface")
    session.commit()
    data = csv_bytes("Code client;Raison sociale;Commercial;Surface atelier", "C-9;Essai;rep.a@test.example;1234,5")
    assert upload(client, headers, data).status_code == 422  # "Surface atelier" is no field's name
    accepted = upload(client, headers, data, mapping=json.dumps({"Surface atelier": "custom.surface"}))
    assert accepted.status_code == 200, accepted.get_json()
    assert session.scalar(select(Account.custom).where(Account.external_ref == "C-9"))["surface"] == 1234.5


def test_file_over_the_limit_is_413(app, client, headers, session, world):
    app.config["IMPORT_MAX_BYTES"] = 2_000
    data = csv_bytes(HEADER, *(f"C-{i};Compte {i};rep.a@test.example;Dijon;1000;5;btp;non" for i in range(100)))
    response = upload(client, headers, data)
    assert response.status_code == 413
    assert response.content_type == "application/problem+json"
    assert count(session) == 0


def test_a_file_that_is_no_text_is_refused_by_line(client, headers, session, world):
    response = upload(client, headers, b"%PDF-1.4\x00\x01\x02\xff\xfe\x00\x00garbage\x03\x04")
    assert response.status_code == 422
    (issue,) = response.get_json()["report"]
    assert issue["column"] == "_file" and "xlsx" in issue["message"]
    assert count(session) == 0


@pytest.mark.parametrize(("who", "status"), [("rep", 403), ("tele", 403), ("backoffice", 403), ("admin", 200)])
def test_only_managers_and_admins_import(client, headers, world, who, status):
    response = upload(client, headers, csv_bytes("external_ref;name;owner_email", "C-1;Essai;rep.z@test.example"), who)
    assert response.status_code == status  # an admin may give accounts to any rep


def test_contacts_import_upserts_by_account_and_email(client, headers, session, world):
    account = make_account(session, world.rep, external_ref="C-1")
    make_account(session, world.outsider, external_ref="Z-1")
    session.commit()
    lines = ["account_ref,name,roles,email", "C-1,Jeanne Roy,décideur|facturation,jeanne@client.example",
             "C-1,Paul Roy,technique,", "Z-1,Autre,technique,", "C-1,Jeanne R.,décideur,JEANNE@client.example"]
    refused = upload(client, headers, csv_bytes(*lines, sep=","), kind="contacts")
    assert refused.status_code == 422
    assert {(i["line"], i["field"]) for i in refused.get_json()["report"]} == {(4, "account_ref"), (5, "email")}
    ok = upload(client, headers, csv_bytes(*lines[:3], sep=","), kind="contacts")
    assert ok.status_code == 200, ok.get_json()
    jeanne = session.scalar(select(Contact).where(Contact.name == "Jeanne Roy"))
    assert jeanne.account_id == account.id and jeanne.roles == ["billing", "decision_maker"]
    update = upload(client, headers, csv_bytes("account_ref,name,email", "C-1,Jeanne Roy-Martin,jeanne@client.example",
                                               sep=","), kind="contacts")
    assert update.get_json()["updated"] == 1
    assert count(session, Contact) == 2


def test_export_is_scoped_and_imports_back(client, headers, session, world):
    make_account(session, world.rep, external_ref="C-1", name="Aéro", custom={"revenue_last_year": 1234.5})
    make_account(session, world.outsider, external_ref="Z-1", name="Ailleurs")
    session.commit()
    response = client.get("/api/accounts/export.csv", headers=headers("manager"))
    assert response.status_code == 200 and response.mimetype == "text/csv"
    text = response.get_data(as_text=True)
    assert text.startswith("\ufeff") and "Aéro" in text and "Ailleurs" not in text and "1234,5" in text
    again = upload(client, headers, response.get_data())
    assert again.status_code == 200, again.get_json()
    assert again.get_json()["created"] == 0


def test_cli_imports_a_file(app, runner, session, world, tmp_path):
    path = tmp_path / "comptes.csv"
    path.write_bytes(csv_bytes(HEADER, "C-1;Par la ligne de commande;rep.a@test.example;Dijon;1000;5;btp;non"))
    dry = runner.invoke(args=["import-accounts", str(path), "--dry-run"])
    assert dry.exit_code == 0, dry.output
    assert json.loads(dry.output.strip().splitlines()[-1])["created"] == 1 and count(session) == 0
    done = runner.invoke(args=["import-accounts", str(path)])
    assert done.exit_code == 0, done.output
    assert count(session) == 1
    bad = tmp_path / "bad.csv"
    bad.write_bytes(csv_bytes("external_ref;name", "C-2;Sans commercial"))
    failed = runner.invoke(args=["import-accounts", str(bad)])
    # the column a reader would add, not the internal key `owner_email`
    assert failed.exit_code != 0 and "line 2: Rep (e-mail)" in failed.output and "owner_email" not in failed.output


@pytest.mark.parametrize("form", [{"mapping": "{not json"}, {"mapping": '{"a": 3}'}, {"dry_run": "peut-être"},
                                  {"kind": "opportunities"}, {"colour": "red"}])
def test_bad_import_parameters_are_422_problems(client, headers, world, form):
    response = upload(client, headers, csv_bytes("external_ref;name;owner_email", "C-1;Essai;rep.a@test.example"), **form)
    assert response.status_code == 422
    assert response.content_type == "application/problem+json"


def test_import_without_a_file_is_a_422_problem(client, headers, world):
    response = client.post("/api/accounts/import", data={"dry_run": "true"}, headers=headers("manager"),
                           content_type="multipart/form-data")
    assert response.status_code == 422
    assert response.get_json()["errors"] == {"file": ["Fichier manquant."]}


OLD_CRM = "Raison sociale;CP;Ville;Commercial\n{lines}"


def test_a_file_without_reference_creates_its_accounts_once(client, headers, session, world):
    lines = ["Garage Étienne;21000;Dijon;rep.a@test.example", "Boulangerie Noël;21200;Beaune;rep.b@test.example",
             "Boulangerie Noël;21000;Dijon;rep.a@test.example"]  # same name, another postcode: another account
    first = upload(client, headers, OLD_CRM.format(lines="\n".join(lines)).encode())
    assert first.status_code == 200, first.get_json()
    assert (first.get_json()["created"], first.get_json()["updated"]) == (3, 0)
    same = upload(client, headers, OLD_CRM.format(lines="\n".join(lines)).encode())
    assert (same.get_json()["created"], same.get_json()["updated"], same.get_json()["unchanged"]) == (0, 0, 3)
    # Typed differently (case, accents, spaces): still matched on name and postcode, never doubled.
    again = ["GARAGE ETIENNE;21000;Dijon;rep.a@test.example", "boulangerie  noel;21 200;Beaune;rep.b@test.example",
             "Boulangerie Noël;21000;Dijon Centre;rep.a@test.example"]
    second = upload(client, headers, OLD_CRM.format(lines="\n".join(again)).encode())
    assert second.status_code == 200, second.get_json()
    assert (second.get_json()["created"], second.get_json()["updated"]) == (0, 3)
    assert count(session) == 3
    moved = session.scalar(select(Account).where(Account.name == "Boulangerie Noël", Account.postcode == "21000"))
    assert moved.city == "Dijon Centre"


def test_a_file_without_reference_refuses_ambiguous_and_foreign_twins(client, headers, session, world):
    make_account(session, world.rep, name="Garage Martin", postcode="21000")
    make_account(session, world.rep2, name="GARAGE MARTIN", postcode="21000")
    make_account(session, world.outsider, name="Café du Port", postcode="21000")
    session.commit()
    lines = ["Garage Martin;21000;Dijon;rep.a@test.example", "Café du Port;21000;Dijon;rep.a@test.example",
             ";21000;Dijon;rep.a@test.example", "Hôtel Neuf;21000;Dijon;rep.a@test.example",
             "Hotel neuf;21000;Dijon;rep.a@test.example"]
    response = upload(client, headers, OLD_CRM.format(lines="\n".join(lines)).encode())
    assert response.status_code == 422
    # the twin of line 5 (same name and postcode, another spelling) is a conflict, named by the file's header
    assert {(i["line"], i["field"]) for i in response.get_json()["report"]} == {(2, "name"), (3, "name"), (4, "name"),
                                                                                 (6, "name")}
    reasons = {i["line"]: i["message"] for i in response.get_json()["report"]}
    assert reasons[2].startswith("Plusieurs comptes ont ce nom et ce code postal")
    assert reasons[6] == "Doublon de la ligne 5."
    assert {i["line"]: i["column"] for i in response.get_json()["report"]}[6] == "Raison sociale"
    assert count(session) == 3


CRM_EXPORT = "Nom;Adresse;Code postal;Ville;Téléphone\n{lines}"
NO_REP = ["Garage Étienne;3 rue Neuve;21000;Dijon;03 80 00 00 01", "Boulangerie Noël;8 place Carnot;21200;Beaune;03 80 00 00 02"]


def test_a_file_without_a_rep_column_names_the_column_to_add_in_the_readers_words(client, headers, session, world):
    response = upload(client, headers, CRM_EXPORT.format(lines="\n".join(NO_REP)).encode(), dry_run=True)
    assert response.status_code == 422
    report = response.get_json()["report"]
    assert [(i["line"], i["field"], i["column"]) for i in report] == [(2, "owner_email", "Commercial (e-mail)"),
                                                                      (3, "owner_email", "Commercial (e-mail)")]
    assert "commercial" in report[0]["message"]
    world.manager.locale = "en"
    session.commit()
    english = upload(client, headers, CRM_EXPORT.format(lines="\n".join(NO_REP)).encode()).get_json()["report"]
    assert {i["column"] for i in english} == {"Rep (e-mail)"} and "rep" in english[0]["message"]
    # The column the report names is one the import reads, in either language.
    for column in ("Commercial (e-mail)", "Rep (e-mail)"):
        data = f"Nom;Code postal;{column}\nGarage Étienne;21000;rep.b@test.example\n".encode()
        assert upload(client, headers, data, dry_run=True).get_json()["created"] == 1
    assert count(session) == 0


def test_new_accounts_without_a_rep_go_to_the_chosen_one_in_dry_and_real_runs(client, headers, session, world):
    lines = [*NO_REP, "Café du Port;1 quai;21000;Dijon;03 80 00 00 03"]
    data = "Nom;Adresse;Code postal;Ville;Téléphone;Commercial\n" + "\n".join(
        f"{line};{'rep.b@test.example' if line.startswith('Café') else ''}" for line in lines) + "\n"
    dry = upload(client, headers, data.encode(), dry_run=True, default_owner_id=world.rep.id)
    assert dry.status_code == 200, dry.get_json()
    assert dry.get_json()["created"] == 3 and count(session) == 0
    done = upload(client, headers, data.encode(), default_owner_id=world.rep.id)
    assert done.status_code == 200, done.get_json()
    owners = dict(session.execute(select(Account.name, Account.owner_id)).all())
    assert owners == {"Garage Étienne": world.rep.id, "Boulangerie Noël": world.rep.id, "Café du Port": world.rep2.id}
    # Updates keep their owner: the default is for new accounts only.
    again = upload(client, headers, data.encode(), default_owner_id=world.rep2.id)
    assert again.status_code == 200 and again.get_json()["created"] == 0
    assert dict(session.execute(select(Account.name, Account.owner_id)).all()) == owners


@pytest.mark.parametrize(("who", "value"), [("manager", "pas-un-id"), ("manager", "outsider"), ("manager", "manager"),
                                            ("manager", "00000000-0000-4000-8000-000000000000"), ("admin", "tele")])
def test_a_default_rep_the_caller_may_not_use_is_a_422_naming_the_field(client, headers, session, world, who, value):
    owner = world[value].id if value in ("outsider", "manager", "tele") else value
    response = upload(client, headers, CRM_EXPORT.format(lines="\n".join(NO_REP)).encode(), who=who,
                      default_owner_id=owner)
    assert response.status_code == 422 and response.content_type == "application/problem+json"
    assert "default_owner_id" in response.get_json()["errors"]
    assert count(session) == 0


def test_an_admin_may_give_new_accounts_to_any_rep(client, headers, session, world):
    response = upload(client, headers, CRM_EXPORT.format(lines="\n".join(NO_REP)).encode(), who="admin",
                      default_owner_id=world.outsider.id)
    assert response.status_code == 200, response.get_json()
    assert set(session.scalars(select(Account.owner_id))) == {world.outsider.id}


def test_cli_gives_new_accounts_to_the_default_rep(app, runner, session, world, tmp_path):
    path = tmp_path / "crm.csv"
    path.write_bytes(CRM_EXPORT.format(lines=NO_REP[0]).encode())
    done = runner.invoke(args=["import-accounts", str(path), "--default-owner", "rep.b@test.example"])
    assert done.exit_code == 0, done.output
    assert set(session.scalars(select(Account.owner_id))) == {world.rep2.id}
