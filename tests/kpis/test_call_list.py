"""GET /api/call-list: the team's accounts due for a visit with nothing booked, A first, most overdue first."""
from __future__ import annotations

from datetime import timedelta

from server.db import utcnow
from tests.factories import make_account, make_appointment


def test_due_accounts_in_priority_order_with_their_last_contact(client, headers, world, session):
    now = utcnow()
    for account, days in ((world.a1, -3), (world.a2, -20), (world.b1, -40), (world.c1, 5), (world.a3, 60)):
        account.next_due_at = now + timedelta(days=days)
    make_appointment(session, world.a2, world.r1, start=now + timedelta(days=2))  # booked: off the list
    make_appointment(session, world.b1, world.r1, start=now - timedelta(days=2))  # in the past: still on it
    never = make_account(session, world.r2, segment="A", computed_segment="A", next_due_at=None)
    session.commit()

    response = client.get("/api/call-list", headers=headers("tele"))
    assert response.status_code == 200
    items = response.get_json()["items"]
    names = [i["name"] for i in items]
    assert names == [world.a1.name, never.name, world.b1.name, world.b2.name, world.c1.name]
    first = items[0]
    assert first["late_days"] == 3 and first["owner_name"] == "R1"
    assert first["last_contact"]["outcome"] == "follow-up"  # a1's visit of 20 March
    assert first["last_contact"]["at"].startswith("2026-03-20")
    assert world.a4.name not in names  # another team


def test_filters_and_roles(client, headers, world, session):
    world.a1.next_due_at = utcnow()
    session.commit()
    only_r2 = client.get(f"/api/call-list?rep_id={world.r2.id}", headers=headers("manager")).get_json()["items"]
    assert {i["owner_id"] for i in only_r2} == {world.r2.id}
    only_a = client.get("/api/call-list?segment=A", headers=headers("tele")).get_json()["items"]
    assert {i["segment"] for i in only_a} == {"A"}
    assert client.get("/api/call-list?segment=D", headers=headers("tele")).status_code == 422
    assert client.get("/api/call-list", headers=headers("backoffice")).status_code == 403


def test_reps_in_scope_for_the_desk_pickers(client, headers, world):
    names = lambda who: [r["name"] for r in client.get("/api/reps", headers=headers(who)).get_json()]  # noqa: E731
    assert names("tele") == ["R1", "R2"]
    assert names("manager") == ["R1", "R2"]
    assert names("admin") == ["R1", "R2", "R3"]
    assert names("r2") == ["R2"]
    assert names("backoffice") == []  # no quote routed to its team yet
