"""Account search through the side table (server/accounts/search_table.py): found after every
kind of write on both databases; on PostgreSQL the side table follows `account.search` on
every write path, and an edit that leaves the searched text alone leaves its row alone."""
from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import insert, select, text, update
from sqlalchemy.orm import Session

from server.accounts.models import Account
from server.db import new_id
from server.extensions import db
from tests.factories import make_account, make_user, token_headers
from tests.searching import import_accounts, names, rep_and_manager
from tests.sync.helpers import Tablet, mutation


@pytest.fixture
def people(app, session):
    return rep_and_manager(session, email="rep.t@test.example")


def found(client, headers, query: str) -> list[str]:
    return names(client, headers, f"/api/accounts?q={query}")


def out_of_step(session) -> list[tuple]:
    """PostgreSQL: the accounts whose side-table row is missing, extra or holds another text."""
    return session.execute(text(
        "SELECT a.id, s.account_id, a.search, s.search FROM account a FULL JOIN account_search s ON s.account_id = a.id"
        " WHERE a.id IS NULL OR s.account_id IS NULL OR a.search IS DISTINCT FROM s.search")).all()


def row_version(session, account_id: str) -> str:
    """PostgreSQL: the transaction that last wrote the account's side-table row (its xmin)."""
    return session.scalar(text("SELECT xmin::text FROM account_search WHERE account_id = :id"), {"id": account_id})


def test_an_account_is_found_after_create_rename_import_and_push(app, session, client, people, backend):
    rep, manager = people
    kept = make_account(session, rep, name="Garage Martin", external_ref="R-1")
    session.commit()
    h = token_headers(app, rep)
    assert found(client, h, "martin") == ["Garage Martin"]

    response = client.patch(f"/api/accounts/{kept.id}", json={"changes": {"name": "Garage Noël"},
                                                               "base_version": kept.version}, headers=h)
    assert response.status_code == 200, response.get_json()
    assert (found(client, h, "martin"), found(client, h, "noel")) == ([], ["Garage Noël"])

    import_accounts(app, client, manager, "external_ref;name;owner_email;city\nR-1;Garage Étoile;;\n"
                                          f"R-2;Hôtel Ibis;{rep.email};Évian\n")
    assert (found(client, h, "noel"), found(client, h, "etoile"), found(client, h, "evian")) == (
        [], ["Garage Étoile"], ["Hôtel Ibis"])

    created = new_id()
    results = Tablet(client, h).push(mutation("account", "create", created, {"name": "Café Bellevue", "city": "Beaune"}),
                                     mutation("account", "update", kept.id, {"name": "Cœur de Garage"}))["results"]
    assert [r["status"] for r in results] == ["applied", "applied"], results
    assert (found(client, h, "etoile"), found(client, h, "coeur"), found(client, h, "bellevue beaune")) == (
        [], ["Cœur de Garage"], ["Café Bellevue"])
    if backend == "postgresql":
        assert out_of_step(session) == []


@pytest.mark.parametrize("how", ["push", "core"])
@pytest.mark.postgres_only
def test_an_edit_outside_the_searched_fields_leaves_the_side_row_unwritten(app, session, client, people, how):
    rep, _ = people
    account = make_account(session, rep, name="Boulangerie Dupré")
    session.commit()
    written = row_version(session, account.id)
    assert written is not None
    if how == "push":  # a note and a visit (which moves the account's due date and version)
        started = datetime.now(UTC) - timedelta(hours=1)
        Tablet(client, token_headers(app, rep)).push(
            mutation("account", "update", account.id, {"notes": "Livrer le mardi"}),
            mutation("visit", "create", new_id(), {"account_id": account.id, "kind": "onsite", "outcome": "done",
                                                    "started_at": started.isoformat(), "notes": "ok"}))
    else:
        session.execute(update(Account).where(Account.id == account.id).values(notes="Livrer le mardi", version=999))
        session.commit()
    session.expire_all()
    assert session.get(Account, account.id).notes == "Livrer le mardi"
    assert row_version(session, account.id) == written

    session.get(Account, account.id).city = "Beaune"  # a move: the searched text changes, the row with it
    session.commit()
    assert row_version(session, account.id) != written
    assert out_of_step(session) == []


@pytest.mark.postgres_only
def test_a_set_based_insert_and_a_delete_keep_the_side_table_in_step(app, session, people):
    rep, _ = people
    rows = [{"id": new_id(), "name": f"Société {i}", "owner_id": rep.id, "city": "Dijon", "status": "client",
             "segment": "C", "computed_segment": "C", "tags": [], "custom": {}} for i in range(3)]
    session.execute(insert(Account), rows)  # as an import or the demo: one statement
    session.commit()
    assert session.scalar(text("SELECT count(*) FROM account_search")) == 3 and out_of_step(session) == []
    session.delete(session.get(Account, rows[0]["id"]))
    session.commit()
    assert session.scalar(text("SELECT count(*) FROM account_search")) == 2 and out_of_step(session) == []


@pytest.mark.postgres_only
def test_a_database_built_by_create_all_gets_the_triggers_too(app):
    """Some benchmarks build their schema with `create_all`, not the migrations: built here in a
    schema of its own, inside a transaction that is rolled back."""
    db.session.remove()
    with db.engine.connect() as conn:
        conn.execute(text("CREATE SCHEMA built_by_create_all"))
        conn.execute(text("SET LOCAL search_path TO built_by_create_all, public"))  # public: pg_trgm's operators
        db.metadata.create_all(conn, checkfirst=False)
        with Session(bind=conn) as session:
            rep = make_user(session, "rep")
            account = make_account(session, rep, name="Fromagerie Émile")
            session.flush()
            assert session.scalar(text("SELECT search FROM built_by_create_all.account_search")) == "fromagerie emile dijon 21000"
            account.name = "Fromagerie Noël"
            session.flush()
            assert session.scalar(text("SELECT search FROM built_by_create_all.account_search")) == "fromagerie noel dijon 21000"
        conn.rollback()


# Shuffled; in list order (folded): ÉCOLE Jaurès, Ecole Pasteur, emile Bar, Émilie Durand, Œuvre d’Art, Thomas Frères, Zoé Conseil.
NAMES = ["Thomas Frères", "Émilie Durand", "Zoé Conseil", "emile Bar", "Œuvre d’Art", "Ecole Pasteur", "ÉCOLE Jaurès"]
ALPHABETICAL = ["ÉCOLE Jaurès", "Ecole Pasteur", "emile Bar", "Émilie Durand", "Œuvre d’Art", "Thomas Frères", "Zoé Conseil"]


@pytest.mark.parametrize("who, extra", [("admin", ""), ("admin", "&segment=B"), ("manager", ""), ("rep", "")])
def test_every_search_path_counts_and_orders_alike(app, session, client, people, who, extra):
    """The admin's search of every account (the side table alone on PostgreSQL), with another filter
    (the side table joined), a team's and a rep's (the row's text): the same total, the same pages."""
    rep, manager = people
    admin = make_user(session, "admin")
    for name in NAMES:
        make_account(session, rep, name=name, city="Dijon")
    make_account(session, rep, name="Garage du Lac", city="Beaune")
    session.commit()
    headers = token_headers(app, {"admin": admin, "manager": manager, "rep": rep}[who])
    pages = [client.get(f"/api/accounts?q=DIJON&per_page=3&page={n}{extra}", headers=headers).get_json()
             for n in (1, 2, 3, 4)]
    assert [p["total"] for p in pages] == [7, 7, 7, 7]
    assert [a["name"] for p in pages for a in p["items"]] == ALPHABETICAL


@pytest.mark.postgres_only
def test_a_search_of_the_whole_company_reads_the_trigram_index(app, session, people):
    """Both PostgreSQL statements that read the side table can use its trigram index (a few rows
    here: the planner is told not to scan; on 100,000 accounts it chooses the index, bench_search)."""
    from server.accounts.search_table import account_matches, matching_in_list_order
    rep, _ = people
    emile = make_account(session, rep, name="Fromagerie Émile")
    garage = make_account(session, rep, name="Garage 100% Auto")
    session.commit()
    session.execute(text("SET LOCAL enable_seqscan = off"))  # nor a walk through the whole primary key
    session.execute(text("SET LOCAL enable_indexscan = off"))
    for stmt in (matching_in_list_order("EMILE"),
                 select(Account.id).where(account_matches("EMILE", "postgresql", whole_company=True))):
        compiled = stmt.compile(db.engine)
        plan = " ".join(row[0] for row in session.connection().exec_driver_sql(f"EXPLAIN {compiled}", compiled.params))
        assert "ix_account_search_search" in plan, plan
        assert session.scalars(stmt).all() == [emile.id]
    # % is a character, not a wildcard
    assert (session.scalars(matching_in_list_order("100%")).all(), session.scalars(matching_in_list_order("0%a")).all()) == (
        [garage.id], [])
    session.rollback()
