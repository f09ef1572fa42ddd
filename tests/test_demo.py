"""`tournee demo`: the users of API.md, ~300 accounts per rep around its town, segments
near 15/35/50 %, appointments over the current and next two weeks, and a second run
that changes nothing. The demo is loaded once per backend, and again for a test after one
that wrote to it (`demo`): each test sees it as the command left it, in any order."""
from __future__ import annotations

from datetime import timedelta
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import func, select

from server import create_app
from server.accounts.models import Account, Contact
from server.agenda.models import Appointment
from server.config import TestConfig
from server.db import utcnow
from server.demo.places import TOWNS, distance_km
from server.extensions import db
from server.forecast.models import Opportunity
from server.quotes.models import QUOTE_STATUSES, QuoteRequest
from server.segmentation.models import CommercialModel
from server.users.models import Team, User
from server.users.passwords import verify_password
from server.visits.models import Task, Visit
from sync.models import ChangeCounter
from tests.conftest import _empty_tables

SYNCABLE = (Account, Contact, Visit, Appointment, Task, QuoteRequest, Opportunity)


@pytest.fixture(scope="module")
def demo_app(database_url, tmp_path_factory):
    """The module's app on the test database; `demo` loads the demo in it."""
    app = create_app(TestConfig, SQLALCHEMY_DATABASE_URI=database_url,
                     ATTACHMENTS_DIR=tmp_path_factory.mktemp("attachments"))
    yield app
    with app.app_context():
        db.session.remove()
        db.engine.dispose()


def _change_counter() -> int | None:
    counter = db.session.get(ChangeCounter, 1)
    return counter.value if counter is not None else None


@pytest.fixture
def demo(demo_app):
    """An app whose database holds the demo as the real command loaded it, whatever the tests
    before did: loaded once, and again for a test when one before it wrote (kept a tour, through
    an API call: the change counter moved) or emptied the tables (the conftest `app`)."""
    with demo_app.app_context():
        if demo_app.config.get("DEMO_COUNTER") is None or _change_counter() != demo_app.config["DEMO_COUNTER"]:
            _empty_tables()
            result = demo_app.test_cli_runner().invoke(args=["demo"])
            assert result.exit_code == 0, result.output
            demo_app.config["DEMO_OUTPUT"] = result.output
            demo_app.config["DEMO_COUNTER"] = _change_counter()
        db.session.remove()
    return demo_app


@pytest.fixture
def demo_session(demo):
    with demo.app_context():
        yield db.session
        db.session.remove()


def counts(session) -> dict[str, int]:
    return {model.__tablename__: session.scalar(select(func.count()).select_from(model)) for model in SYNCABLE}


def max_version(session) -> int:
    return max(session.scalar(select(func.max(model.version))) or 0 for model in SYNCABLE)


def test_demo_prints_a_summary(demo):
    assert "1500 accounts" in demo.config["DEMO_OUTPUT"]


def test_demo_users_have_the_documented_roles_and_password(demo_session):
    users = {u.email: u for u in demo_session.scalars(select(User))}
    expected = {"admin@example.com": "admin", "manager@example.com": "manager", "tele@example.com": "telemarketer",
                "backoffice@example.com": "backoffice"} | {f"rep{n}@example.com": "rep" for n in range(1, 6)}
    assert {email: users[email].role for email in expected} == expected
    team = demo_session.scalar(select(Team).where(Team.name == "Bourgogne-Franche-Comté"))
    assert {u.email for u in users.values() if u.team_id == team.id} == {
        "manager@example.com", "tele@example.com", *(f"rep{n}@example.com" for n in range(1, 6))}
    assert sorted(t.name for t in users["backoffice@example.com"].technical_teams) == [
        "Atelier moteurs", "Service technique"]
    assert verify_password(users["rep1@example.com"].password_hash, "tournee-demo")
    rep = users["rep1@example.com"]
    assert rep.timezone == "Europe/Paris" and rep.ics_token_hash and rep.working_hours["lunch"] == ["12:00", "14:00", 60]


def test_every_technical_team_a_rule_routes_to_reaches_someone(demo_session):
    """The headline case under `make run`: a motor quote requested on site reaches a person.

    A team reaches someone when it has a member (its inbox is read) or an outbound channel."""
    from server.quotes.models import RoutingRule, TechnicalTeam
    targets = demo_session.scalars(select(TechnicalTeam).where(
        TechnicalTeam.id.in_(select(RoutingRule.team_id)) | TechnicalTeam.is_default.is_(True))).all()
    assert {t.name for t in targets} == {"Atelier moteurs", "Service technique"}
    members = {t.id: [u.email for u in demo_session.scalars(select(User)) if t in u.technical_teams] for t in targets}
    assert all(members[t.id] or (t.channel != "inbox" and t.disabled_at is None) for t in targets), members


def test_the_lines_of_interest_are_the_companys_product_lines(demo_session):
    """An account's "Product lines of interest" offers the lines a quote request names, in both
    languages: a rep never types "Compressors" as a quote's line because the account showed it."""
    from server.customfields.models import CustomField
    from server.quotes.product_lines import product_lines
    field = demo_session.scalar(select(CustomField).where(CustomField.key == "gamme_interet"))
    lines = product_lines(demo_session)
    assert field.options == [line["key"] for line in lines]
    assert field.option_labels == {line["key"]: line["label"] for line in lines}


def test_each_demo_team_is_led_by_its_manager(demo_session):
    """The README names Claire Dubois as the team's manager: the team must point at her."""
    team = demo_session.scalar(select(Team).where(Team.name == "Bourgogne-Franche-Comté"))
    manager = demo_session.scalar(select(User).where(User.email == "manager@example.com"))
    assert team.manager_id == manager.id and manager.name == "Claire Dubois"


def test_each_rep_owns_about_300_accounts_near_its_home_base(demo_session):
    for n, town in enumerate(TOWNS, start=1):
        rep = demo_session.scalar(select(User).where(User.email == f"rep{n}@example.com"))
        assert (rep.home_lat, rep.home_lon) == (town.lat, town.lon)
        points = demo_session.execute(select(Account.lat, Account.lon).where(Account.owner_id == rep.id)).all()
        assert 270 <= len(points) <= 330
        farthest = max(distance_km(rep.home_lat, rep.home_lon, lat, lon) for lat, lon in points)
        assert farthest < 60, (town.name, farthest)


def test_segments_are_about_15_35_50_and_match_the_model(demo_session):
    total = demo_session.scalar(select(func.count()).select_from(Account))
    shares = {seg: n / total for seg, n in demo_session.execute(select(Account.segment, func.count()).group_by(Account.segment))}
    for segment, target in {"A": 0.15, "B": 0.35, "C": 0.50}.items():
        assert abs(shares[segment] - target) <= 0.08, shares
    assert demo_session.scalar(select(func.count()).where(Account.segment != Account.computed_segment)) == 0
    model = demo_session.scalar(select(CommercialModel).where(CommercialModel.active.is_(True)))
    assert model.version == 1 and model.definition["time_split"] == {"A": 0.5, "B": 0.35, "C": 0.15}


def test_stored_segments_are_the_engines(demo_session):
    from server.segmentation import scoring
    model = demo_session.scalar(select(CommercialModel).where(CommercialModel.active.is_(True)))
    scorer = scoring.Scorer(model.definition)
    rows = demo_session.execute(select(Account.custom, Account.segment, Account.weight_score,
                                       Account.potential_score)).all()
    assert all(scorer.score(custom) == (w, p, segment) for custom, segment, w, p in rows)


def test_appointments_fill_the_current_and_next_two_weeks_without_overlap(demo_session):
    paris = ZoneInfo("Europe/Paris")
    today = utcnow().astimezone(paris).date()
    monday = today - timedelta(days=today.weekday())
    appointments = demo_session.scalars(select(Appointment)).all()
    weeks = {(a.start.astimezone(paris).date() - monday).days // 7 for a in appointments}
    assert weeks == {0, 1, 2} or (today.weekday() >= 5 and weeks >= {1, 2})
    tele = demo_session.scalar(select(User.id).where(User.email == "tele@example.com"))
    assert {a.booked_by for a in appointments} == {tele}
    by_rep: dict[str, list[Appointment]] = {}
    for a in appointments:
        local_start, local_end = a.start.astimezone(paris), a.end.astimezone(paris)
        assert local_start.weekday() < 5 and "08:30" <= local_start.strftime("%H:%M") and local_end.strftime("%H:%M") <= "18:00"
        assert a.status == "booked" or (a.status == "done" and a.end <= utcnow())
        by_rep.setdefault(a.rep_id, []).append(a)
    for rep_appointments in by_rep.values():
        rep_appointments.sort(key=lambda a: a.start)
        assert all(x.end <= y.start for x, y in zip(rep_appointments, rep_appointments[1:]))
        assert len(rep_appointments) >= 20  # about 2 per working day over 3 weeks


def test_history_and_due_dates_follow_the_cadence(demo_session):
    now = utcnow()
    assert demo_session.scalar(select(func.count()).where(Visit.started_at > now)) == 0
    assert demo_session.scalar(select(func.count()).select_from(Visit)) > 12_000
    due_soon = demo_session.scalar(select(func.count()).where(Account.next_due_at < now + timedelta(days=14)))
    assert due_soon > 150
    statuses = {s for (s,) in demo_session.execute(select(QuoteRequest.status).distinct())}
    assert statuses == set(QUOTE_STATUSES) - {"undeliverable"}
    assert demo_session.scalar(select(func.count()).where(Task.status == "open")) >= 5


def test_every_expected_close_date_is_a_worked_day(demo_session):
    """Nobody expects to close on a Saturday or on a public holiday (a user trial saw both)."""
    from server.agenda.workdays import holiday_calendar
    days = [d for (d,) in demo_session.execute(select(Opportunity.expected_close).where(
        Opportunity.expected_close.is_not(None)))]
    assert len(days) > 100
    holidays = holiday_calendar("FR")
    assert [d for d in days if d.weekday() >= 5 or d in holidays] == []


def test_versions_come_from_the_change_counter(demo_session):
    versions = [v for model in SYNCABLE for (v,) in demo_session.execute(select(model.version))]
    assert min(versions) > 0 and len(set(versions)) == len(versions)
    assert demo_session.get(ChangeCounter, 1).value == max(versions)


def test_running_demo_again_changes_nothing(demo, demo_session):
    before = counts(demo_session), max_version(demo_session)
    demo_session.close()  # SQLite: our open transaction would hold the write lock
    result = demo.test_cli_runner().invoke(args=["demo"])
    assert result.exit_code == 0, result.output
    assert "nothing changed" in result.output
    demo_session.expire_all()
    assert (counts(demo_session), max_version(demo_session)) == before


def _reimport_export(demo, demo_session, export: str, kind: str, table: str) -> None:
    """Export `export` as the admin, import it back as `kind`: nothing created or updated,
    every line unchanged, and no record or version moved."""
    import io

    from tests.factories import token_headers
    admin = demo_session.scalar(select(User).where(User.email == "admin@example.com"))
    headers = token_headers(demo, admin)
    before = counts(demo_session), max_version(demo_session)
    demo_session.close()
    client = demo.test_client()
    exported = client.get(export, headers=headers)
    assert exported.status_code == 200
    assert len(exported.get_data(as_text=True).splitlines()) == before[0][table] + 1
    body = {"file": (io.BytesIO(exported.get_data()), f"{table}.csv"), "kind": kind}
    response = client.post("/api/accounts/import", data=body, headers=headers, content_type="multipart/form-data")
    assert response.status_code == 200, response.get_json()
    outcome = response.get_json()
    assert (outcome["created"], outcome["updated"], outcome["unchanged"]) == (0, 0, before[0][table])
    demo_session.expire_all()
    assert (counts(demo_session), max_version(demo_session)) == before


def test_exported_accounts_import_back_unchanged(demo, demo_session):
    """API.md → Account files: every export re-imports unchanged, whoever created the records."""
    _reimport_export(demo, demo_session, "/api/accounts/export.csv", "accounts", "account")


def test_exported_contacts_import_back_unchanged(demo, demo_session):
    """The demo's contacts export re-imports as it is: every generated address passes the
    same e-mail check as one typed in (a domain cut on a hyphen did not)."""
    _reimport_export(demo, demo_session, "/api/contacts/export.csv", "contacts", "contact")


def test_over_three_weeks_no_account_is_planned_twice_in_a_week(demo, demo_session):
    """API.md → Working days: an account booked in a week is not planned again that week as
    due, and an account due once appears once, on the demo's real agendas."""
    from server.actor import Actor
    from server.tours.service import week

    rep = demo_session.scalar(select(User).where(User.email == "rep1@example.com"))
    today = utcnow().astimezone(ZoneInfo("Europe/Paris")).date()
    demo.config["TOUR_TIME_LIMIT_S"] = 0.2
    for n in range(3):
        doc = week(session=demo_session, actor=Actor.of(rep), rep_id=rep.id, day=today + timedelta(weeks=n),
                   config=demo.config)
        seen = [s["account_id"] for day in doc["days"] for s in day["stops"]]
        assert seen, f"week {n} has stops"
        doubles = {a for a in seen if seen.count(a) > 1}
        assert not doubles, f"week {n}: planned twice: {doubles}"
        assert all(day["working_day"] for day in doc["days"])


def test_no_demo_day_is_reduced_to_its_appointments(demo, demo_session):
    """A user trial found demo days (Wednesday 16 December 2026: 3 stops) that kept only their
    appointments, every due account left out as "the booked appointments cannot all be reached
    in time", because one booking could not be driven to in time. Over the demo's three weeks of
    bookings, every rep's day keeps every appointment, still plans due visits, and marks each
    late appointment's stop with its lateness (the request path's quick plan: nothing stored)."""
    from server.demo.appointments import appointment_window
    from server.tours.context import load_rep
    from server.tours.dayplan import APPOINTMENTS_CLASH
    from server.tours.planning import gather, quick_travel, solve

    now = utcnow()
    days = planned = 0
    for user in demo_session.scalars(select(User).where(User.role == "rep").order_by(User.email)):
        rep = load_rep(demo_session, user.id)
        first, last = appointment_window(now.astimezone(rep.tz).date())
        for day in (first + timedelta(days=n) for n in range((last - first).days + 1)):
            if rep.span(day) is None or day <= now.astimezone(rep.tz).date():
                continue
            g = gather(demo_session, rep, day, now=now, horizon_days=7)
            doc = solve(g, travel=quick_travel(demo.config), time_limit_s=0.05, now=now, solver="fallback")
            shown = {s["appointment_id"]: s for s in doc["stops"] if s["kind"] == "appointment"}
            assert set(shown) == {a.id for a in g.inputs.appointments}, (user.email, day)
            assert doc["solver"] == "fallback" and APPOINTMENTS_CLASH not in {u["reason"] for u in doc["unplanned"]}
            for stop in shown.values():
                warned = f"cannot reach appointment {stop['appointment_id']} in time" in doc["warnings"]
                assert (stop["late_min"] > 0) == warned and (stop["arrive"] != stop["booked_start"]) == warned
            days += 1
            planned += any(s["kind"] != "appointment" for s in doc["stops"])
    assert days and planned == days


def test_every_date_time_the_api_emits_carries_its_zone(demo):
    """API.md → Working days: API times with an offset (or Z), never a floating local time,
    across a manager's whole pull (every entity), a tour and the slots."""
    import re

    iso_time = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d")
    zoned = re.compile(r"(Z|[+-]\d\d:\d\d)$")
    client = demo.test_client()

    def token(email):
        body = client.post("/api/auth/login", json={"email": email, "password": "tournee-demo"}).get_json()
        return {"Authorization": f"Bearer {body['access_token']}"}, body["user"]

    def floating(value, path="$"):
        if isinstance(value, dict):
            return [f for k, v in value.items() for f in floating(v, f"{path}.{k}")]
        if isinstance(value, list):
            return [f for i, v in enumerate(value) for f in floating(v, f"{path}[{i}]")]
        return [f"{path}={value}"] if isinstance(value, str) and iso_time.match(value) and not zoned.search(value) else []

    manager, _ = token("manager@example.com")
    rep_headers, rep = token("rep1@example.com")
    documents, cursor = [], "0"
    while True:
        page = client.get(f"/api/sync/pull?since={cursor}&limit=1000", headers=manager).get_json()
        documents.append(page)
        cursor = page["cursor"]
        if not page["has_more"]:
            break
    day = (utcnow() + timedelta(days=7)).date().isoformat()
    documents.append(client.get(f"/api/tours/{rep['id']}/{day}", headers=rep_headers).get_json())
    account = documents[0]["changes"][0]["data"]["id"]
    documents.append(client.get(f"/api/accounts/{account}", headers=manager).get_json())
    pulled = {c["entity"] for d in documents for c in d.get("changes", [])}
    assert pulled >= {"account", "contact", "visit", "task", "appointment", "quote_request"}
    assert [f for d in documents for f in floating(d)] == []


def test_large_scale_makes_100_reps_in_10_teams(app, session):
    from server.demo import load_demo
    summary = load_demo(scale="large", reps_accounts=3)
    assert "300 accounts" in summary
    reps = session.scalars(select(User).where(User.role == "rep")).all()
    assert len(reps) == 100 and len({r.team_id for r in reps}) == 10
    assert session.scalar(select(func.count()).select_from(Team)) == 10
    assert session.scalar(select(func.count()).where(User.role == "manager")) == 10
    managers = {u.id: u.team_id for u in session.scalars(select(User).where(User.role == "manager"))}
    assert {t.manager_id: t.id for t in session.scalars(select(Team))} == managers
    assert "nothing changed" in load_demo(scale="large", reps_accounts=3)
