"""`tournee serve` stops cleanly: SIGTERM or SIGINT ends gunicorn, the dispatcher and the
tour planner it started within 10 s, and nothing is left listening on the port."""
from __future__ import annotations

import os
import signal
import socket
import subprocess
import time
from pathlib import Path

import pytest

from tests.live import BIN, ROOT, free_port, wait_until


def _listening(port: int) -> bool:
    with socket.socket() as probe:
        probe.settimeout(0.5)
        return probe.connect_ex(("127.0.0.1", port)) == 0


def _processes_of(instance: Path) -> list[int]:
    """Pids whose environment names this test's instance folder (the serve command's children)."""
    pids = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            environ = (entry / "environ").read_bytes()
        except OSError:
            continue
        if f"TOURNEE_INSTANCE={instance}".encode() in environ:
            pids.append(int(entry.name))
    return pids


@pytest.mark.parametrize("signum", [signal.SIGTERM, signal.SIGINT])
def test_serve_stops_gunicorn_and_the_dispatcher_on_a_signal(tmp_path, signum):
    port = free_port()
    env = {**os.environ, "TOURNEE_INSTANCE": str(tmp_path), "DATABASE_URL": f"sqlite:///{tmp_path / 't.db'}",
           "SECRET_KEY": "serve-stop-test-" + "x" * 32}
    upgrade = subprocess.run([str(BIN / "tournee"), "db", "upgrade"], cwd=ROOT, env=env, capture_output=True,
                             timeout=120)
    assert upgrade.returncode == 0, upgrade.stderr[-500:]
    serve = subprocess.Popen([str(BIN / "tournee"), "serve", "--port", str(port), "--workers", "1"],
                             cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        wait_until(lambda: _listening(port), 60, "gunicorn listening")
        wait_until(lambda: len(_processes_of(tmp_path)) >= 5, 30,
                   "serve, dispatcher, tour planner, gunicorn master and worker")
        serve.send_signal(signum)
        started = time.monotonic()
        serve.wait(timeout=10)
        assert time.monotonic() - started < 10
        wait_until(lambda: not _processes_of(tmp_path), 3, "no child left")
        assert not _listening(port)
    finally:
        for pid in _processes_of(tmp_path):
            os.kill(pid, signal.SIGKILL)
        if serve.poll() is None:
            serve.kill()
