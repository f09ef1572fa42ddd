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
    """Create a user (an admin to start with). The password follows the rules an invitation,
    a reset or a change applies (server/users/password_rules.py); a refused password, an
    e-mail already used or an unknown team ends the command with their reasons, exit code 1."""
    from server.errors import Problem
    from server.extensions import db
    from server.users import password_rules
    from server.users.service import create_user
    from server.users.models import Team
    broken = password_rules.problems(password, email=email, name=name)
    if broken:
        raise click.ClickException("password refused: " + " ".join(broken))
    if team_id is not None and db.session.get(Team, team_id) is None:
        raise click.ClickException(f"no team {team_id}")
    try:
        user = create_user(session=db.session, email=email, name=name, role=role, team_id=team_id, password=password)
        db.session.commit()
    except Problem as problem:
        db.session.rollback()
        reasons = "; ".join(f"{field}: {' '.join(map(str, messages))}" for field, messages in (problem.errors or {}).items())
        raise click.ClickException(f"{problem.detail} {reasons}".strip()) from None
    click.echo(f"created {user.role} {user.email} ({user.id})")


class _Stopped(Exception):
    """SIGINT or SIGTERM reached `tournee serve`."""


@click.command("serve")
@click.option("--port", type=int, default=None, help="default: PORT or 8000")
@click.option("--workers", type=int, default=None, help="gunicorn workers (default 2 × cores)")
@click.option("--dispatcher/--no-dispatcher", default=True, help="also deliver quote requests")
@click.option("--planner/--no-planner", default=True, help="also plan tours in the background")
@with_appcontext
def serve_command(port: int | None, workers: int | None, dispatcher: bool, planner: bool) -> None:
    """Serve the API and the PWA with gunicorn (and a quote dispatcher and a tour planner beside it).

    SIGTERM or SIGINT (Ctrl-C) is passed on to every child: on SIGTERM gunicorn finishes its
    requests (graceful timeout 5 s), on SIGINT it stops at once, as it does on Ctrl-C of its own;
    the dispatcher and the planner finish what they hold. Whatever has not exited after
    `STOP_TIMEOUT_S` is killed, so nothing is left holding the port; then serve exits 0 (no
    "Error 130" from `make run`). Should gunicorn exit by itself, serve exits with its status."""
    import signal
    import subprocess
    from functools import partial

    port = port or current_app.config["PORT"]
    workers = workers or max(2, 2 * (os.cpu_count() or 1))
    children: list[subprocess.Popen] = []
    stopping: list[int] = []  # the signal received

    def stop(signum, _frame):
        if not stopping:  # a second Ctrl-C does not cut the stopping short
            stopping.append(signum)
            raise _Stopped  # unwinds into `finally`, which stops the children

    # Each child in a process group of its own: the terminal's Ctrl-C reaches serve alone, which
    # passes it on to each child once (and the children are never left half-stopped). Should
    # serve itself be killed (SIGKILL, the OOM killer), the kernel stops them (_stop_with_parent).
    start = partial(subprocess.Popen, process_group=0, preexec_fn=_stop_with_parent())
    signal.signal(signal.SIGTERM, stop)
    signal.signal(signal.SIGINT, stop)
    status = 0
    try:
        if dispatcher:
            children.append(start([sys.executable, "-m", "server.cli", "dispatch"]))
        if planner:
            children.append(start([sys.executable, "-m", "server.cli", "plan-tours"]))
        cmd = [sys.executable, "-m", "gunicorn", "wsgi:app", "--bind", f"127.0.0.1:{port}",
               "--workers", str(workers), "--threads", "4", "--access-logfile", "-", "--graceful-timeout", "5",
               # no keep-alive: requests spread over the workers (docs/deployment.md → Serving)
               "--keep-alive", "0",
               "--preload",  # a replaced worker is a fork of the loaded app (docs/deployment.md → Serving)
               "--logger-class", "server.accesslog.RedactingLogger"]  # no ICS token in the access log
        click.echo(f"Tournée on http://127.0.0.1:{port}  (Ctrl-C to stop)")
        gunicorn = start(cmd)
        children.append(gunicorn)
        status = gunicorn.wait()
    except _Stopped:
        click.echo("Tournée: stopping", err=True)
    finally:
        stopping.append(signal.SIGTERM)
        _stop_children(children, stopping[0])
    if status:  # gunicorn ended by itself (a port already taken…): not a clean stop
        raise SystemExit(status if status > 0 else 128 - status)


STOP_TIMEOUT_S = 8.0
PR_SET_PDEATHSIG = 1  # linux/prctl.h


def _stop_with_parent():
    """A preexec_fn for serve's children: on Linux, the child gets SIGTERM when serve dies,
    whatever kills it (prctl(2), PR_SET_PDEATHSIG), so a SIGKILLed serve leaves no gunicorn
    holding the port nor a planner or dispatcher behind. None elsewhere (no such call).

    libc is looked up here, before the fork: the child runs only the call itself. A serve
    already gone by then (the call comes after the fork) is caught by comparing the parent."""
    import ctypes
    import signal

    try:
        prctl = ctypes.CDLL(None, use_errno=True).prctl
    except (OSError, AttributeError):
        return None
    parent = os.getpid()

    def stop_with_parent() -> None:
        prctl(PR_SET_PDEATHSIG, signal.SIGTERM)
        if os.getppid() != parent:
            os.kill(os.getpid(), signal.SIGTERM)
    return stop_with_parent


def _stop_children(children, signum: int) -> None:
    """`signum` to each child still running, then SIGKILL to any left after STOP_TIMEOUT_S."""
    import subprocess
    import time

    for child in children:
        if child.poll() is None:
            child.send_signal(signum)
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
