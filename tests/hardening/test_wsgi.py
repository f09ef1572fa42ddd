"""The served app: what `gunicorn wsgi:app` loads in each worker."""
from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def test_the_worker_freezes_what_it_loaded_at_start_out_of_the_garbage_collector(tmp_path):
    """gc.freeze after start: full collections no longer rescan the app's own objects (bench_push)."""
    env = {**os.environ, "DATABASE_URL": f"sqlite:///{tmp_path / 'tournee.db'}", "TOURNEE_INSTANCE": str(tmp_path),
           "SECRET_KEY": "wsgi-test-not-secret-" + "x" * 32}
    done = subprocess.run([sys.executable, "-c", "import gc, wsgi; print(gc.get_freeze_count())"], cwd=ROOT, env=env,
                          capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr[-1500:]
    frozen = int(done.stdout.strip().splitlines()[-1])
    # The app's modules, mappers and schemas: tens of thousands of objects, not a handful.
    assert frozen > 10_000, frozen
