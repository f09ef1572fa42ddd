"""A small sales team around Dijon for the tour, slot and booking tests."""
from __future__ import annotations

import random
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from server.agenda.workdays import holiday_calendar
from server.db import utcnow
from server.users.models import User
from tests.factories import make_account, make_appointment, make_team, make_user, token_headers

PARIS = ZoneInfo("Europe/Paris")
HOME = (47.3220, 5.0415)
HOURS = {d: ["08:30", "18:00"] for d in ("mon", "tue", "wed", "thu", "fri")} | {"lunch": ["12:00", "14:00", 60]}


def a_working_day(weeks_ahead: int = 1, weekday: int = 1) -> date:
    """A Tuesday (by default) of a coming week: in the future, so the whole day is open to
    planning, and not a French public holiday (a later week's when it is)."""
    today = datetime.now(PARIS).date()
    day = today - timedelta(days=today.weekday()) + timedelta(weeks=weeks_ahead, days=weekday)
    while holiday_calendar("FR").get(day):
        day += timedelta(weeks=1)
    return day


def local(day: date, hhmm: str) -> datetime:
    h, m = map(int, hhmm.split(":"))
    return datetime.combine(day, time(h, m), tzinfo=PARIS)


def minutes(iso: str) -> float:
    moment = datetime.fromisoformat(iso).astimezone(PARIS)
    return moment.hour * 60 + moment.minute + moment.second / 60


@dataclass
class World:
    rep: User
    other_rep: User
    manager: User
    other_manager: User
    tele: User
    backoffice: User
    admin: User
    accounts: list = field(default_factory=list)

    def headers(self, app, who: str) -> dict[str, str]:
        return token_headers(app, getattr(self, who))


def make_world(session, *, due_accounts: int = 30, seed: int = 7) -> World:
    team, other_team = make_team(session), make_team(session)
    profile = dict(timezone="Europe/Paris", home_lat=HOME[0], home_lon=HOME[1], working_hours=HOURS)
    world = World(
        rep=make_user(session, "rep", team=team, ics_token="feed-secret-1", **profile),
        other_rep=make_user(session, "rep", team=other_team, **profile),
        manager=make_user(session, "manager", team=team),
        other_manager=make_user(session, "manager", team=other_team),
        tele=make_user(session, "telemarketer", team=team),
        backoffice=make_user(session, "backoffice"),
        admin=make_user(session, "admin"),
    )
    rng = random.Random(seed)
    now = utcnow()
    for n in range(due_accounts):
        segment = "ABC"[n % 3]
        world.accounts.append(make_account(
            session, world.rep, name=f"Compte {n:02d}", segment=segment, computed_segment=segment,
            lat=HOME[0] + rng.uniform(-0.25, 0.25), lon=HOME[1] + rng.uniform(-0.35, 0.35),
            last_visit_at=now - timedelta(days=200), next_due_at=now - timedelta(days=rng.randint(1, 60))))
    session.commit()
    return world


def book(session, world: World, day: date, hhmm: str, minutes_long: int = 60, account=None):
    account = account or make_account(session, world.rep, name=f"RDV {hhmm}", segment="B", computed_segment="B",
                                      lat=HOME[0] + 0.05, lon=HOME[1] - 0.05)
    appointment = make_appointment(session, account, world.rep, start=local(day, hhmm).astimezone(UTC),
                                   minutes=minutes_long, status="booked")
    session.commit()
    return appointment
