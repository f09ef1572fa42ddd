"""A telemarketer moves a booked appointment to another rep of the account's team (the rep is
ill, or a colleague is better placed): PATCH /api/appointments/{id} with `rep_id`
(server/agenda/entity.py). The account keeps its owner; both reps' kept tours go stale and
are planned again, the colleague's with the appointment, the owner's without the account
(still booked that week). Refused, as a problem naming the field, for a rep outside the
account's team or inactive (422 `rep_id`) and on a day the colleague does not work (409 `start`)."""
from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select

from server.agenda.models import Absence
from server.agenda.workdays import holiday_calendar
from server.tours.models import TourPlan
from server.users.models import Team
from tests.factories import make_user
from tests.tours.world import HOME, HOURS, a_working_day, make_world


@pytest.fixture
def world(session):
    world = make_world(session, due_accounts=6)  # overdue A, B and C accounts near home
    team = session.get(Team, world.rep.team_id)
    world.colleague = make_user(session, "rep", team=team, timezone="Europe/Paris", working_hours=HOURS,
                                home_lat=HOME[0] + 0.02, home_lon=HOME[1] + 0.02)
    session.commit()
    return world


def _quiet_monday():
    """A coming Monday whose week and the next Monday hold no public holiday: the tests book and
    plan several of those days."""
    monday = a_working_day(weekday=0)
    while any(holiday_calendar("FR").get(monday + timedelta(days=n)) for n in range(8)):
        monday += timedelta(weeks=1)
    return monday


def _tour(app, client, world, rep, day) -> dict:
    response = client.get(f"/api/tours/{rep.id}/{day.isoformat()}", headers=world.headers(app, "tele"))
    assert response.status_code == 200, response.get_json()
    return response.get_json()


def _kept(session, rep, day) -> dict:
    session.expire_all()
    return session.scalar(select(TourPlan.plan).where(TourPlan.rep_id == rep.id, TourPlan.date == day))


def _booked(app, client, world, day) -> dict:
    """An overdue account of the rep booked for the rep on `day`, 10:00–11:00 (the rep's time)."""
    account = world.accounts[0]
    response = client.post("/api/appointments", headers=world.headers(app, "tele"), json={
        "rep_id": world.rep.id, "account_id": account.id, "start": f"{day.isoformat()}T10:00:00",
        "end": f"{day.isoformat()}T11:00:00", "purpose": "Présentation"})
    assert response.status_code == 201, response.get_json()
    return response.get_json()


def _move(app, client, world, appointment, rep_id, who="tele"):
    return client.patch(f"/api/appointments/{appointment['id']}", headers=world.headers(app, who),
                        json={"base_version": appointment["version"], "changes": {"rep_id": rep_id}})


def test_an_appointment_moves_to_a_colleague_and_both_tours_follow(app, client, session, world):
    monday = _quiet_monday()
    tuesday = monday + timedelta(days=1)
    appointment = _booked(app, client, world, tuesday)
    for rep in (world.rep, world.colleague):  # kept plans of both reps, before the move
        _tour(app, client, world, rep, tuesday)
    assert world.accounts[0].id not in {s["account_id"] for s in _tour(app, client, world, world.rep, monday)["stops"]}

    response = _move(app, client, world, appointment, world.colleague.id)

    assert response.status_code == 200, response.get_json()
    moved = response.get_json()
    assert moved["rep_id"] == world.colleague.id and moved["start"] == appointment["start"]
    assert moved["version"] > appointment["version"]
    account = client.get(f"/api/accounts/{appointment['account_id']}", headers=world.headers(app, "tele")).get_json()
    assert account["owner_id"] == world.rep.id  # the colleague covers the visit; the account stays the rep's
    assert _kept(session, world.rep, tuesday)["stale"] is True
    assert _kept(session, world.colleague, tuesday)["stale"] is True
    assert _kept(session, world.rep, monday)["stale"] is True  # the rep's week no longer holds the booking
    theirs = _tour(app, client, world, world.colleague, tuesday)["stops"]
    assert [(s["account_id"], s["kind"], s["appointment_id"]) for s in theirs if s["kind"] == "appointment"] == [
        (appointment["account_id"], "appointment", appointment["id"])]
    # The owner's days do not plan the account around its colleague's visit of the week.
    for day in (monday, tuesday):
        assert appointment["account_id"] not in {s["account_id"] for s in _tour(app, client, world, world.rep, day)["stops"]}

    back = _move(app, client, world, moved, world.rep.id, who="manager")  # and back to the owner
    assert back.status_code == 200, back.get_json()
    assert back.get_json()["rep_id"] == world.rep.id
    assert _kept(session, world.colleague, tuesday)["stale"] is True


def test_a_cancelled_colleagues_booking_gives_the_account_back_to_its_owner(app, client, session, world):
    monday = _quiet_monday()
    moved = _move(app, client, world, _booked(app, client, world, monday + timedelta(days=2)), world.colleague.id)
    assert moved.status_code == 200, moved.get_json()
    assert moved.get_json()["account_id"] not in {s["account_id"] for s in _tour(app, client, world, world.rep, monday)["stops"]}

    cancelled = client.patch(f"/api/appointments/{moved.get_json()['id']}", headers=world.headers(app, "tele"),
                             json={"changes": {"status": "cancelled"}})

    assert cancelled.status_code == 200, cancelled.get_json()
    assert _kept(session, world.rep, monday)["stale"] is True
    due = {s["account_id"] for s in _tour(app, client, world, world.rep, monday)["stops"] if s["kind"] in ("due", "overdue")}
    assert moved.get_json()["account_id"] in due


@pytest.mark.parametrize("who", ["other_team", "inactive", "manager"])
def test_a_move_to_someone_outside_the_accounts_team_of_reps_is_refused_naming_rep_id(app, client, session, world, who):
    appointment = _booked(app, client, world, a_working_day())
    if who == "other_team":
        target = world.other_rep
    elif who == "inactive":
        target = make_user(session, "rep", team=session.get(Team, world.rep.team_id), working_hours=HOURS,
                           timezone="Europe/Paris", active=False)
        session.commit()
    else:
        target = world.manager  # of the team, but not a rep

    response = _move(app, client, world, appointment, target.id)

    assert response.status_code == 422, response.get_json()
    assert response.headers["Content-Type"].startswith("application/problem+json")
    assert list(response.get_json()["errors"]) == ["rep_id"]
    after = client.get(f"/api/appointments/{appointment['id']}", headers=world.headers(app, "tele")).get_json()
    assert after["rep_id"] == world.rep.id and after["version"] == appointment["version"]


def test_a_move_to_a_colleague_on_their_day_off_is_refused_naming_start(app, client, session, world):
    day = a_working_day()
    appointment = _booked(app, client, world, day)
    session.add(Absence(user_id=world.colleague.id, first_day=day, last_day=day, reason="sick"))
    session.commit()

    response = _move(app, client, world, appointment, world.colleague.id)

    assert response.status_code == 409, response.get_json()
    problem = response.get_json()
    assert response.headers["Content-Type"].startswith("application/problem+json")
    assert problem["type"].endswith("/overlap") and list(problem["errors"]) == ["start"]
    assert "absent" in problem["errors"]["start"][0]
    after = client.get(f"/api/appointments/{appointment['id']}", headers=world.headers(app, "tele")).get_json()
    assert after["rep_id"] == world.rep.id


def test_a_move_onto_a_colleagues_booked_time_is_refused(app, client, session, world):
    from tests.factories import make_account
    day = a_working_day()
    appointment = _booked(app, client, world, day)
    theirs = make_account(session, world.colleague, name="Client du collègue", lat=HOME[0], lon=HOME[1])
    session.commit()
    taken = client.post("/api/appointments", headers=world.headers(app, "tele"), json={
        "rep_id": world.colleague.id, "account_id": theirs.id, "start": f"{day.isoformat()}T10:30:00",
        "end": f"{day.isoformat()}T11:30:00"})
    assert taken.status_code == 201, taken.get_json()

    response = _move(app, client, world, appointment, world.colleague.id)

    assert response.status_code == 409, response.get_json()
    assert list(response.get_json()["errors"]) == ["start"]


def test_the_owner_counts_its_colleagues_booking_as_the_accounts_visit_the_weeks_after(app, client, session, world):
    tuesday = _quiet_monday() + timedelta(days=1)
    moved = _move(app, client, world, _booked(app, client, world, tuesday), world.colleague.id)
    assert moved.status_code == 200, moved.get_json()
    next_monday = tuesday + timedelta(days=6)

    stops = _tour(app, client, world, world.rep, next_monday)["stops"]

    assert moved.get_json()["account_id"] not in {s["account_id"] for s in stops}
    assert any(s["kind"] in ("due", "overdue") for s in stops)  # the owner's other accounts still planned


def _visit(app, client, colleague, account_id: str) -> dict:
    """The colleague's tablet pushes an on-site visit of `account_id`, started an hour ago."""
    from server.db import new_id, utcnow
    from tests.factories import token_headers
    started = (utcnow() - timedelta(hours=1)).isoformat()
    push = client.post("/api/sync/push", headers=token_headers(app, colleague), json={"client_id": "stand-in", "mutations": [
        {"mutation_id": new_id(), "entity": "visit", "op": "create", "id": new_id(), "client_time": started,
         "changes": {"account_id": account_id, "kind": "onsite", "outcome": "follow-up", "started_at": started}}]})
    assert push.status_code == 200, push.get_json()
    return push.get_json()["results"][0]


def test_the_colleague_logs_the_visit_at_the_account_it_covers_and_no_other(app, client, session, world):
    """A stand-in's visit is applied at the account whose appointment it holds (the account's dates
    move, as for the owner's visit); at another of the owner's accounts, or once the appointment is
    cancelled, it is refused as out of scope (a user trial's stand-in saw its visit refused)."""
    from server.accounts.models import Account
    appointment = _booked(app, client, world, _quiet_monday() + timedelta(days=1))
    moved = _move(app, client, world, appointment, world.colleague.id).get_json()

    applied = _visit(app, client, world.colleague, appointment["account_id"])
    assert applied["status"] == "applied", applied
    session.expire_all()
    assert session.get(Account, appointment["account_id"]).last_visit_at is not None
    other = _visit(app, client, world.colleague, world.accounts[1].id)
    assert other["status"] == "rejected" and list(other["error"]["errors"]) == ["account_id"]

    cancelled = client.patch(f"/api/appointments/{moved['id']}", headers=world.headers(app, "tele"),
                             json={"base_version": moved["version"], "changes": {"status": "cancelled"}})
    assert cancelled.status_code == 200, cancelled.get_json()
    after = _visit(app, client, world.colleague, appointment["account_id"])
    assert after["status"] == "rejected", after
