"""Tournée: the Flask application factory (STYLE habit 1: short, binds extensions, never migrates)."""
from __future__ import annotations

import logging

from flask import Flask

from server.config import Config

__version__ = "0.1.0"


def create_app(config: type[Config] = Config, **overrides) -> Flask:
    app = Flask(__name__, static_folder=None)
    app.config.from_object(config)
    app.config.update(overrides)
    from server.jsoncodec import OrjsonProvider
    app.json = OrjsonProvider(app)  # the same bodies, encoded faster (server/jsoncodec.py)
    app.json.ensure_ascii = False  # French names stay readable
    _postgres_connect_args(app)
    _fast_json_columns(app)
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s %(message)s")
    # alembic names each of its built-in plugins at INFO on every start: noise beside the upgrades
    logging.getLogger("alembic.runtime.plugins").setLevel(logging.WARNING)

    from server import errors, models  # noqa: F401  (models: every table registered)
    from server.extensions import api, compress, db, jwt, limiter, mark_request_intent, migrate

    db.init_app(app)
    from server import pool
    with app.app_context():
        pool.init_app(app, db.engine)
    migrate.init_app(app, db, directory=str(app.config.get("MIGRATIONS_DIR", _migrations_dir())))
    jwt.init_app(app)
    from server.users.tokens import init_jwt; init_jwt(jwt)
    _limits_storage(app)
    errors.keep_retry_after(app)  # before the limiter, so that it runs after the limiter's hook
    limiter.init_app(app)
    from server import bounds
    bounds.init_app(app)  # after the limiter: its body check goes first, ahead of the limiter's keys
    compress.init_app(app)
    api.init_app(app)
    errors.register(app)
    from server import i18n
    i18n.init_app(app)  # compiles the catalogues when needed: no manual step
    from server import metrics, observability, security
    observability.init_app(app)  # before metrics: it starts the request clock both read
    metrics.init_app(app)
    security.init_app(app)
    # First of all the hooks (the limiter's included): it decides how the request's transactions
    # begin. The context variable lives as long as the thread, so until it runs it holds the
    # previous request's intent. (It is not reset after the request: tests that keep a read
    # transaction open on their own thread while other threads write rely on a plain BEGIN.)
    app.before_request_funcs.setdefault(None, []).insert(0, mark_request_intent)
    from server.gate import require_access_token
    app.before_request(require_access_token)

    from server.registry import register_blueprints, register_sync_entities
    register_sync_entities()  # before the blueprints: record routes read the registry
    register_blueprints(app, api)
    from server.common import search
    search.install()

    from server.cli import register_commands
    register_commands(app)
    return app


def _limits_storage(app: Flask) -> None:
    """The database storage of the rate limits (the default) counts in the app's database."""
    from server.ratelimits import storage  # noqa: F401  (registers the tournee-db:// scheme)
    if str(app.config.get("RATELIMIT_STORAGE_URI", "")).startswith("tournee-db:"):
        app.config["RATELIMIT_STORAGE_OPTIONS"] = {"database_url": app.config["SQLALCHEMY_DATABASE_URI"],
                                                   "ping_idle_s": app.config["POOL_PING_IDLE_S"]}


def _postgres_connect_args(app: Flask) -> None:
    """On PostgreSQL, connections give up after DATABASE_CONNECT_TIMEOUT_S (503, not a hang),
    and each session plans with DATABASE_RANDOM_PAGE_COST (server/config.py). What the URL
    says (`connect_timeout`, `options`) wins."""
    from sqlalchemy.engine import make_url
    url = make_url(app.config["SQLALCHEMY_DATABASE_URI"])
    if url.get_backend_name() != "postgresql":
        return
    options = dict(app.config.get("SQLALCHEMY_ENGINE_OPTIONS") or {})
    connect_args = dict(options.get("connect_args") or {})
    if "connect_timeout" not in url.query:
        connect_args.setdefault("connect_timeout", app.config["DATABASE_CONNECT_TIMEOUT_S"])
    page_cost = str(app.config.get("DATABASE_RANDOM_PAGE_COST") or "").strip()
    if page_cost and "options" not in url.query:
        connect_args.setdefault("options", f"-c random_page_cost={float(page_cost)}")
    options["connect_args"] = connect_args
    app.config["SQLALCHEMY_ENGINE_OPTIONS"] = options


def _fast_json_columns(app: Flask) -> None:
    """JSON columns encoded and decoded by orjson, the same values (server/jsoncodec.py)."""
    from server.jsoncodec import dumps, loads
    options = dict(app.config.get("SQLALCHEMY_ENGINE_OPTIONS") or {})
    options.setdefault("json_deserializer", loads)
    options.setdefault("json_serializer", dumps)
    app.config["SQLALCHEMY_ENGINE_OPTIONS"] = options


def _migrations_dir() -> str:
    from pathlib import Path
    return str(Path(__file__).parent / "migrations")
