"""Demo data: `tournee demo` loads believable French field-sales data, once.

`load_demo()` makes the users of API.md ("Demo data"), five reps around Dijon,
Beaune, Dole, Auxerre and Chalon-sur-Saône with about 300 accounts each, three
years of visits on the cadence of the default commercial model, appointments in
the current and next two weeks, three years of quote requests with their outcomes
(every status) and the reps' opportunities, and open tasks.
`scale="large"` makes 100 reps × 1,000 accounts for the benchmarks, one rep per
transaction so memory stays bounded.

Run again, it changes nothing: the admin user is created last and marks a
complete demo; a large run that was interrupted resumes with the reps it had not
reached. Content is reproducible (fixed seeds); ids and dates follow the day it
runs, so appointments always fall in the current and next weeks.
"""
from __future__ import annotations

import random
import sys
from dataclasses import dataclass
from datetime import timedelta
from time import perf_counter
from typing import Any

from faker import Faker
from sqlalchemy import func, select

from server.accounts.models import Account, Contact
from server.agenda.models import Appointment
from server.db import utcnow
from server.demo.accounts import make_portfolio
from server.demo.appointments import make_appointments, make_tasks
from server.demo.bulk import Writer
from server.demo.calendar import Agenda
from server.demo.fields import make_fields
from server.demo.history import make_history
from server.demo.people import Cast, Rep, active_model, admin_exists, make_admin, make_cast
from server.demo.quotes import make_quotes
from server.forecast.models import Opportunity
from server.quotes.models import QuoteEvent, QuoteRequest
from server.visits.models import Task, Visit
from sync.models import OutboxEvent

__all__ = ["load_demo"]

SEED = 20_26


@dataclass(frozen=True)
class Scale:
    reps: int
    accounts_per_rep: int
    reps_per_team: int
    streaming: bool  # commit after each rep


SCALES = {"normal": Scale(5, 300, 5, False), "large": Scale(100, 1000, 10, True)}


def load_demo(*, scale: str = "normal", reps_accounts: int | None = None, session=None) -> str:
    """Load the demo data unless it is there already; returns a one-line summary.

    `reps_accounts` overrides the number of accounts per rep (tests only).
    """
    from server.extensions import db

    session = session or db.session
    started = perf_counter()
    if admin_exists(session):
        return "demo: already loaded (admin@example.com exists), nothing changed"
    settings = SCALES[scale]
    per_rep = reps_accounts or settings.accounts_per_rep
    cast = make_cast(session, reps=settings.reps, reps_per_team=settings.reps_per_team)
    model = active_model(session)
    if settings.streaming:
        session.commit()
    writer = Writer(session)
    fake = Faker("fr_FR")
    for rep in cast.reps:
        owns = select(Account.id).where(Account.owner_id == rep.user.id).limit(1)
        if session.scalar(owns) is not None:
            continue  # loaded by an earlier run that stopped before the end
        _load_rep(session, writer, fake, rep, cast, model.definition, model.version, per_rep,
                  force=settings.streaming)
        if settings.streaming:
            session.commit()
            # print, not logging: Alembic's logging setup silences other loggers.
            print(f"demo: rep{rep.index} loaded ({writer.counts['account']} accounts so far, "
                  f"{perf_counter() - started:.0f} s)", file=sys.stderr, flush=True)
    make_admin(session, cast)
    make_fields(session)
    session.commit()
    return _summary(session, writer, cast, scale, perf_counter() - started)


def _load_rep(session, writer: Writer, fake: Faker, rep: Rep, cast: Cast, definition: dict[str, Any],
              model_version: int, per_rep: int, *, force: bool) -> None:
    """One rep's portfolio, agenda, history, quotes and tasks, in set-based inserts."""
    rng = random.Random(f"{SEED}:{rep.index}")
    fake.seed_instance(SEED + rep.index)
    now = utcnow().replace(microsecond=0)
    agenda = Agenda(rep.user.timezone or "Europe/Paris")
    today = now.astimezone(agenda.zone).date()
    portfolio = make_portfolio(rng=rng, fake=fake, rep_id=rep.user.id, town=rep.town, count=per_rep,
                               first_ref=(rep.index - 1) * per_rep + 1, definition=definition,
                               model_version=model_version, now=now)
    cadence = definition["cadence"]
    appointments = make_appointments(rng=rng, agenda=agenda, accounts=portfolio.accounts,
                                     contacts_of=portfolio.contacts_of, rep_id=rep.user.id, booked_by=rep.tele_id,
                                     cadence=cadence, time_split=definition["time_split"], today=today, now=now)
    visits = make_history(rng=rng, agenda=agenda, accounts=portfolio.accounts, rep_id=rep.user.id,
                          appointments=appointments, cadence=cadence, today=today,
                          first_day=today - timedelta(days=3 * 365), force=force)
    quotes = make_quotes(rng=rng, visits=visits, accounts={a["id"]: a for a in portfolio.accounts},
                         contacts_of=portfolio.contacts_of, rep_id=rep.user.id, teams=cast.tech_teams,
                         backoffice_id=cast.backoffice_id, now=now, zone=agenda.zone)
    tasks = make_tasks(rng=rng, visits=visits, rep_id=rep.user.id, now=now)
    booked = sorted(appointments.values(), key=lambda a: a["start"])
    writer.stamp(portfolio.accounts, portfolio.contacts, booked, visits, tasks, quotes["quotes"], quotes["opportunities"])
    for model, rows in ((Account, portfolio.accounts), (Contact, portfolio.contacts), (Appointment, booked),
                        (Visit, visits), (Task, tasks), (QuoteRequest, quotes["quotes"]),
                        (QuoteEvent, quotes["events"]), (OutboxEvent, quotes["outbox"]),
                        (Opportunity, quotes["opportunities"])):
        writer.insert(model, rows)


def _summary(session, writer: Writer, cast: Cast, scale: str, seconds: float) -> str:
    c = writer.counts
    accounts = session.scalar(select(func.count()).select_from(Account))
    return (f"demo ({scale}): {cast.users_created} users, {accounts} accounts "
            f"({c['account']} new), {c['contact']} contacts, {c['visit']} visits, {c['appointment']} appointments, "
            f"{c['quote_request']} quote requests, {c['task']} tasks in {seconds:.1f} s")
