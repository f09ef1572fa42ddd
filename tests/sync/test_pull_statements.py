"""The pull's statements are built once per role and shared (sync/statements.py): each
caller still gets its own scope, and a pull with nothing new is one query."""
from __future__ import annotations

import pytest
from sqlalchemy import event

from server.extensions import db
from tests.factories import make_account, make_contact, make_team, make_tech_team, make_user, make_quote, token_headers
from tests.sync.helpers import Tablet


@pytest.fixture
def two_teams(app, session):
    north, south = make_team(session, "Nord"), make_team(session, "Sud")
    tech_a, tech_b = make_tech_team(session, "Tech A"), make_tech_team(session, "Tech B")
    people = {
        "rep_n": make_user(session, "rep", team=north), "rep_s": make_user(session, "rep", team=south),
        "manager_n": make_user(session, "manager", team=north), "manager_s": make_user(session, "manager", team=south),
        "office_a": make_user(session, "backoffice", tech_teams=[tech_a]),
        "office_b": make_user(session, "backoffice", tech_teams=[tech_b]),
    }
    owned = {}
    for key, tech in (("rep_n", tech_a), ("rep_s", tech_b)):
        account = make_account(session, people[key])
        make_contact(session, account)
        make_quote(session, account, people[key], team_id=tech.id, status="routed")
        owned[key] = account.id
    session.commit()
    return people, owned


@pytest.mark.parametrize("first, second, own", [
    ("rep_n", "rep_s", {"rep_n": "rep_n", "rep_s": "rep_s"}),
    ("manager_n", "manager_s", {"manager_n": "rep_n", "manager_s": "rep_s"}),
    ("office_a", "office_b", {"office_a": "rep_n", "office_b": "rep_s"}),
])
def test_callers_of_one_role_each_pull_their_own_scope(app, client, two_teams, first, second, own):
    people, owned = two_teams
    for caller in (first, second, first):  # the second caller reuses the statements the first built
        changes = Tablet(client, token_headers(app, people[caller])).pull()
        accounts = {c["id"] for c in changes if c["entity"] == "account"}
        assert accounts == {owned[own[caller]]}, caller


def test_a_pull_with_nothing_new_is_one_query_after_the_token_check(app, client, two_teams):
    people, _ = two_teams
    tablet = Tablet(client, token_headers(app, people["rep_n"]))
    tablet.pull()
    statements: list[str] = []
    listener = lambda *args: statements.append(args[2])  # noqa: E731  (before_cursor_execute's statement)
    event.listen(db.engine, "before_cursor_execute", listener)
    try:
        assert tablet.pull() == []
    finally:
        event.remove(db.engine, "before_cursor_execute", listener)
    queries = [s for s in statements if s.lstrip().upper().startswith("SELECT") and "auth_epoch" not in s]
    assert len(queries) == 1, queries
