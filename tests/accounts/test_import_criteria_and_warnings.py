"""Account import (server/accounts/imports.py, import_warnings.py): a column mapped to a criterion
of the commercial model scores the accounts as a column headed by its key; a postcode that places
nothing and a line copied twice are warnings, not refusals; a reference given twice with different
values is refused; every report item names the file's own column, in French and in English."""
from __future__ import annotations

import io
import json

import pytest
from sqlalchemy import func, select

from server.accounts.models import Account
from server.geo.gazetteer import locate_commune

LINES = ["C-1;Aéro Services;21000;Dijon;rep.a@test.example;250 000",
         "C-2;Petit Garage;21200;Beaune;rep.a@test.example;900"]


def stored(session) -> dict[str, tuple]:
    session.expire_all()
    return {a.external_ref: (a.segment, a.computed_segment, a.weight_score, a.potential_score, a.custom)
            for a in session.scalars(select(Account))}


def count(session) -> int:
    return session.scalar(select(func.count()).select_from(Account))


@pytest.mark.parametrize("target", ["revenue_last_year", "custom.revenue_last_year"])
def test_a_column_mapped_to_a_criterion_scores_as_the_column_headed_by_its_key(session, upload, target):
    by_key = upload("\n".join(["Code client;Raison sociale;CP;Ville;Commercial;revenue_last_year", *LINES]))
    assert by_key.status_code == 200, by_key.get_json()
    expected = stored(session)
    assert expected["C-1"][0] != expected["C-2"][0]  # the revenue told them apart: not every account in C
    session.execute(Account.__table__.delete())
    session.commit()
    mapped = upload("\n".join(["Code client;Raison sociale;CP;Ville;Commercial;CA annuel", *LINES]),
                    mapping=json.dumps({"CA annuel": target}))
    assert mapped.status_code == 200, mapped.get_json()
    assert mapped.get_json()["created"] == 2
    assert stored(session) == expected


@pytest.mark.parametrize(("language", "message"), [("fr", "Associée au champ inconnu 'chiffre_affaires'."),
                                                   ("en", "Mapped to unknown field 'chiffre_affaires'.")])
def test_a_mapping_to_a_key_no_field_nor_criterion_has_is_still_refused(session, upload, language, message):
    response = upload("\n".join(["Code client;Raison sociale;CP;Ville;Commercial;CA annuel", *LINES]), language,
                      mapping=json.dumps({"CA annuel": "chiffre_affaires"}))
    assert response.status_code == 422
    report = response.get_json()["report"]
    assert [(i["line"], i["column"], i["message"]) for i in report] == [(1, "CA annuel", message)]
    assert count(session) == 0


# What a French office's Excel writes: Windows-1252 ("€" is one byte, 0x80), ";", French headers, the
# model's criteria headed by their French labels. Line 8 copies line 7; line 4's postcode places nothing.
WINDOWS_FILE = "\r\n".join([
    "Code client;Raison sociale;Code postal;Ville;Commercial;Chiffre d'affaires N-1 (€);Effectif",
    "C-1;Aéro Services;21000;Dijon;rep.a@test.example;250 000;300",
    "C-2;Menuiserie Leroy;14XYZ;Falaise;rep.a@test.example;12 000;8",
    "C-3;Ferme des Prés;XYZ12;Saint-Martin;rep.a@test.example;;",
    "C-4;Café du Port;1A2B;;rep.a@test.example;;",
    "C-5;Garage Étienne;21200;Beaune;rep.a@test.example;;",
    "C-6;Boulangerie Noël;21000;Dijon;rep.a@test.example;900;2",
    "C-6;Boulangerie Noël;21000;Dijon;rep.a@test.example;900;2",
]) + "\r\n"


def send_windows(client, app, people, text: str, language: str, **form):
    from tests.factories import token_headers
    body = {"file": (io.BytesIO(text.encode("cp1252")), "comptes.csv"), **form}
    return client.post("/api/accounts/import", data=body, content_type="multipart/form-data",
                       headers={**token_headers(app, people["manager"]), "Accept-Language": language})


@pytest.mark.parametrize(("language", "copy", "by_city", "several", "no_city"), [
    ("fr", "Identique à la ligne 7 : ignorée.",
     "Pas un code postal français (5 chiffres) : '14XYZ'. Le compte est localisé par sa ville.",
     "Pas un code postal français (5 chiffres) : 'XYZ12'. Le compte reste sans position : sa ville ne désigne "
     "aucune commune, ou plusieurs ; corrigez le code postal.",
     "Pas un code postal français (5 chiffres) : '1A2B'. Le compte reste sans position : corrigez le code postal "
     "ou renseignez la ville."),
    ("en", "Same as line 7: skipped.",
     "Not a French postcode (5 digits): '14XYZ'. The account is located by its city.",
     "Not a French postcode (5 digits): 'XYZ12'. The account is without position: its city names no commune, or "
     "several; correct the postcode.",
     "Not a French postcode (5 digits): '1A2B'. The account is without position: correct the postcode or fill in "
     "the city."),
])
def test_a_windows_file_with_french_headers_imports_with_warnings(app, client, session, people, language, copy,
                                                                   by_city, several, no_city):
    expected = [{"line": 3, "column": "Code postal", "message": by_city},
                {"line": 4, "column": "Code postal", "message": several},
                {"line": 5, "column": "Code postal", "message": no_city},
                {"line": 8, "column": "Code client", "message": copy}]
    dry = send_windows(client, app, people, WINDOWS_FILE, language, dry_run="1")
    assert dry.status_code == 200, dry.get_json()
    assert [{k: w[k] for k in ("line", "column", "message")} for w in dry.get_json()["warnings"]] == expected
    assert dry.get_json()["report"] == [] and count(session) == 0
    done = send_windows(client, app, people, WINDOWS_FILE, language)
    assert done.status_code == 200, done.get_json()
    body = done.get_json()
    assert [{k: w[k] for k in ("line", "column", "message")} for w in body["warnings"]] == expected
    assert (body["created"], body["lines"]) == (6, 7)  # the copy of line 7 skipped, not created twice
    assert body["located"]["none"] == 2
    accounts = {a.external_ref: a for a in session.scalars(select(Account))}
    # the Calvados' Falaise (14), not the Ardennes' (08): the postcode's département tells them apart
    falaise = accounts["C-2"]
    assert (falaise.lat, falaise.lon) == locate_commune("14700", "Falaise")
    assert falaise.geo_precision == "commune" and falaise.postcode == "14XYZ"  # kept as written
    assert accounts["C-3"].geo_precision is None and accounts["C-4"].geo_precision is None
    # the criteria read under their French labels, typed and scored
    assert accounts["C-1"].custom == {"revenue_last_year": 250000, "employees": 300}
    assert accounts["C-1"].segment != "C" and accounts["C-6"].segment == "C"


@pytest.mark.parametrize(("language", "message"), [("fr", "Doublon de la ligne 2."), ("en", "Duplicate of line 2.")])
def test_a_reference_given_twice_with_other_values_is_refused_under_its_own_column(session, upload, language,
                                                                                    message):
    text = "\n".join(["Code client;Raison sociale;Code postal;Commercial",
                      "C-1;Garage Étienne;21000;rep.a@test.example", "C-1;Garage Etienne;21000;rep.a@test.example",
                      "C-2;Café du Port;14XYZ;rep.a@test.example", "C-2;Café du Port;14XYZ;rep.a@test.example"])
    response = upload(text, language)
    assert response.status_code == 422
    body = response.get_json()
    assert [(i["line"], i["field"], i["column"], i["message"]) for i in body["report"]] == [
        (3, "external_ref", "Code client", message)]
    # the warnings found so far come beside the refusal (the copy of line 4, the postcode)
    assert [(w["line"], w["column"]) for w in body["warnings"]] == [(4, "Code postal"), (5, "Code client")]
    assert count(session) == 0


@pytest.mark.parametrize(("language", "message"), [
    ("fr", "Manquant : chaque ligne en a besoin (ou l'identifiant du compte)."),
    ("en", "Missing: every line needs one (or the account's id)."),
])
def test_a_line_without_reference_is_named_by_the_files_column(upload, language, message):
    response = upload("Code client;Raison sociale;Commercial\n;Garage Étienne;rep.a@test.example\n", language)
    assert response.status_code == 422
    assert [(i["line"], i["column"]) for i in response.get_json()["report"]] == [(2, "Code client")]
    assert response.get_json()["report"][0]["message"] == message


def test_a_contacts_files_report_names_its_own_columns(session, people, upload):
    from tests.factories import make_account
    make_account(session, people["rep"], external_ref="C-1")
    session.commit()
    text = "\n".join(["Code client;Nom;Courriel", "C-1;Jeanne Roy;jeanne@client.example",
                      "C-1;Jeanne R.;JEANNE@client.example", "Z-9;Paul Roy;", "C-1;;paul@client.example"])
    response = upload(text, "en", kind="contacts")
    assert response.status_code == 422
    assert [(i["line"], i["field"], i["column"]) for i in response.get_json()["report"]] == [
        (3, "email", "Courriel"), (4, "account_ref", "Code client"), (5, "name", "Nom")]


@pytest.mark.parametrize("language", ["fr", "en"])
def test_a_files_header_spelled_as_a_suggested_column_is_quoted_not_translated(upload, language):
    # "Rep (e-mail)" and "Company name" are the columns a report suggests adding (in French « Commercial
    # (e-mail) », « Raison sociale »); a file headed so is quoted as it is, in either language
    text = "Company name;Postcode;Rep (e-mail)\nGarage Étienne;21000;\n"
    response = upload(text, language, dry_run="1")
    assert response.status_code == 422
    assert [(i["line"], i["field"], i["column"]) for i in response.get_json()["report"]] == [
        (2, "owner_email", "Rep (e-mail)")]
    missing = upload("Company name;Postcode\nGarage Étienne;21000\n", language, dry_run="1")
    assert [i["column"] for i in missing.get_json()["report"]] == [
        "Commercial (e-mail)" if language == "fr" else "Rep (e-mail)"]  # suggested: in the reader's words


def test_a_file_without_reference_skips_a_copied_line_under_its_name_column(session, upload):
    text = "\n".join(["Raison sociale;CP;Ville;Commercial", "Garage Étienne;21000;Dijon;rep.a@test.example",
                      "Garage Étienne;21000;Dijon;rep.a@test.example"])
    response = upload(text, "en")
    assert response.status_code == 200, response.get_json()
    assert response.get_json()["created"] == 1 and count(session) == 1
    assert [(w["line"], w["column"], w["message"]) for w in response.get_json()["warnings"]] == [
        (3, "Raison sociale", "Same as line 2: skipped.")]
