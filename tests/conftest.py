"""Fixtures shared by the whole suite (STYLE habit 9: app, client, auth helpers, factories).

Every test that takes `app` runs once on SQLite and, when TOURNEE_TEST_DATABASE_URL
names a PostgreSQL database, once more on it. The schema is built once per database
by the real Alembic migrations; each test starts from empty tables.
"""
from __future__ import annotations

import copy
import os
import time
from datetime import datetime

from sqlalchemy.engine import make_url

# `make test` runs the suite on two pytest-xdist workers: each gets its own PostgreSQL
# database (`<test db>_gw0`, `_gw1`; created when missing), since every test empties the
# tables of the database it runs on. Rewritten here, before any module reads the variable
# (tests/live.py, the PostgreSQL-only tests, the live servers' environment).
if os.environ.get("PYTEST_XDIST_WORKER") and os.environ.get("TOURNEE_TEST_DATABASE_URL"):
    _suite_url = make_url(os.environ["TOURNEE_TEST_DATABASE_URL"])
    os.environ["TOURNEE_TEST_DATABASE_URL"] = _suite_url.set(
        database=f"{_suite_url.database}_{os.environ['PYTEST_XDIST_WORKER']}").render_as_string(hide_password=False)

import pytest
import time_machine
from hypothesis import settings
from sqlalchemy import text

from server import create_app
from server.config import TestConfig
from server.extensions import db, limiter
from tests.live import empty_postgres

settings.register_profile("ci", max_examples=40, deadline=None, derandomize=True)
settings.register_profile("dev", max_examples=25, deadline=None)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "ci"))

PG_URL = os.environ.get("TOURNEE_TEST_DATABASE_URL")
# Run the whole session as if it were then (ISO date-time with offset); the clock ticks on
# from there. .ci/run uses it to run the date-sensitive tests on weekends, holidays, DST
# changes and New Year's Eve (see DATE_SENSITIVE there).
PINNED_NOW = os.environ.get("TOURNEE_TEST_NOW")
BACKENDS = ["sqlite"] + (["postgresql"] if PG_URL else [])


def pytest_configure(config):
    """One real instant for the browser tests' pinned clock (tests/e2e/e2e_server.E2E_NOW_AT) in
    every process of the run: set here, before pytest-xdist starts its workers, which inherit it."""
    os.environ.setdefault("TOURNEE_E2E_NOW_AT", repr(time.time()))


def pytest_collection_modifyitems(config, items):
    """A test marked `postgres_only` that runs on the `database_url` backends runs on PostgreSQL
    only: its SQLite copy is deselected (what it tests is PostgreSQL's: the side table of `q`, its
    triggers). Without TOURNEE_TEST_DATABASE_URL such a test has no copy left, as `make test`
    says in its count of deselected tests; `.ci/run` always sets it."""
    sqlite_copies = [item for item in items if item.get_closest_marker("postgres_only")
                     and getattr(item, "callspec", None) and item.callspec.params.get("database_url") == "sqlite"]
    if sqlite_copies:
        config.hook.pytest_deselected(items=sqlite_copies)
        items[:] = [item for item in items if item not in set(sqlite_copies)]


@pytest.fixture(scope="session", autouse=True)
def pinned_now():
    """The session's clock: the real one, or TOURNEE_TEST_NOW's instant, ticking."""
    if not PINNED_NOW:
        yield None
        return
    with time_machine.travel(datetime.fromisoformat(PINNED_NOW), tick=True) as traveller:
        time.time()  # time-machine's clock starts ticking at its first reading, not at travel()
        yield traveller


@pytest.fixture(scope="session", params=BACKENDS)
def database_url(request, tmp_path_factory):
    """A migrated, empty database for the session: SQLite file or PostgreSQL."""
    if request.param == "sqlite":
        url = f"sqlite:///{tmp_path_factory.mktemp('db') / 'tournee.db'}"
    else:
        url = PG_URL
        empty_postgres(url)
    app = create_app(TestConfig, SQLALCHEMY_DATABASE_URI=url)
    with app.app_context():
        from flask_migrate import upgrade
        upgrade()
        db.engine.dispose()
    return url


def _empty_tables() -> None:
    # Children before parents, so every foreign key holds after each DELETE. On PostgreSQL all
    # in one round trip: a TRUNCATE of the 39 tables took ~110 ms per test (each table's files
    # made anew), these DELETEs of a test's few rows ~10 ms.
    tables = [t.name for t in reversed(db.metadata.sorted_tables)]
    if db.engine.dialect.name == "postgresql":
        db.session.execute(text("; ".join(f'DELETE FROM "{t}"' for t in tables)))
    else:
        for table in tables:
            db.session.execute(text(f'DELETE FROM "{table}"'))
    db.session.commit()


@pytest.fixture(scope="session")
def shared_app(database_url):
    """One app (and engine) per database and worker: `create_app` took ~110 ms, and a new
    engine new connections, for each of the suite's tests. `app` puts back, before each
    test, what a test may change on it (`_Pristine`)."""
    app = create_app(TestConfig, SQLALCHEMY_DATABASE_URI=database_url)
    pristine = _Pristine(app)
    yield app, pristine
    with app.app_context():
        db.session.remove()
        db.engine.dispose()


class _Pristine:
    """The shared app as `create_app` left it: its config, its extensions (the caches that
    requests add there: decoded tokens, kept sign-ins) and the global limiter's binding,
    which another `create_app` during a test (`other_worker`, a test's own app) takes over."""

    def __init__(self, app) -> None:
        self.config = copy.deepcopy(dict(app.config))
        self.extensions = set(app.extensions)
        self.limiter = dict(vars(limiter))

    def restore(self, app, *, attachments_dir) -> None:
        app.config.clear()
        app.config.update(copy.deepcopy(self.config))
        app.config["ATTACHMENTS_DIR"] = attachments_dir
        for name in set(app.extensions) - self.extensions:
            del app.extensions[name]
        vars(limiter).update(self.limiter)
        limiter.storage.reset()  # memory:// counters (TestConfig): each test starts with none


@pytest.fixture
def app(shared_app, tmp_path):
    app, pristine = shared_app
    pristine.restore(app, attachments_dir=tmp_path / "attachments")
    with app.app_context():
        _empty_tables()
        yield app
        db.session.remove()


@pytest.fixture
def session(app):
    return db.session


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def runner(app):
    return app.test_cli_runner()


@pytest.fixture
def backend(app) -> str:
    return db.engine.dialect.name


@pytest.fixture
def other_worker(database_url):
    """A second app on the same database: another worker (or host), with its own memory."""
    other = create_app(TestConfig, SQLALCHEMY_DATABASE_URI=database_url)
    yield other
    with other.app_context():
        db.session.remove()
        db.engine.dispose()
