"""What `GET /api/me` gives the tablet beside the user: its days off around today (weekly days
off, the team's public holidays named in each language, absences), so that offline, with no
plan stored for a day, the tablet knows as the server does whether it is worked; and the
team's manager, whom a rep with no account yet is told to ask (pwa/views/tour.js)."""
from __future__ import annotations

from datetime import date, datetime, timedelta

import time_machine

from server.agenda.models import Absence
from server.users.service import CALENDAR_AHEAD_DAYS
from tests.factories import make_team, make_user, token_headers

TUESDAY = datetime.fromisoformat("2026-12-01T10:00:00+01:00")


def test_me_lists_weekends_holidays_and_absences_of_the_coming_weeks(app, client, session):
    team = make_team(session)
    team.holidays = "FR-57"  # Moselle: 26 December is a holiday there too
    rep = make_user(session, "rep", team=team, working_hours={d: ["08:30", "18:00"] for d in ("mon", "tue", "wed", "thu", "fri")})
    session.add(Absence(user_id=rep.id, first_day=date(2026, 12, 9), last_day=date(2026, 12, 10), reason="training"))
    session.commit()
    with time_machine.travel(TUESDAY, tick=False):
        response = client.get("/api/me", headers=token_headers(app, rep))
    assert response.status_code == 200
    calendar = response.get_json()["calendar"]
    assert calendar["from"] == "2026-11-24"
    assert calendar["to"] == (date(2026, 12, 1) + timedelta(days=CALENDAR_AHEAD_DAYS)).isoformat()
    off = {d["date"]: d for d in calendar["days_off"]}
    assert off["2026-12-05"]["kind"] == off["2026-12-06"]["kind"] == "weekly"
    assert off["2026-12-09"] == {"date": "2026-12-09", "kind": "absence", "name": "training", "names": {}}
    assert off["2026-12-25"]["kind"] == "holiday"
    assert off["2026-12-25"]["names"] == {"fr": "Noël", "en": "Christmas Day"}
    assert off["2026-12-26"]["kind"] == "weekly"  # a Saturday: the weekly day off says it first
    assert off["2027-01-01"]["kind"] == "holiday"
    for worked in ("2026-12-01", "2026-12-04", "2026-12-08", "2026-12-24", "2026-12-28"):
        assert worked not in off
    assert all(calendar["from"] <= d <= calendar["to"] for d in off)


def test_me_counts_days_in_the_users_own_time_zone(app, client, session):
    """Half past midnight in Paris on Saturday is still Friday in UTC: the window starts from the
    user's own today."""
    rep = make_user(session, "rep")
    session.commit()
    with time_machine.travel(datetime.fromisoformat("2026-12-05T00:30:00+01:00"), tick=False):
        calendar = client.get("/api/me", headers=token_headers(app, rep)).get_json()["calendar"]
    assert calendar["from"] == "2026-11-28"


def test_me_names_the_manager_of_the_users_team_whom_a_rep_asks_for_accounts(app, client, session):
    team = make_team(session)
    boss = make_user(session, "manager", team=team, name="Marion Manager", email="marion@test.example")
    team.manager_id = boss.id
    rep = make_user(session, "rep", team=team)
    loner = make_user(session, "rep")
    session.commit()
    me = client.get("/api/me", headers=token_headers(app, rep))
    assert me.status_code == 200
    assert me.get_json()["manager"] == {"name": "Marion Manager", "email": "marion@test.example"}
    assert client.get("/api/me", headers=token_headers(app, loner)).get_json()["manager"] is None
    boss.active = False  # a manager who left is nobody to ask
    session.commit()
    assert client.get("/api/me", headers=token_headers(app, rep)).get_json()["manager"] is None
