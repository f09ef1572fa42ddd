"""Test-only: a Python process started with this folder on PYTHONPATH and TOURNEE_TEST_NOW
set (an ISO date-time with offset) runs as if it were then, its clock ticking on from there.
With TOURNEE_TEST_NOW_AT (the real Unix time at which that instant was "now"), every process
started so shares one clock, however late it starts.

The browser tests start the demo loader and gunicorn this way (tests/e2e/e2e_server.py), so
the server's clock and the page's (Playwright's clock) agree on a chosen day whatever the
real date. time-machine leaves `time.monotonic` alone, which gunicorn's worker watchdog reads.
"""
import os

if os.environ.get("TOURNEE_TEST_NOW"):
    import time
    from datetime import datetime, timedelta

    import time_machine

    since = time.time() - float(os.environ.get("TOURNEE_TEST_NOW_AT") or time.time())
    now = datetime.fromisoformat(os.environ["TOURNEE_TEST_NOW"]) + timedelta(seconds=max(0.0, since))
    time_machine.travel(now, tick=True).start()
    time.time()  # the clock starts ticking at its first reading, not at travel(): read it now
