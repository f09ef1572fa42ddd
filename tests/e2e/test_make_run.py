"""`make run` stops cleanly (README: the main command): Ctrl-C, which the terminal sends to
make and `tournee serve` alike, ends the server, the dispatcher and the tour planner without
make's "Error 130"; a SIGTERM to `tournee serve` alone (a process manager's stop) ends it and
every child with status 0, so make exits 0. Either way nothing is left running or listening.

Fast: the database already has the demo's admin, so `tournee demo` finds the demo loaded and
goes straight on; the PWA and the demo data play no part here. Starting `make run` still takes
tens of seconds, so the test that only asks the running server a question leaves it running for
the Ctrl-C test to stop; the tests that stop it another way start their own."""
from __future__ import annotations

import json
import os
import signal
import subprocess
import urllib.request
from pathlib import Path

import pytest

from tests.live import ROOT, free_port, wait_until


@pytest.fixture(scope="module")
def instance(tmp_path_factory) -> Path:
    """An instance folder with a migrated SQLite database holding admin@example.com."""
    from flask_migrate import upgrade

    from server import create_app
    from server.config import TestConfig
    from server.extensions import db
    from server.users.service import create_user

    folder = tmp_path_factory.mktemp("make-run")
    app = create_app(TestConfig, SQLALCHEMY_DATABASE_URI=f"sqlite:///{folder / 'tournee.db'}")
    with app.app_context():
        upgrade()
        create_user(session=db.session, email="admin@example.com", name="Admin", role="admin",
                    password="une phrase de passe assez longue")
        db.session.commit()
        db.engine.dispose()
    return folder


def _processes_of(instance: Path) -> dict[int, bytes]:
    """pid → command line of every process whose environment names this instance folder."""
    found = {}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            if f"TOURNEE_INSTANCE={instance}\0".encode() in (entry / "environ").read_bytes():
                found[int(entry.name)] = (entry / "cmdline").read_bytes()
        except OSError:
            continue
    return found


def _answers(port: int) -> bool:
    try:
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/api/health", timeout=2) as response:
            return response.status == 200
    except OSError:
        return False


def _make_run(instance: Path, port: int) -> subprocess.Popen:
    """`make run` in a session of its own (a terminal's foreground job), serving once workers answer."""
    env = {k: v for k, v in os.environ.items() if k not in ("MAKEFLAGS", "MFLAGS", "MAKELEVEL")}  # not a sub-make
    env.update(TOURNEE_INSTANCE=str(instance), DATABASE_URL=f"sqlite:///{instance / 'tournee.db'}",
               SECRET_KEY="make-run-test-" + "x" * 32, PORT=str(port))
    env.pop("SMTP_URL", None)  # as a fresh user runs it: no mail relay set
    # -o: never reinstall the venv here, even if pyproject.toml changed meanwhile
    make = subprocess.Popen(["make", "-o", ".venv/.installed", "run"], cwd=ROOT, env=env, start_new_session=True,
                            stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    wait_until(lambda: _answers(port) or make.poll() is not None, 120, "make run answering", interval=0.5)
    assert make.poll() is None, make.communicate()[0].decode()[-2000:]
    # serve, dispatcher, tour planner, gunicorn (make's own environment names the instance too)
    wait_until(lambda: len(_processes_of(instance)) >= 5, 30, "every process of make run")
    return make


def _stopped(make: subprocess.Popen, instance: Path, port: int) -> str:
    """make's output once it ended; nothing of it is left running or listening."""
    try:
        output = make.communicate(timeout=20)[0].decode()
    finally:
        leftovers = _processes_of(instance)
        for pid in leftovers:
            os.kill(pid, signal.SIGKILL)
        if make.poll() is None:
            os.killpg(make.pid, signal.SIGKILL)
    assert leftovers == {}
    assert not _answers(port)
    return output


class MakeRuns:
    """The module's `make run`s, one at a time on the instance: `running()` gives the one left
    running by an earlier test (or starts it), `fresh()` a new one, the previous one stopped."""

    def __init__(self, instance: Path):
        self.instance = instance
        self.current: tuple[subprocess.Popen, int] | None = None

    def running(self) -> tuple[subprocess.Popen, int]:
        if self.current is None or self.current[0].poll() is not None:
            return self.fresh()
        return self.current

    def fresh(self) -> tuple[subprocess.Popen, int]:
        self.stop()
        port = free_port()
        self.current = (_make_run(self.instance, port), port)
        return self.current

    def stop(self) -> None:
        if self.current is not None and self.current[0].poll() is None:
            make, port = self.current
            os.killpg(make.pid, signal.SIGINT)
            _stopped(make, self.instance, port)
        self.current = None


@pytest.fixture(scope="module")
def make_runs(instance):
    runs = MakeRuns(instance)
    yield runs
    runs.stop()


def test_make_run_without_smtp_url_promises_no_e_mail(make_runs):
    """No relay listens under `make run`: the forgotten-password answer says no e-mail can leave
    (the page then says to ask an administrator), instead of a link "sent" nowhere."""
    make, port = make_runs.running()
    request = urllib.request.Request(f"http://127.0.0.1:{port}/api/auth/password-reset", method="POST",
                                     data=json.dumps({"email": "admin@example.com"}).encode(),
                                     headers={"Content-Type": "application/json"})
    with urllib.request.urlopen(request, timeout=10) as response:
        assert (response.status, json.loads(response.read())) == (202, {"by_email": False})


def test_ctrl_c_stops_make_run_without_an_error(instance, make_runs):
    make, port = make_runs.running()
    os.killpg(make.pid, signal.SIGINT)  # Ctrl-C: the terminal signals the whole foreground job
    output = _stopped(make, instance, port)
    assert "Error" not in output and "Traceback" not in output, output[-2000:]
    assert "Tournée: stopping" in output


def test_sigterm_to_serve_ends_it_with_status_0(instance, make_runs):
    make, port = make_runs.fresh()
    (serve,) = [pid for pid, cmdline in _processes_of(instance).items() if cmdline.endswith(b"\0serve\0")]
    os.kill(serve, signal.SIGTERM)
    output = _stopped(make, instance, port)
    assert make.returncode == 0, output[-2000:]  # make exits 0 only when its recipe did
    assert "Error" not in output, output[-2000:]


def test_serve_killed_takes_its_children_with_it(instance, make_runs):
    """SIGKILL (the OOM killer, `kill -9`) cannot be passed on by serve: the kernel stops
    gunicorn, the dispatcher and the tour planner instead (PR_SET_PDEATHSIG)."""
    make, port = make_runs.fresh()
    (serve,) = [pid for pid, cmdline in _processes_of(instance).items() if cmdline.endswith(b"\0serve\0")]
    os.kill(serve, signal.SIGKILL)
    try:
        wait_until(lambda: not _processes_of(instance), 30, "serve's children gone")
        assert not _answers(port)
    finally:
        for pid in _processes_of(instance):
            os.kill(pid, signal.SIGKILL)
        if make.poll() is None:
            os.killpg(make.pid, signal.SIGKILL)
        make.communicate(timeout=20)
