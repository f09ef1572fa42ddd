"""`tournee plan-tours`: the background tour planner as a command (the worker is server/tours/worker.py).

`tournee plan-tours` polls every TOUR_PLAN_INTERVAL_S (2 s) until SIGTERM or Ctrl-C,
finishing the day in hand first; `tournee plan-tours --once` plans what is queued (and
the coming working days) and exits. Several may run at once: they share the work
through leases (worker.py P2).
"""
from __future__ import annotations

import signal
import threading

import click
from flask import current_app
from flask.cli import with_appcontext


@click.command("plan-tours")
@click.option("--once", is_flag=True, help="plan what is queued now, then exit")
@click.option("--interval", type=float, default=None, help="seconds between polls (default TOUR_PLAN_INTERVAL_S)")
@click.option("--id", "planner_id", default=None, help="name in leases and logs (default host:pid)")
@with_appcontext
def plan_tours_command(once: bool, interval: float | None, planner_id: str | None) -> None:
    """Plan the reps' coming days and every day queued by a change, off the request path."""
    from sqlalchemy.orm import sessionmaker

    from server.extensions import db
    from server.tours.worker import run_forever, run_once

    factory = sessionmaker(bind=db.engine)
    config = current_app.config
    if once:
        with factory() as session:
            click.echo(f"tour planner: {run_once(session, config=config, planner_id=planner_id)} days planned")
        return
    stop = threading.Event()

    def _stop(signum, _frame):
        click.echo(f"tour planner: signal {signum}, finishing the day in hand", err=True)
        stop.set()
    signal.signal(signal.SIGTERM, _stop)
    signal.signal(signal.SIGINT, _stop)
    planned = run_forever(session_factory=factory, config=config, stop=stop, planner_id=planner_id,
                          interval=interval if interval is not None else float(config.get("TOUR_PLAN_INTERVAL_S", 2.0)))
    click.echo(f"tour planner: {planned} days planned")
