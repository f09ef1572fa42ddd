"""A list page reads plain rows (server/common/records.py → _page_statement): each item must be
what the record's own GET answers, and `total` the count of every match, whatever the role,
the equal filters and the page."""
from __future__ import annotations

from datetime import UTC, datetime

import pytest

from server.common.records import utc_time
from tests.factories import make_account, make_contact, make_team, make_user, token_headers


@pytest.fixture
def team_accounts(app, session):
    team = make_team(session)
    rep, other = make_user(session, "rep", team=team), make_user(session, "rep", team=team)
    manager = make_user(session, "manager", team=team)
    outsider = make_user(session, "rep", team=make_team(session))
    # The values a row must turn into exactly: times with and without microseconds, JSON
    # documents null, empty, nested and holding an integer past 64 bits, a JSON string.
    make_account(session, rep, name="Alpha", segment="A", tags=["vieux", "école"],
                 custom={"big": 123456789012345678901234567890, "nested": {"b": [1, 2.5, None], "a": "é"}},
                 last_visit_at=datetime(2026, 3, 2, 8, 45, tzinfo=UTC),
                 next_due_at=datetime(2026, 4, 1, 9, 30, 15, 123456, tzinfo=UTC),
                 segment_override={"segment": "A", "reason": "stratégique"}, opening_hours=None)
    make_account(session, rep, name="Bravo", segment="B", tags=[], custom={}, attachment_ids=None)
    make_account(session, rep, name="Charlie", segment="A", opening_hours={"mon": [["08:00", "12:00"]]})
    make_account(session, other, name="Delta", segment="A")
    make_account(session, outsider, name="Echo", segment="A")
    for account_name in ("Alpha", "Bravo"):
        make_contact(session, next(a for a in rep_accounts(session, rep) if a.name == account_name))
    session.commit()
    return {"rep": rep, "other": other, "manager": manager}


def rep_accounts(session, rep):
    from sqlalchemy import select

    from server.accounts.models import Account
    return session.scalars(select(Account).where(Account.owner_id == rep.id)).all()


def each_item_as_its_get(client, headers, path, items):
    return [client.get(f"{path}/{item['id']}", headers=headers).get_json() for item in items]


@pytest.mark.parametrize("who, names", [("rep", ["Alpha", "Bravo", "Charlie"]),
                                        ("manager", ["Alpha", "Bravo", "Charlie", "Delta"])])
def test_a_page_of_accounts_is_each_account_as_its_get_answers_it(app, client, team_accounts, who, names):
    headers = token_headers(app, team_accounts[who])

    body = client.get("/api/accounts?limit=50", headers=headers).get_json()

    assert [item["name"] for item in body["items"]] == names
    assert body["total"] == len(names)
    assert body["items"] == each_item_as_its_get(client, headers, "/api/accounts", body["items"])
    alpha = body["items"][0]
    assert alpha["custom"]["big"] == 123456789012345678901234567890  # exact, not a float
    assert alpha["last_visit_at"] == "2026-03-02T08:45:00Z"
    assert alpha["next_due_at"] == "2026-04-01T09:30:15.123456Z"
    assert alpha["tags"] == ["vieux", "école"] and alpha["opening_hours"] is None


def test_equal_filters_and_pages_count_every_match(app, client, team_accounts):
    headers = token_headers(app, team_accounts["manager"])

    first = client.get("/api/accounts?segment=A&limit=2", headers=headers).get_json()
    second = client.get("/api/accounts?segment=A&limit=2&page=2", headers=headers).get_json()
    mine = client.get(f"/api/accounts?owner_id={team_accounts['other'].id}", headers=headers).get_json()

    assert [i["name"] for i in first["items"]] == ["Alpha", "Charlie"] and first["total"] == 3
    assert [i["name"] for i in second["items"]] == ["Delta"] and second["total"] == 3
    assert [i["name"] for i in mine["items"]] == ["Delta"] and mine["total"] == 1


def test_a_page_past_the_last_still_counts_the_matches(app, client, team_accounts):
    headers = token_headers(app, team_accounts["rep"])

    body = client.get("/api/accounts?limit=2&page=5", headers=headers).get_json()
    nothing = client.get("/api/accounts?segment=C", headers=headers).get_json()

    assert body == {"items": [], "total": 3}
    assert nothing == {"items": [], "total": 0}


def test_a_page_of_contacts_is_each_contact_as_its_get_answers_it(app, client, team_accounts):
    headers = token_headers(app, team_accounts["rep"])

    body = client.get("/api/contacts", headers=headers).get_json()

    assert body["total"] == 2 and len(body["items"]) == 2
    assert body["items"] == each_item_as_its_get(client, headers, "/api/contacts", body["items"])


@pytest.mark.parametrize("stored, answered", [
    ("2026-03-02 08:45:00.000000", "2026-03-02T08:45:00Z"),
    ("2026-03-02 08:45:00.000120", "2026-03-02T08:45:00.000120Z"),
    ("2026-03-02 08:45:00", "2026-03-02T08:45:00Z"),  # written by hand: parsed
    ("2026-03-02 08:45:00.5", "2026-03-02T08:45:00.500000Z"),
    ("2026-03-02T10:45:00+02:00", "2026-03-02T08:45:00Z"),
])
def test_utc_times_read_as_text_are_written_as_the_api_writes_them(stored, answered):
    assert utc_time(stored) == answered
