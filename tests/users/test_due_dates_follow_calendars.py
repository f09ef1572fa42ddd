"""Stored due dates follow a change of the working calendar (server/accounts/due_dates.py):
a team's holiday calendar, a rep's team or a rep's weekly hours changed by an admin moves
the `next_due_at` that now fall on a day off to the next worked day, and tablets pull them."""
from __future__ import annotations

from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest

from server.accounts.models import Account
from server.tours.models import TourPlan
from tests.factories import make_account, make_team, make_user, token_headers
from tests.sync.helpers import Tablet

PARIS = ZoneInfo("Europe/Paris")
WEEK = {day: ["08:00", "18:00"] for day in ("mon", "tue", "wed", "thu", "fri")}


def at(day: date) -> datetime:
    return datetime(day.year, day.month, day.day, 9, 30, tzinfo=PARIS)


@pytest.fixture
def company(session):
    team = make_team(session, "Lorraine")  # "FR" by default
    other = make_team(session, "Moselle")
    other.holidays = "FR-57"
    admin = make_user(session, "admin", email="ada@test.example")
    rep = make_user(session, "rep", team=team, email="rita@test.example", working_hours=dict(WEEK))
    session.commit()
    return {"team": team, "other": other, "admin": admin, "rep": rep}


def _stored(session, account_id) -> tuple[datetime, int]:
    session.expire_all()
    account = session.get(Account, account_id)
    return account.next_due_at.astimezone(PARIS), account.version


def _pulled(tablet: Tablet) -> dict[str, dict]:
    return {change["id"]: change["data"] for change in tablet.pull() if change["entity"] == "account"}


def test_a_team_moved_to_the_moselle_calendar_moves_a_due_date_off_26_december(app, client, session, company):
    rep = company["rep"]
    boxing_day = make_account(session, rep, next_due_at=at(date(2028, 12, 26)))  # a Tuesday: Moselle's holiday only
    worked = make_account(session, rep, next_due_at=at(date(2028, 12, 28)))  # a Thursday worked either way
    session.commit()
    kept_version = _stored(session, worked.id)[1]
    tablet = Tablet(client, token_headers(app, rep))
    tablet.pull()  # the tablet is up to date

    changed = client.patch(f"/api/teams/{company['team'].id}", json={"holidays": "FR-57"},
                           headers=token_headers(app, company["admin"]))
    assert changed.status_code == 200, changed.get_data(as_text=True)

    due, _version = _stored(session, boxing_day.id)
    assert (due.date(), due.time()) == (date(2028, 12, 27), at(date(2028, 12, 26)).time())  # Wednesday, same hour
    assert _stored(session, worked.id) == (at(date(2028, 12, 28)), kept_version)  # untouched
    pulled = _pulled(tablet)
    assert set(pulled) == {boxing_day.id}  # newer than the tablet's cursor: the moved one only
    assert datetime.fromisoformat(pulled[boxing_day.id]["next_due_at"]).astimezone(PARIS).date() == date(2028, 12, 27)


def test_a_rep_moved_to_a_team_with_more_holidays_gets_its_due_dates_moved(app, client, session, company):
    good_friday = make_account(session, company["rep"], next_due_at=at(date(2027, 3, 26)))
    session.commit()
    changed = client.patch(f"/api/users/{company['rep'].id}", json={"team_id": company["other"].id},
                           headers=token_headers(app, company["admin"]))
    assert changed.status_code == 200, changed.get_data(as_text=True)
    # Good Friday is Moselle's holiday; the weekend, then Easter Monday (everywhere in France): Tuesday
    assert _stored(session, good_friday.id)[0].date() == date(2027, 3, 30)


def test_a_rep_who_stops_working_wednesdays_gets_its_wednesday_due_dates_moved(app, client, session, company):
    rep = company["rep"]
    wednesday = make_account(session, rep, next_due_at=at(date(2028, 11, 15)))
    tuesday = make_account(session, rep, next_due_at=at(date(2028, 11, 14)))
    session.commit()
    before = {a.id: _stored(session, a.id) for a in (wednesday, tuesday)}
    tablet = Tablet(client, token_headers(app, rep))
    tablet.pull()

    hours = {day: span for day, span in WEEK.items() if day != "wed"}
    changed = client.patch(f"/api/users/{rep.id}", json={"working_hours": hours},
                           headers=token_headers(app, company["admin"]))
    assert changed.status_code == 200, changed.get_data(as_text=True)

    due, version = _stored(session, wednesday.id)
    assert (due.date(), due.time()) == (date(2028, 11, 16), before[wednesday.id][0].time())  # Thursday, same hour
    assert version > before[wednesday.id][1]
    assert _stored(session, tuesday.id) == before[tuesday.id]
    assert set(_pulled(tablet)) == {wednesday.id}


def test_a_change_that_leaves_the_calendar_as_it_was_moves_nothing_and_keeps_the_plans(app, client, session, company):
    rep = company["rep"]
    account = make_account(session, rep, next_due_at=at(date(2028, 12, 26)))
    session.commit()
    before = _stored(session, account.id)
    admin = token_headers(app, company["admin"])
    assert client.patch(f"/api/teams/{company['team'].id}", json={"name": "Lorraine Nord"}, headers=admin).status_code == 200
    assert client.patch(f"/api/users/{rep.id}", json={"name": "Rita R."}, headers=admin).status_code == 200
    assert _stored(session, account.id) == before


def test_the_kept_plans_of_a_rep_whose_calendar_changed_go_stale(app, client, session, company):
    """As an absence makes its days' kept plans stale: the worked days and due lists changed."""
    rep = company["rep"]
    kept = TourPlan(rep_id=rep.id, date=date(2028, 12, 27), plan={"stops": []})
    session.add(kept)
    session.commit()
    version = kept.version
    assert client.patch(f"/api/teams/{company['team'].id}", json={"holidays": "FR-57"},
                        headers=token_headers(app, company["admin"])).status_code == 200
    session.expire_all()
    plan = session.get(TourPlan, kept.id)
    assert plan.plan.get("stale") is True and plan.version > version


def test_a_manager_who_takes_a_new_team_with_more_holidays_gets_its_due_dates_moved(app, client, session, company):
    manager = make_user(session, "manager", team=company["team"], email="max@test.example")
    good_friday = make_account(session, manager, next_due_at=at(date(2027, 3, 26)))
    session.commit()
    made = client.post("/api/teams", json={"name": "Metz", "manager_id": manager.id, "holidays": "FR-57"},
                       headers=token_headers(app, company["admin"]))
    assert made.status_code == 201, made.get_data(as_text=True)
    assert _stored(session, good_friday.id)[0].date() == date(2027, 3, 30)
