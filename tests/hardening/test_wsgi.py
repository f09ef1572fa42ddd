"""The served app: what `gunicorn wsgi:app` loads in each worker."""
from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def _printed(tmp_path: Path, probe: str, *, timeout: int = 120) -> str:
    """The last line `probe` (Python source that imports `wsgi` as a worker does) prints in a
    fresh interpreter, on its own SQLite database and instance folder under `tmp_path`;
    the interpreter must exit 0 within `timeout` seconds."""
    env = {**os.environ, "DATABASE_URL": f"sqlite:///{tmp_path / 'tournee.db'}", "TOURNEE_INSTANCE": str(tmp_path),
           "SECRET_KEY": "wsgi-test-not-secret-" + "x" * 32}
    done = subprocess.run([sys.executable, "-c", probe], cwd=ROOT, env=env, capture_output=True, text=True,
                          timeout=timeout)
    assert done.returncode == 0, done.stderr[-1500:]
    return done.stdout.strip().splitlines()[-1]


def test_the_worker_freezes_what_it_loaded_at_start_out_of_the_garbage_collector(tmp_path):
    """gc.freeze after start: full collections no longer rescan the app's own objects (bench_push)."""
    frozen = int(_printed(tmp_path, "import gc, wsgi; print(gc.get_freeze_count())"))
    # The app's modules, mappers and schemas: tens of thousands of objects, not a handful.
    assert frozen > 10_000, frozen


def test_the_worker_builds_the_default_holiday_calendar_at_boot_not_on_its_first_tour(tmp_path):
    """The `holidays` package imports every country on first use (~120 ms): a fresh worker
    (one respawned after a crash too) pays it while booting, before it accepts requests."""
    probe = ("import wsgi, datetime; from server.agenda.workdays import holiday_calendar as h; "
             "i = h.cache_info(); y = datetime.date.today().year; "
             "print(i.currsize, datetime.date(y, 12, 25) in h('FR'), datetime.date(y + 1, 1, 1) in h('FR', 'en'))")
    built, christmas, new_year = _printed(tmp_path, probe).split()
    assert int(built) >= 3, built  # FR as the tours call it, and in French and English
    assert (christmas, new_year) == ("True", "True")


def test_the_worker_reads_the_communes_at_boot_not_in_the_first_request_that_locates(tmp_path):
    """The gazetteer (server/geo/gazetteer.py) takes seconds to read, 15 to 50 on a loaded
    host: a user trial's `POST /api/users` of a rep with a home address paid it (31 s)."""
    probe = ("import wsgi; from server.geo import gazetteer as g; loaded = g._index.cache_info().currsize; "
             "print(loaded, g.locate_commune('21000', 'Dijon') is not None)")
    assert _printed(tmp_path, probe, timeout=300).split() == ["1", "True"]


def test_the_loaded_app_holds_no_database_connection_for_the_forks_to_share(tmp_path):
    """gunicorn --preload loads wsgi in the master and forks it (docs/deployment.md): a
    connection opened there would be one socket shared by every worker."""
    probe = ("import wsgi; from server.extensions import db\n"
             "with wsgi.app.app_context(): print(db.engine.pool.checkedin(), db.engine.pool.checkedout())")
    assert _printed(tmp_path, probe) == "0 0"
