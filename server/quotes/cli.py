"""`tournee dispatch`: the quote dispatcher as a command (the worker lives in sync/dispatch.py).

`tournee dispatch` polls every DISPATCH_INTERVAL_S (1 s) until SIGTERM or Ctrl-C,
finishing the delivery in flight and releasing the rest of its claims first;
`tournee dispatch --once` delivers what is due now and exits. Several may run at
once, on one host or many: they share the work through leases (sync/dispatch.py D1).
"""
from __future__ import annotations

import signal
import threading

import click
from flask import current_app
from flask.cli import with_appcontext


def settings_from_config(config):
    from sync.delivery import Settings
    return Settings(smtp_url=config["SMTP_URL"], mail_sender=config["MAIL_SENDER"],
                    timeout_s=config["DISPATCH_TIMEOUT_S"], lease_s=config["DISPATCH_LEASE_S"],
                    batch=config["DISPATCH_BATCH"], allowed_hosts=config["OUTBOUND_ALLOWED_HOSTS"])


@click.command("dispatch")
@click.option("--once", is_flag=True, help="deliver what is due now, then exit")
@click.option("--interval", type=float, default=None, help="seconds between polls (default DISPATCH_INTERVAL_S)")
@click.option("--id", "dispatcher_id", default=None, help="name in leases and logs (default host:pid)")
@with_appcontext
def dispatch_command(once: bool, interval: float | None, dispatcher_id: str | None) -> None:
    """Deliver quote requests to the technical teams (webhook, e-mail, inbox)."""
    from sqlalchemy.orm import sessionmaker

    from server.extensions import db
    from sync.dispatch import run_forever

    stop = threading.Event()
    if not once:
        def _stop(signum, _frame):
            click.echo(f"dispatcher: signal {signum}, finishing the delivery in flight", err=True)
            stop.set()
        signal.signal(signal.SIGTERM, _stop)
        signal.signal(signal.SIGINT, _stop)
    factory = sessionmaker(bind=db.engine)
    stats = run_forever(session_factory=factory, dispatcher_id=dispatcher_id,
                        settings=settings_from_config(current_app.config),
                        interval=interval if interval is not None else current_app.config["DISPATCH_INTERVAL_S"],
                        stop=stop, drain=once)
    click.echo(f"dispatcher: {stats}")
