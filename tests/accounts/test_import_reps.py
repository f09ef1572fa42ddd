"""Account import, the rep column (server/accounts/imports.py): the report names the file's own
column and the rep as the file writes it, and tells an empty cell from a missing column."""
from __future__ import annotations

import pytest
from sqlalchemy import func, select

from server.accounts.models import Account


def report_of(response) -> list[tuple[int, str, str, str]]:
    assert response.status_code == 422, response.get_json()
    return [(i["line"], i["field"], i["column"], i["message"]) for i in response.get_json()["report"]]


UNKNOWN_REP = "Raison sociale;Code postal;Commercial\nGarage Étienne;21000;Sophie Martin\n" \
              "Boulangerie Noël;21200;Sophie Inconnue\nCafé du Port;21000;Personne@Test.example\n"


@pytest.mark.parametrize(("language", "messages"), [
    ("fr", ["Aucun commercial Sophie Inconnue dans votre équipe (ou plusieurs de ce nom).",
            "Aucun commercial Personne@Test.example dans votre équipe (ou plusieurs de ce nom)."]),
    ("en", ["No rep Sophie Inconnue in your team (or several of that name).",
            "No rep Personne@Test.example in your team (or several of that name)."]),
])
def test_an_unknown_rep_is_named_as_typed_under_the_files_own_column(session, upload, language, messages):
    assert report_of(upload(UNKNOWN_REP, language, dry_run="true")) == [
        (3, "owner_email", "Commercial", messages[0]), (4, "owner_email", "Commercial", messages[1])]
    assert session.scalar(select(func.count()).select_from(Account)) == 0


@pytest.mark.parametrize(("language", "message"), [
    ("fr", "Manquant : un nouveau compte a besoin d’un commercial. Renseignez cette case (e-mail ou nom du "
           "commercial), ou choisissez un commercial pour les nouveaux comptes qui n’en ont pas."),
    ("en", "Missing: a new account needs a rep. Fill in this cell (the rep's e-mail or name), or choose a rep for "
           "the new accounts without one."),
])
def test_an_empty_rep_cell_is_told_to_be_filled_not_the_column_to_be_added(upload, language, message):
    data = "Raison sociale;Code postal;Commercial\nGarage Étienne;21000;rep.a@test.example\nBoulangerie Noël;21200;\n"
    assert report_of(upload(data, language, dry_run="true")) == [(3, "owner_email", "Commercial", message)]


@pytest.mark.parametrize(("language", "column", "words"), [
    ("fr", "Commercial (e-mail)", "Ajoutez cette colonne"), ("en", "Rep (e-mail)", "Add this column")])
def test_a_file_without_the_rep_column_is_still_told_to_add_it(upload, language, column, words):
    ((line, field, named, message),) = report_of(upload("Raison sociale;Code postal\nGarage Étienne;21000\n", language))
    assert (line, field, named) == (2, "owner_email", column) and words in message


def test_a_phone_is_taken_as_written_as_rest_and_sync_take_it_up_to_40_characters(session, upload):
    # The app has no phone format (AccountChangesSchema: any text up to 40 characters): the
    # import follows it rather than refusing what the tablet and the API accept.
    data = "Raison sociale;Code postal;Téléphone;Commercial\nGarage Étienne;21000;abc;rep.a@test.example\n" \
           f"Boulangerie Noël;21200;{'0' * 41};rep.a@test.example\n"
    assert report_of(upload(data, "en")) == [(3, "Téléphone", "Téléphone", "Longer than 40 characters.")]
    done = upload(data.splitlines()[0] + "\n" + data.splitlines()[1] + "\n")
    assert done.status_code == 200, done.get_json()
    assert session.scalar(select(Account.phone)) == "abc"
