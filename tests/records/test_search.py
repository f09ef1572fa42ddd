"""`q` folds case and accents on every list, whatever the Unicode normalisation, on both databases."""
from __future__ import annotations

import unicodedata

import pytest
from sqlalchemy import select

from server.accounts.models import Account
from server.common.search import fold
from server.users.models import User
from tests.factories import make_account, make_contact, make_quote, make_team, make_user, token_headers
from tests.searching import import_accounts, names, rep_and_manager

NFD = lambda text: unicodedata.normalize("NFD", text)  # noqa: E731  (reads like the standard's name)


@pytest.fixture
def people(app, session):
    return rep_and_manager(session, email="rep.s@test.example")


def test_fold_drops_case_accents_and_ligatures():
    assert fold("  École  Saint-Joseph", "DIJON") == "ecole saint-joseph dijon"
    assert fold(NFD("Étienne")) == fold("Étienne") == fold("ETIENNE") == "etienne"
    assert fold("Œuvres de Cœur") == "oeuvres de coeur"


@pytest.mark.parametrize("query", ["etienne", "ETIENNE", "Étienne", NFD("Étienne"), "étIENNE", "etien"])
def test_accounts_are_found_whatever_case_accents_and_normalisation(app, session, client, people, query):
    rep, _ = people
    make_account(session, rep, name="Garage Étienne")
    make_account(session, rep, name=NFD("Boulangerie Étienne"))  # stored decomposed, as macOS writes it
    make_account(session, rep, name="Garage Martin")
    session.commit()
    assert names(client, token_headers(app, rep), f"/api/accounts?q={query}") == sorted(
        ["Garage Étienne", NFD("Boulangerie Étienne")])


def test_accounts_match_towns_postcodes_and_every_word(app, session, client, people):
    rep, _ = people
    make_account(session, rep, name="École Saint-Joseph", city="Châlons", postcode="51000")
    make_account(session, rep, name="École Jules Ferry", city="Dijon", postcode="21000")
    session.commit()
    h = token_headers(app, rep)
    assert names(client, h, "/api/accounts?q=ÉCOLE") == ["École Jules Ferry", "École Saint-Joseph"]
    assert names(client, h, "/api/accounts?q=ecole chalons") == ["École Saint-Joseph"]
    assert names(client, h, "/api/accounts?q=2100") == ["École Jules Ferry"]
    assert names(client, h, "/api/accounts?q=100%25") == []  # % is a character, not a wildcard


def test_a_change_through_rest_updates_the_search(app, session, client, people):
    rep, _ = people
    account = make_account(session, rep, name="Ancien nom")
    session.commit()
    h = token_headers(app, rep)
    response = client.patch(f"/api/accounts/{account.id}", json={"changes": {"name": "Cœur d'Éponge"},
                                                                  "base_version": account.version}, headers=h)
    assert response.status_code == 200, response.get_json()
    assert names(client, h, "/api/accounts?q=coeur d'eponge") == ["Cœur d'Éponge"]
    assert names(client, h, "/api/accounts?q=ancien") == []


def test_an_import_keeps_the_search_up_to_date(app, session, client, people):
    rep, manager = people
    make_account(session, rep, external_ref="R-1", name="Avant")
    session.commit()
    import_accounts(app, client, manager, "external_ref;name;owner_email;city\nR-1;Fromagerie Émile;;\n"
                                          f"R-2;Hôtel Ibis;{rep.email};Évian\n")
    h = token_headers(app, rep)
    assert names(client, h, "/api/accounts?q=emile") == ["Fromagerie Émile"]
    assert names(client, h, "/api/accounts?q=EVIAN") == ["Hôtel Ibis"]
    assert session.scalar(select(Account.search).where(Account.external_ref == "R-1")) == "fromagerie emile dijon 21000 r-1"


def test_contacts_quotes_and_users_fold_too(app, session, client, people):
    rep, manager = people
    account = make_account(session, rep, name="Société Générale d'Électricité")
    make_contact(session, account, name="Hélène Dupré")
    make_contact(session, account, name="Paul Martin")
    make_quote(session, account, rep)
    make_quote(session, make_account(session, rep, name="Autre"), rep)
    session.commit()
    h = token_headers(app, rep)
    assert names(client, h, f"/api/contacts?q={NFD('HÉLÈNE')}") == ["Hélène Dupré"]
    quotes = client.get("/api/quotes?q=electricite", headers=h).get_json()
    assert quotes["total"] == 1 and quotes["items"][0]["account_id"] == account.id
    assert session.scalar(select(User.search).where(User.id == rep.id)) == fold(rep.name, "rep.s@test.example")


def test_limit_is_an_alias_of_per_page(app, session, client, people):
    rep, _ = people
    for _ in range(5):
        make_account(session, rep)
    session.commit()
    body = client.get("/api/accounts?limit=2", headers=token_headers(app, rep)).get_json()
    assert len(body["items"]) == 2 and body["total"] == 5


def test_accounts_are_found_by_their_customer_reference(app, session, client, people):
    rep, _ = people
    make_account(session, rep, name="Fromagerie Allard", external_ref="CLI-00042")
    make_account(session, rep, name="Garage Martin", external_ref="CLI-00043")
    session.commit()
    h = token_headers(app, rep)
    assert names(client, h, "/api/accounts?q=cli-00042") == ["Fromagerie Allard"]
    assert names(client, h, "/api/accounts?q=00042") == ["Fromagerie Allard"]
    assert names(client, h, "/api/accounts?q=CLI-0004") == ["Fromagerie Allard", "Garage Martin"]


def test_a_search_counts_every_match_and_pages_through_them(app, session, client, people):
    rep, _ = people
    for i in range(7):
        make_account(session, rep, name=f"École {i}")
    make_account(session, rep, name="Garage")
    session.commit()
    h = token_headers(app, rep)
    first = client.get("/api/accounts?q=ecole&per_page=3", headers=h).get_json()
    last = client.get("/api/accounts?q=ecole&per_page=3&page=3", headers=h).get_json()
    beyond = client.get("/api/accounts?q=ecole&per_page=3&page=9", headers=h).get_json()
    assert (first["total"], [a["name"] for a in first["items"]]) == (7, ["École 0", "École 1", "École 2"])
    assert (last["total"], [a["name"] for a in last["items"]]) == (7, ["École 6"])
    assert (beyond["total"], beyond["items"]) == (7, [])


@pytest.fixture
def staff(app, session):
    team, other = make_team(session), make_team(session)
    admin = make_user(session, "admin", name="Ada Admin", email="ada@test.example")
    manager = make_user(session, "manager", team=team, name="Max Manager", email="max@test.example")
    make_user(session, "rep", team=team, name="Hélène Dupré", email="helene@test.example")
    make_user(session, "rep", team=team, name=NFD("Étienne Noël"), email="etienne@test.example")  # stored decomposed
    make_user(session, "rep", team=other, name="Hélène Ailleurs", email="h.ailleurs@test.example")
    session.commit()
    return admin, manager


@pytest.mark.parametrize(("query", "expected"), [
    ("helene", ["Hélène Ailleurs", "Hélène Dupré"]), ("HÉLÈNE", ["Hélène Ailleurs", "Hélène Dupré"]),
    (NFD("Hélène d"), ["Hélène Dupré"]), ("noel", [NFD("Étienne Noël")]), ("Étienne", [NFD("Étienne Noël")]),
    ("ailleurs@", ["Hélène Ailleurs"]), ("zzz", []),
])
def test_users_are_found_whatever_case_accents_and_normalisation(app, client, staff, query, expected):
    admin, _ = staff
    assert names(client, token_headers(app, admin), f"/api/users?q={query}") == expected


def test_a_managers_user_search_stays_in_its_team(app, client, staff):
    _, manager = staff
    assert names(client, token_headers(app, manager), "/api/users?q=helene") == ["Hélène Dupré"]


@pytest.mark.parametrize("path", ["/api/accounts?segmnet=A", "/api/contacts?acount_id=x", "/api/quotes?stauts=won",
                                  "/api/visits?q=x", "/api/users?name=Ada"])
def test_an_unknown_list_parameter_is_a_422_naming_it(app, client, staff, path):
    admin, _ = staff
    response = client.get(path, headers=token_headers(app, admin))
    assert response.status_code == 422 and response.mimetype == "application/problem+json"
    name = path.split("?")[1].split("=")[0]
    assert list(response.get_json()["errors"]) == [name]
    assert response.get_json()["errors"][name] == ["Champ inconnu."]


@pytest.mark.parametrize("path", ["/api/accounts?q=a&segment=A&status=client&page=1&per_page=5&limit=5",
                                  "/api/visits?limit=5&page=1", "/api/quotes?status=won&limit=2",
                                  "/api/appointments?limit=3", "/api/users?q=ada"])
def test_documented_list_parameters_still_answer(app, client, staff, path):
    admin, _ = staff
    response = client.get(path, headers=token_headers(app, admin))
    assert response.status_code == 200, response.get_json()
