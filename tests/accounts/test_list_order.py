"""Account and contact lists read in alphabetical order whatever the case and accents, the
same on SQLite and PostgreSQL ("Émilie" beside "Emile", before "Thomas"), and a rep's page
still comes in order from an index instead of a sort of all its accounts."""
from __future__ import annotations

import pytest
from sqlalchemy import select, text

from server.accounts.models import Account
from server.extensions import db
from tests.factories import make_account, make_contact, make_team, make_user, token_headers

# Shuffled on purpose; by code point they would read Ecole, Thomas, Zoé, emile, ÉCOLE, Émilie, Œuvre.
NAMES = ["Thomas Frères", "Émilie Durand", "Zoé Conseil", "emile Bar", "Œuvre d’Art", "Ecole Pasteur", "ÉCOLE Jaurès"]
ALPHABETICAL = ["ÉCOLE Jaurès", "Ecole Pasteur", "emile Bar", "Émilie Durand", "Œuvre d’Art", "Thomas Frères", "Zoé Conseil"]


@pytest.fixture
def team(session):
    team = make_team(session)
    rep = make_user(session, "rep", team=team)
    manager = make_user(session, "manager", team=team)
    accounts = [make_account(session, rep, name=name, city="Dijon", postcode="21000", lat=None, lon=None)
                for name in NAMES]
    for name in NAMES:
        make_contact(session, accounts[0], name=name)
    session.commit()
    return {"rep": rep, "manager": manager, "accounts": accounts}


def names(client, headers, path):
    response = client.get(path, headers=headers)
    assert response.status_code == 200, response.get_data(as_text=True)
    return [item["name"] for item in response.get_json()["items"]]


@pytest.mark.parametrize("who", ["rep", "manager"])
def test_the_account_list_is_alphabetical_whatever_the_accents_and_case(app, client, team, who):
    headers = token_headers(app, team[who])
    assert names(client, headers, "/api/accounts?per_page=50") == ALPHABETICAL


def test_every_path_of_the_list_keeps_that_order(app, client, team):
    headers = token_headers(app, team["rep"])
    # paged: the fast path of a rep's page (server/common/records.py), page after page
    pages = [names(client, headers, f"/api/accounts?per_page=3&page={n}") for n in (1, 2, 3)]
    assert sum(pages, []) == ALPHABETICAL
    # a search (the general path), and an equal filter
    assert names(client, headers, "/api/accounts?q=dijon") == ALPHABETICAL
    assert names(client, headers, f"/api/accounts?owner_id={team['rep'].id}") == ALPHABETICAL


def test_contacts_and_the_data_quality_lists_are_alphabetical_too(app, client, team):
    contacts = names(client, token_headers(app, team["rep"]), f"/api/contacts?account_id={team['accounts'][0].id}")
    assert contacts == ALPHABETICAL
    response = client.get("/api/data-quality", headers=token_headers(app, team["manager"]))
    assert response.status_code == 200, response.get_data(as_text=True)
    assert [a["name"] for a in response.get_json()["without_position"]["items"]] == ALPHABETICAL


def test_a_reps_page_is_read_in_order_from_the_owner_index(app, team):
    """The ids of a rep's page come from ix_account_owner_search in list order: no sort of all its accounts."""
    page = (select(Account.id).where(Account.owner_id == team["rep"].id)
            .order_by(Account.search, Account.id).limit(50))
    sql = str(page.compile(db.engine, compile_kwargs={"literal_binds": True}))
    if db.engine.dialect.name == "sqlite":
        plan = " ".join(str(row[-1]) for row in db.session.execute(text(f"EXPLAIN QUERY PLAN {sql}")))
        assert "ix_account_owner_search" in plan and "TEMP B-TREE" not in plan, plan
    else:
        db.session.execute(text("SET LOCAL enable_seqscan = off"))  # seven rows: make the planner show the index
        plan = " ".join(row[0] for row in db.session.execute(text(f"EXPLAIN {sql}")))
        assert "ix_account_owner_search" in plan and "Sort" not in plan, plan
    db.session.rollback()
