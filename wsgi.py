"""gunicorn entry point: `gunicorn wsgi:app --preload` (docs/deployment.md → Serving).

With --preload this runs once, in gunicorn's master, and every worker is a fork of it:
nothing here may open a database connection or start a thread (tests/hardening/test_wsgi.py)."""
import gc

from server import create_app
from server.agenda.workdays import warm_holiday_calendars
from server.geo.gazetteer import warm_gazetteer

app = create_app()
warm_holiday_calendars()  # at boot, not on a worker's first tour
# At boot, not in the first request that locates an address: reading the communes took 15 to
# 30 s under load in a user trial, inside `POST /api/users` of a rep with a home address.
warm_gazetteer()

# Everything loaded so far (modules, mappers, schemas, the app) lives as long as the
# worker. Frozen, the cyclic garbage collector stops rescanning it: its full collections,
# triggered every few pushes by the thousands of objects a push allocates, walked that
# whole heap and doubled the push they fell in (bench_push). Python docs, `gc.freeze`.
gc.collect()
gc.freeze()
