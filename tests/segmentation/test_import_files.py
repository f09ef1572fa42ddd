"""Account files as French offices write them (API.md → Account files and locations):
Windows-1252 with `;` and accented French headers, UTF-16 with tabs (Excel's "Texte
Unicode"), `.xlsx`, UTF-8 with BOM; addresses only → located at commune level when the
commune exists, `geo_precision` null (and counted) when it does not."""
from __future__ import annotations

import io

import pytest
from openpyxl import Workbook
from sqlalchemy import select

from server.accounts.models import Account
from tests.segmentation.test_imports import count, upload

# What the old CRM's export looks like: French headers, a rep named as the CRM knows it.
HEADER = ["N° client", "Raison sociale", "Adresse", "CP", "Ville", "Tél.", "SIRET", "Commercial"]
LINES = [
    ["C-001", "Boulangerie Pâtissière Éloïse", "3 rue de l'Église", "21200", "Meursanges", "03 80 00 00 01",
     "12345678900011", "rep.a@test.example"],
    ["C-002", "Menuiserie Dôle & Fils", "12 av. Léon Bel", "39100", "Dole", "03 84 00 00 02", "", "REP.B@test.example"],
    ["C-003", "Société Fantôme", "1 chemin perdu", "99999", "Nullepart-sur-Rien", "", "", "rep.a@test.example"],
]


def as_text(sep: str, header=HEADER, lines=LINES) -> str:
    return "\r\n".join(sep.join(row) for row in [header, *lines]) + "\r\n"


def xlsx(header=HEADER, lines=LINES) -> bytes:
    book = Workbook()
    sheet = book.active
    sheet.append(header)
    for row in lines:
        sheet.append([int(c) if c.isdigit() and len(c) == 5 else c for c in row])  # Excel keeps CP as a number
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


FILES = {
    "windows-1252 ;": lambda: as_text(";").encode("cp1252"),
    "utf-16 tab": lambda: as_text("\t").encode("utf-16"),
    "utf-8 bom ,": lambda: "\ufeff".encode() + as_text(",").encode(),
    "iso-8859-15 ;": lambda: as_text(";").encode("iso8859_15"),
    "xlsx": xlsx,
}


@pytest.mark.parametrize("shape", list(FILES))
def test_real_shaped_files_import_with_their_accents_and_are_located(client, headers, session, world, shape):
    response = upload(client, headers, FILES[shape]())
    assert response.status_code == 200, response.get_json()
    body = response.get_json()
    assert body["created"] == 3
    assert body["located"]["commune"] == 2 and body["located"]["none"] == 1
    bakery = session.scalar(select(Account).where(Account.external_ref == "C-001"))
    assert bakery.name == "Boulangerie Pâtissière Éloïse" and bakery.address == "3 rue de l'Église"
    assert bakery.phone == "03 80 00 00 01" and bakery.custom["siret"] == "12345678900011"
    assert bakery.owner_id == world.rep.id and bakery.geo_precision == "commune"
    assert bakery.lat == pytest.approx(46.99, abs=0.05) and bakery.lon == pytest.approx(4.94, abs=0.05)
    ghost = session.scalar(select(Account).where(Account.external_ref == "C-003"))
    assert ghost.geo_precision is None and ghost.lat is None


def test_headers_match_whatever_their_case_accents_and_spacing(client, headers, session, world):
    header = ["  CODE CLIENT ", "SOCIETE", "code_postal", "VILLE", "telephone", "E-Mail Commercial"]
    data = as_text(";", header, [["C-9", "Épicerie", "21000", "Dijon", "0380", "rep.a@test.example"]]).encode()
    response = upload(client, headers, data)
    assert response.status_code == 200, response.get_json()
    assert session.scalar(select(Account.city).where(Account.external_ref == "C-9")) == "Dijon"


def test_a_rep_may_be_named_as_the_crm_writes_it(client, headers, session, world):
    world.rep.name = "Éric Dupré"
    session.commit()
    data = as_text(";", ["Code", "Nom", "Commercial"], [["C-1", "Garage", "eric dupre"]]).encode("cp1252")
    response = upload(client, headers, data)
    assert response.status_code == 200, response.get_json()
    assert session.scalar(select(Account.owner_id).where(Account.external_ref == "C-1")) == world.rep.id


def test_a_dry_run_reports_and_writes_nothing(client, headers, session, world):
    response = upload(client, headers, xlsx(), dry_run=True)
    assert response.status_code == 200
    assert response.get_json()["created"] == 3 and response.get_json()["located"]["commune"] == 2
    assert count(session) == 0


def test_bad_lines_are_reported_by_line_and_column_in_any_encoding(client, headers, session, world):
    lines = [*LINES[:2], ["C-004", "Sans commercial", "", "21000", "Dijon", "", "", "personne@test.example"]]
    response = upload(client, headers, as_text(";", lines=lines).encode("cp1252"))
    assert response.status_code == 422 and response.content_type == "application/problem+json"
    # The column as the file heads it (the field it maps to stays `owner_email`).
    assert [(i["line"], i["column"], i["field"]) for i in response.get_json()["report"]] == [
        (4, "Commercial", "owner_email")]
    assert count(session) == 0


def test_a_damaged_workbook_is_a_422_not_a_500(client, headers, session, world):
    data = xlsx()[:400] + b"\x00" * 50
    response = upload(client, headers, data)
    assert response.status_code == 422 and response.content_type == "application/problem+json"
