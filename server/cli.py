"""The `tournee` command: Flask's CLI with Tournée's own commands.

`tournee demo`, `tournee db upgrade`, `tournee create-user`, `tournee serve`, and
the commands that other domains register (`dispatch`, `import-accounts`).
"""
from __future__ import annotations

import os
import sys

import click
from flask import current_app
from flask.cli import FlaskGroup, with_appcontext


def _create_app():
    from server import create_app
    return create_app()


@click.group(cls=FlaskGroup, create_app=_create_app, add_default_commands=True,
             add_version_option=False, set_debug_flag=False)
def main() -> None:
    """Tournée field-sales server."""


def upgrade_schema() -> None:
    """Create or migrate the schema of DATABASE_URL to the latest revision."""
    from flask_migrate import upgrade
    upgrade()


@click.command("demo")
@click.option("--scale", type=click.Choice(["normal", "large"]), default="normal",
              help="large: 100 reps × 1,000 accounts × 3 years (benchmarks)")
@with_appcontext
def demo_command(scale: str) -> None:
    """Create or migrate the schema and load the demo data (idempotent)."""
    from server.demo import load_demo
    upgrade_schema()
    summary = load_demo(scale=scale)
    click.echo(summary)


@click.command("create-user")
@click.option("--email", required=True)
@click.option("--name", required=True)
@click.option("--role", type=click.Choice(["rep", "telemarketer", "backoffice", "manager", "admin"]), required=True)
@click.option("--team-id", default=None)
@click.password_option()
@with_appcontext
def create_user_command(email: str, name: str, role: str, team_id: str | None, password: str) -> None:
    """Create a user (an admin to start with)."""
    from server.extensions import db
    from server.users.service import create_user
    user = create_user(session=db.session, email=email, name=name, role=role, team_id=team_id, password=password)
    db.session.commit()
    click.echo(f"created {user.role} {user.email} ({user.id})")


@click.command("serve")
@click.option("--port", type=int, default=None, help="default: PORT or 8000")
@click.option("--workers", type=int, default=None, help="gunicorn workers (default 2 × cores)")
@click.option("--dispatcher/--no-dispatcher", default=True, help="also deliver quote requests")
@click.option("--planner/--no-planner", default=True, help="also plan tours in the background")
@with_appcontext
def serve_command(port: int | None, workers: int | None, dispatcher: bool, planner: bool) -> None:
    """Serve the API and the PWA with gunicorn (and a quote dispatcher and a tour planner beside it).

    SIGTERM or SIGINT stops every child: gunicorn finishes its requests (graceful
    timeout 5 s), the dispatcher and the planner are terminated, and whatever has not exited after
    `STOP_TIMEOUT_S` is killed, so nothing is left holding the port."""
    import signal
    import subprocess

    port = port or current_app.config["PORT"]
    workers = workers or max(2, 2 * (os.cpu_count() or 1))
    children: list[subprocess.Popen] = []

    def stop(signum, _frame):
        raise SystemExit(128 + signum)  # unwinds into `finally`, which stops the children

    signal.signal(signal.SIGTERM, stop)
    signal.signal(signal.SIGINT, stop)
    try:
        if dispatcher:
            children.append(subprocess.Popen([sys.executable, "-m", "server.cli", "dispatch"]))
        if planner:
            children.append(subprocess.Popen([sys.executable, "-m", "server.cli", "plan-tours"]))
        cmd = [sys.executable, "-m", "gunicorn", "wsgi:app", "--bind", f"127.0.0.1:{port}",
               "--workers", str(workers), "--threads", "4", "--access-logfile", "-", "--graceful-timeout", "5",
               # no keep-alive: requests spread over the workers (docs/deployment.md → Serving)
               "--keep-alive", "0",
               "--logger-class", "server.accesslog.RedactingLogger"]  # no ICS token in the access log
        click.echo(f"Tournée on http://127.0.0.1:{port}  (Ctrl-C to stop)")
        gunicorn = subprocess.Popen(cmd)
        children.append(gunicorn)
        gunicorn.wait()
    finally:
        _stop_children(children)


STOP_TIMEOUT_S = 8.0


def _stop_children(children) -> None:
    """SIGTERM to each child still running, then SIGKILL to any left after STOP_TIMEOUT_S."""
    import subprocess
    import time

    for child in children:
        if child.poll() is None:
            child.terminate()
    deadline = time.monotonic() + STOP_TIMEOUT_S
    for child in children:
        try:
            child.wait(timeout=max(0.1, deadline - time.monotonic()))
        except subprocess.TimeoutExpired:
            child.kill()
            child.wait()


def register_commands(app) -> None:
    from server.backup import backup_command, restore_command
    for command in (demo_command, create_user_command, serve_command, backup_command, restore_command):
        app.cli.add_command(command)
    from server.registry import extra_commands
    for command in extra_commands():
        app.cli.add_command(command)


if __name__ == "__main__":
    main()
