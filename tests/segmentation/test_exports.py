"""Every CSV export read back as French Excel reads it: `;`, UTF-8 with BOM, decimal
commas, `JJ/MM/AAAA` dates, formula-leading text quoted; accounts import back unchanged."""
from __future__ import annotations

import csv
import io
from datetime import UTC, date, datetime

import pytest
from sqlalchemy import func, select

from server.accounts.models import Account
from server.kpis.models import ActionPlan
from server.segmentation.service import rescore
from tests.factories import make_account, make_contact, make_quote, make_visit

FORMULA = '=HYPERLINK("http://evil.example","clic")'


def read_french(response) -> list[dict[str, str]]:
    """The rows of a CSV export, checking the conventions French Excel needs to open it."""
    assert response.status_code == 200, response.get_data(as_text=True)
    assert response.mimetype == "text/csv"
    data = response.get_data()
    assert data.startswith(b"\xef\xbb\xbf")
    return list(csv.DictReader(io.StringIO(data.decode("utf-8-sig"), newline=""), delimiter=";"))


def french_number(text: str) -> float:
    assert "." not in text, f"{text!r} would be read as text by French Excel"
    return float(text.replace(",", "."))


def french_date(text: str) -> date:
    return datetime.strptime(text, "%d/%m/%Y").date()


def french_datetime(text: str) -> datetime:
    return datetime.strptime(text, "%d/%m/%Y %H:%M:%S")


def upload(client, headers, data: bytes, who="manager"):
    return client.post("/api/accounts/import", data={"file": (io.BytesIO(data), "accounts.csv")},
                       headers=headers(who), content_type="multipart/form-data")


def test_accounts_export_protects_formulas_and_imports_back_unchanged(client, headers, session, world):
    made = [make_account(session, world.rep, name=FORMULA, phone="+33 3 80 00 00 00", lat=47.123456789, lon=-0.5),
            make_account(session, world.rep, name="-2+3", notes="@SUM(A1)\nsecond line", tags=["b", "a"]),
            make_account(session, world.rep2, external_ref="EXT-1", name="Étienne & fils", custom={"revenue_last_year": 1234.5})]
    for account in made:  # as the tablet, REST and import leave them: scored by the active model
        rescore(session, account)
    session.commit()
    response = client.get("/api/accounts/export.csv", headers=headers("manager"))
    rows = read_french(response)
    by_name = {r["name"]: r for r in rows}
    assert set(by_name) == {"'" + FORMULA, "'-2+3", "Étienne & fils"}
    assert by_name["'" + FORMULA]["phone"] == "'+33 3 80 00 00 00"
    assert french_number(by_name["'" + FORMULA]["lat"]) == 47.123456789
    assert french_number(by_name["'" + FORMULA]["lon"]) == -0.5
    assert french_number(by_name["Étienne & fils"]["custom.revenue_last_year"]) == 1234.5
    assert by_name["'-2+3"]["id"] == made[1].id and by_name["'-2+3"]["external_ref"] == ""
    versions = dict(session.execute(select(Account.id, Account.version)).all())
    again = upload(client, headers, response.get_data())
    assert again.status_code == 200, again.get_json()
    assert (again.get_json()["created"], again.get_json()["updated"], again.get_json()["unchanged"]) == (0, 0, 3)
    session.expire_all()
    assert dict(session.execute(select(Account.id, Account.version)).all()) == versions
    assert session.get(Account, made[0].id).name == FORMULA


def test_import_matches_on_id_when_there_is_no_external_reference(client, headers, session, world):
    account = make_account(session, world.rep, name="Créé sur la tablette")
    session.commit()
    changed = upload(client, headers, f"id;name\n{account.id};'=Renommé\n".encode())
    assert changed.status_code == 200, changed.get_json()
    assert (changed.get_json()["created"], changed.get_json()["updated"]) == (0, 1)
    session.expire_all()
    assert session.get(Account, account.id).name == "=Renommé"
    unknown = upload(client, headers, b"id;name\n00000000-0000-0000-0000-000000000000;Personne\n")
    assert unknown.status_code == 422
    assert {(i["line"], i["field"]) for i in unknown.get_json()["report"]} == {(2, "id")}
    assert session.scalar(select(func.count()).select_from(Account)) == 1


def test_contacts_export(client, headers, session, world):
    account = make_account(session, world.rep, external_ref="C-9", name="Aéro")
    make_contact(session, account, name="@Martin", roles=["billing", "technical"], phone="+33 6 00 00 00 00")
    make_contact(session, make_account(session, world.outsider), name="Ailleurs")
    session.commit()
    rows = read_french(client.get("/api/contacts/export.csv", headers=headers("rep")))
    assert [(r["Nom"], r["Référence du compte"], r["Compte"], r["Rôles"], r["Téléphone"]) for r in rows] == [
        ("'@Martin", "C-9", "Aéro", "billing|technical", "'+33 6 00 00 00 00")]


def contacts_upload(client, headers, data: bytes, who="manager"):
    return client.post("/api/accounts/import", data={"file": (io.BytesIO(data), "contacts.csv"), "kind": "contacts"},
                       headers=headers(who), content_type="multipart/form-data")


@pytest.mark.parametrize("locale", ["fr", "en"])
def test_contacts_export_imports_back_unchanged_whoever_made_them(client, headers, session, world, locale):
    referenced = make_account(session, world.rep, external_ref="C-9", name="Aéro")
    tablet = make_account(session, world.rep, name="Créé sur la tablette")  # no external reference
    made = [make_contact(session, referenced, name="@Martin", roles=["technical", "billing"], phone="+33 6 00 00 00 00"),
            make_contact(session, referenced, name="Jeanne Roy", roles=[], email="jeanne@client.example"),
            make_contact(session, tablet, name="=Paul", roles=["decision_maker"]),
            make_contact(session, tablet, name="Paul", roles=[])]  # same name once the formula quote is read
    session.commit()
    world.manager.locale = locale  # the export's headers follow the manager's language
    session.commit()
    response = client.get("/api/contacts/export.csv", headers=headers("manager"))
    assert response.status_code == 200
    header = response.get_data(as_text=True).lstrip("\ufeff").splitlines()[0]
    assert header.startswith("Identifiant;Identifiant du compte" if locale == "fr" else "Id;Account id")
    versions = {c.id: c.version for c in made}
    again = contacts_upload(client, headers, response.get_data())
    assert again.status_code == 200, again.get_json()
    assert (again.get_json()["created"], again.get_json()["updated"], again.get_json()["unchanged"]) == (0, 0, 4)
    session.expire_all()
    from server.accounts.models import Contact
    assert {c.id: c.version for c in session.scalars(select(Contact))} == versions
    # The same file with a name changed updates that contact, found by its id.
    edited = response.get_data().replace("Jeanne Roy".encode(), "Jeanne Roy-Martin".encode())
    changed = contacts_upload(client, headers, edited)
    assert (changed.get_json()["created"], changed.get_json()["updated"]) == (0, 1)
    session.expire_all()
    assert session.get(Contact, made[1].id).name == "Jeanne Roy-Martin"


def test_a_contacts_file_names_an_account_by_its_id_and_refuses_foreign_ids(client, headers, session, world):
    tablet = make_account(session, world.rep, name="Créé sur la tablette")
    foreign = make_contact(session, make_account(session, world.outsider), name="Ailleurs")
    session.commit()
    created = contacts_upload(client, headers, f"account_id;name\n{tablet.id};Nadia\n".encode())
    assert (created.status_code, created.get_json()["created"]) == (200, 1), created.get_json()
    refused = contacts_upload(client, headers, f"id;name\n{foreign.id};Renommé\n".encode())
    assert refused.status_code == 422
    assert {(i["line"], i["field"]) for i in refused.get_json()["report"]} == {(2, "id")}


def test_visits_export_has_french_dates_and_the_account_name(client, headers, session, world):
    account = make_account(session, world.rep, name="Fromagerie Allard")
    started = datetime(2026, 3, 2, 8, 15, tzinfo=UTC)
    make_visit(session, account, world.rep, started_at=started, notes="-rappeler", maturity=4)
    make_visit(session, account, world.rep, started_at=datetime(2026, 1, 5, 9, tzinfo=UTC))
    session.commit()
    rows = read_french(client.get("/api/visits/export.csv?from=2026-03-01&to=2026-03-31", headers=headers("manager")))
    assert len(rows) == 1
    row = rows[0]
    assert row["Compte"] == "Fromagerie Allard" and row["Commercial"] == world.rep.name
    assert french_datetime(row["Début"]) == datetime(2026, 3, 2, 9, 15)  # Paris time
    assert french_datetime(row["Fin"]) == datetime(2026, 3, 2, 10, 0)
    assert row["Notes"] == "'-rappeler" and french_number(row["Maturité"]) == 4
    assert read_french(client.get("/api/visits/export.csv", headers=headers("outsider"))) == []


def test_quotes_export_keeps_the_cents(client, headers, session, world):
    account = make_account(session, world.rep, name="Aéro")
    make_quote(session, account, world.rep, status="quoted", amount=1234.5, created_at=datetime(2026, 2, 1, tzinfo=UTC))
    session.commit()
    rows = read_french(client.get("/api/quotes/export.csv", headers=headers("rep")))
    assert len(rows) == 1
    assert french_number(rows[0]["Montant"]) == 1234.5 and rows[0]["Montant"] == "1234,5"
    assert french_datetime(rows[0]["Créée le"]) == datetime(2026, 2, 1, 1, 0)
    assert rows[0]["Statut"] == "quoted" and rows[0]["Compte"] == "Aéro"
    world.rep.locale = "en"  # the user's own language (API.md → Language: before Accept-Language)
    session.commit()
    english = client.get("/api/quotes/export.csv", headers=headers("rep"))
    assert english.get_data(as_text=True).lstrip("\ufeff").startswith("Id;Account id;Account;Rep;Product line;")


def test_action_plans_export(client, headers, session, world):
    session.add(ActionPlan(rep_id=world.rep.id, period_start=date(2026, 1, 1), period_end=date(2026, 3, 31),
                           targets={"A": {"visits": 12, "calls": 4, "revenue": 15000.5}}, created_by=world.manager.id))
    session.commit()
    rows = read_french(client.get("/api/action-plans/export.csv", headers=headers("manager")))
    assert len(rows) == 1
    assert french_date(rows[0]["Début de période"]) == date(2026, 1, 1)
    assert french_number(rows[0]["Objectif CA A"]) == 15000.5 and french_number(rows[0]["Objectif visites A"]) == 12
    assert rows[0]["Commercial"] == world.rep.name


@pytest.mark.parametrize("path", ["/api/accounts/export.csv", "/api/contacts/export.csv", "/api/visits/export.csv",
                                  "/api/quotes/export.csv", "/api/action-plans/export.csv"])
def test_exports_need_a_signed_in_user(client, path):
    assert client.get(path).status_code == 401
