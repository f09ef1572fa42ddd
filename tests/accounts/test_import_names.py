"""Account import by name (server/accounts/imports.py, matching.py): a file without a name
column is told once which column to add, in the reader's words; a file without a postcode
column finds its accounts by name alone."""
from __future__ import annotations

import pytest
from sqlalchemy import func, select

from server.accounts.models import Account
from tests.factories import make_account, make_team, make_user


@pytest.fixture
def people(app, session):
    team = make_team(session)
    made = {"team": team, "manager": make_user(session, "manager", team=team),
            "rep": make_user(session, "rep", team=team, email="rep.a@test.example"),
            "outsider": make_user(session, "rep", team=make_team(session), email="rep.z@test.example")}
    session.commit()
    return made


def count(session) -> int:
    return session.scalar(select(func.count()).select_from(Account))


def report_of(response) -> list[tuple[int, str, str, str]]:
    assert response.status_code == 422, response.get_json()
    return [(i["line"], i["field"], i["column"], i["message"]) for i in response.get_json()["report"]]


NO_NAME = "Code postal;Ville;Téléphone;Commercial\n" + "\n".join(
    f"2100{i};Dijon;03 80 00 00 0{i};rep.a@test.example" for i in range(3))


@pytest.mark.parametrize(("language", "column", "message"), [
    ("fr", "Raison sociale", "Manquant : sans référence client, les comptes sont retrouvés et créés par leur nom. "
                             "Ajoutez cette colonne."),
    ("en", "Company name", "Missing: without a customer reference, the accounts are found and created by their "
                           "name. Add this column."),
])
def test_a_file_without_reference_nor_name_is_told_once_which_column_to_add(session, upload, language, column, message):
    assert report_of(upload(NO_NAME, language, dry_run="true")) == [(1, "name", column, message)]
    # The column the report names is one the import reads.
    added = upload(f"{column};Code postal;Commercial\nGarage Étienne;21000;rep.a@test.example\n", language)
    assert added.status_code == 200, added.get_json()
    assert session.scalars(select(Account.name)).all() == ["Garage Étienne"]


def test_new_lines_without_a_name_name_the_column_to_fill_or_add(session, upload, people):
    make_account(session, people["rep"], external_ref="C-1", name="Garage Martin")
    session.commit()
    no_column = "N° client;Code postal;Commercial\nC-1;21000;rep.a@test.example\nC-2;21000;rep.a@test.example\n"
    assert report_of(upload(no_column)) == [(3, "name", "Raison sociale", "Manquant : un nouveau compte en a besoin.")]
    assert report_of(upload(no_column, "en")) == [(3, "name", "Company name", "Missing: a new account needs it.")]
    # A name column with an empty cell: the report names the file's own column, as the file writes it.
    empty_cell = "N° client;Nom;Code postal;Commercial\nC-1;;21000;rep.a@test.example\nC-2;;21000;rep.a@test.example\n"
    assert report_of(upload(empty_cell, "en")) == [(3, "name", "Nom", "Missing: a new account needs it.")]
    assert count(session) == 1


WITH_POSTCODES = "Raison sociale;CP;Ville;Téléphone;Commercial\n" \
                 "Garage Étienne;21000;Dijon;03 80 00 00 01;rep.a@test.example\n" \
                 "Boulangerie Noël;21 200;Beaune;03 80 00 00 02;rep.a@test.example\n"


def test_a_file_without_postcodes_updates_the_accounts_of_the_same_name(session, upload):
    assert upload(WITH_POSTCODES).get_json()["created"] == 2
    again = upload("Raison sociale;Téléphone\nGarage Étienne;03 80 99 99 99\nBoulangerie Noël;03 80 00 00 02\n")
    assert again.status_code == 200, again.get_json()
    assert (again.get_json()["created"], again.get_json()["updated"], again.get_json()["unchanged"]) == (0, 1, 1)
    assert count(session) == 2
    stored = {a.name: (a.postcode, a.phone) for a in session.scalars(select(Account))}
    assert stored == {"Garage Étienne": ("21000", "03 80 99 99 99"), "Boulangerie Noël": ("21 200", "03 80 00 00 02")}


@pytest.mark.parametrize(("language", "several", "foreign"), [
    ("fr", "Plusieurs comptes ont ce nom : ajoutez une colonne avec leur code postal, leur référence client ou leur "
           "identifiant.", "Un compte de ce nom est hors de votre périmètre."),
    ("en", "Several accounts have this name: add a column with their postcode, customer reference or id.",
     "An account of this name is outside your scope."),
])
def test_a_file_without_postcodes_refuses_a_name_several_accounts_share_or_a_foreign_one(
        session, upload, people, language, several, foreign):
    make_account(session, people["rep"], name="Boulangerie Noël", postcode="21000")
    make_account(session, people["rep"], name="BOULANGERIE NOEL", postcode="21200")
    make_account(session, people["outsider"], name="Café du Port", postcode="71100")
    session.commit()
    text = "Raison sociale;Téléphone\nBoulangerie Noël;03 80 00 00 09\nCafé du Port;03 85 00 00 09\n"
    assert report_of(upload(text, language)) == [(2, "name", "Raison sociale", several),
                                                 (3, "name", "Raison sociale", foreign)]
    assert count(session) == 3
    assert set(session.scalars(select(Account.phone))) == {None}


@pytest.mark.parametrize(("language", "message"), [
    ("fr", "Pas un code postal : 'ABCDE' (de 2 à 10 lettres, chiffres, espaces ou tirets, dont au moins un chiffre)."),
    ("en", "Not a postcode: 'ABCDE' (2 to 10 letters, digits, spaces or hyphens, with at least one digit)."),
])
def test_a_postcode_without_a_digit_is_refused_on_its_line(session, upload, people, language, message):
    # A city typed in the postcode column ("ABCDE", "Dijon") would geocode nowhere, or to the wrong commune.
    file = ("Raison sociale;CP;Ville;Commercial\n"
            "Garage Étienne;21000;Dijon;rep.a@test.example\n"
            "Boulangerie Noël;ABCDE;Beaune;rep.a@test.example\n"
            "Pub du Port;SW1A 1AA;London;rep.a@test.example\n")
    assert report_of(upload(file, language)) == [(3, "CP", "CP", message)]
    assert count(session) == 0  # nothing half-applied
    accepted = upload(file.replace("ABCDE", "21200"), language)
    assert accepted.status_code == 200, accepted.get_json()
    assert sorted(session.scalars(select(Account.postcode))) == ["21000", "21200", "SW1A 1AA"]
