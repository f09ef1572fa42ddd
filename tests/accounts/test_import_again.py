"""An accounts file imported again (API.md → Account files, `created`, `updated`, `unchanged`):
the answer says that nothing changed, line by line, and nothing is written — whether the file
matches its accounts by customer reference or, like many old CRM exports, by name and postcode.
The desk says it in words from these counts (tests/e2e/test_import_outcome.py)."""
from __future__ import annotations

import pytest
from sqlalchemy import select

from server.accounts.models import Account


WITH_REFS = ("N° client;Raison sociale;Adresse;Code postal;Ville;Téléphone;Commercial\n"
             "C001;Garage Étienne;4 rue des Tilleuls;21000;Dijon;03 80 00 00 11;rep.a@test.example\n"
             "C002;Boulangerie Noël;9 place du Marché;21200;Beaune;03 80 00 00 12;Sophie Martin\n"
             "C003;Café du Port;;39100;Dole;;rep.a@test.example\n")
# An old CRM's export: no customer reference, no rep (the rep chosen for new accounts takes them).
BY_NAME = ("Nom;Adresse;CP;Ville;Tél.\n"
           "Garage des Tilleuls;4 rue des Tilleuls;21000;Dijon;03 80 00 00 11\n"
           "Fromagerie Comtoise;9 place du Marché;39100;Dole;03 84 00 00 12\n")


def counts(response) -> tuple[int, int, int, int]:
    assert response.status_code == 200, response.get_json()
    body = response.get_json()
    return body["lines"], body["created"], body["updated"], body["unchanged"]


def versions(session) -> dict[str, int]:
    session.expire_all()
    return dict(session.execute(select(Account.name, Account.version)).all())


@pytest.mark.parametrize("file", [WITH_REFS, BY_NAME], ids=["by reference", "by name and postcode"])
def test_a_file_imported_again_changes_nothing_and_says_so(session, upload, people, file):
    assert counts(upload(file, default_owner_id=people["rep"].id)) == (file.count("\n") - 1,) * 2 + (0, 0)
    before = versions(session)
    lines = len(before)
    assert counts(upload(file, dry_run="1", default_owner_id=people["rep"].id)) == (lines, 0, 0, lines)
    assert counts(upload(file, default_owner_id=people["rep"].id)) == (lines, 0, 0, lines)
    assert versions(session) == before  # nothing written


def test_a_file_with_one_line_changed_counts_it_apart_from_the_others(session, upload, people):
    upload(WITH_REFS)
    changed = WITH_REFS.replace("03 80 00 00 12", "03 80 99 99 99")
    assert counts(upload(changed)) == (3, 0, 1, 2)
    more = changed + "C004;Atelier Lune;;21000;Dijon;;rep.a@test.example\n"
    assert counts(upload(more)) == (4, 1, 0, 3)
