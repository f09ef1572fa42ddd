"""Settings, read from the environment in one place (STYLE habit 2)."""
from __future__ import annotations

import os
import secrets
from datetime import timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
INSTANCE = Path(os.environ.get("TOURNEE_INSTANCE", ROOT / "instance"))


def _secret_key() -> str:
    """SECRET_KEY from the environment, else generated once and kept under instance/."""
    if os.environ.get("SECRET_KEY"):
        return os.environ["SECRET_KEY"]
    INSTANCE.mkdir(parents=True, exist_ok=True)
    path = INSTANCE / "secret_key"
    if not path.exists():
        path.write_text(secrets.token_urlsafe(48))
        path.chmod(0o600)
    return path.read_text().strip()


def _database_url() -> str:
    url = os.environ.get("DATABASE_URL")
    if url:
        # Heroku-style URLs name the driver-less dialect; we ship psycopg 3.
        if url.startswith("postgres://"):
            url = "postgresql+psycopg://" + url[len("postgres://"):]
        elif url.startswith("postgresql://"):
            url = "postgresql+psycopg://" + url[len("postgresql://"):]
        return url
    INSTANCE.mkdir(parents=True, exist_ok=True)
    return f"sqlite:///{INSTANCE / 'tournee.db'}"


class Config:
    SQLALCHEMY_DATABASE_URI = _database_url()
    # No pool_pre_ping: a round trip on every request. server/pool.py tells a dead
    # PostgreSQL connection from its socket, and pings only those idle this long (seconds).
    SQLALCHEMY_ENGINE_OPTIONS: dict = {}
    POOL_PING_IDLE_S = float(os.environ.get("POOL_PING_IDLE_S", "30"))
    # PostgreSQL only (create_app adds it): how long opening a connection may take before
    # the request answers 503. psycopg's default is 130 s, so a database host that stops
    # answering (failover, network partition) would hold every request for minutes.
    DATABASE_CONNECT_TIMEOUT_S = int(os.environ.get("DATABASE_CONNECT_TIMEOUT_S", "5"))
    # PostgreSQL only: what a random page read costs the planner against a sequential one
    # (PostgreSQL's default is 4, for spinning disks). PostgreSQL's documentation suggests
    # 1.1 for solid-state storage, and it fits data that stays in memory: with 4, a push's
    # lookup of 500 new ids by primary key scanned a 20k-visit table (10 ms) instead of
    # probing the index (1.5 ms) until the table's statistics were refreshed (bench_push).
    # Empty: the server's own setting is kept.
    DATABASE_RANDOM_PAGE_COST = os.environ.get("DATABASE_RANDOM_PAGE_COST", "1.1")
    SECRET_KEY = _secret_key()
    PORT = int(os.environ.get("PORT", "8000"))

    # Tokens: short-lived access, rotating refresh (server/users/tokens.py).
    JWT_SECRET_KEY = SECRET_KEY
    JWT_ALGORITHM = "HS256"
    JWT_DECODE_ALGORITHMS = ["HS256"]
    JWT_ACCESS_TOKEN_EXPIRES = timedelta(minutes=15)
    JWT_REFRESH_TOKEN_EXPIRES = timedelta(days=30)
    JWT_ENCODE_ISSUER = JWT_DECODE_ISSUER = "tournee"
    JWT_ENCODE_AUDIENCE = JWT_DECODE_AUDIENCE = "tournee-api"
    JWT_TOKEN_LOCATION = ["headers"]
    REFRESH_GRACE_SECONDS = 10

    # Argon2id parameters: OWASP's floor (19 MiB, t=2, p=1); see docs/benchmarks.md
    # for the logins per second this gives on a 2-core server.
    ARGON2_TIME_COST = int(os.environ.get("ARGON2_TIME_COST", "2"))
    ARGON2_MEMORY_KIB = int(os.environ.get("ARGON2_MEMORY_KIB", "19456"))
    ARGON2_PARALLELISM = 1

    # Rate limits, shared by every worker and host: in the database by default
    # (server/ratelimits/storage.py), Redis when RATELIMIT_STORAGE_URI=redis://… .
    # Per address: failed sign-ins from one client address (the real one: TRUSTED_PROXIES,
    # docs/deployment.md). Per account: exponential back-off (server/ratelimits/backoff.py),
    # at sign-in by e-mail and for the current password of POST /api/me/password.
    RATELIMIT_STORAGE_URI = os.environ.get("RATELIMIT_STORAGE_URI", "tournee-db://")
    RATELIMIT_HEADERS_ENABLED = True
    LOGIN_LIMIT_PER_ADDRESS = os.environ.get("LOGIN_LIMIT_PER_ADDRESS", "50 per 5 minutes")
    BACKOFF_FREE_FAILURES = int(os.environ.get("BACKOFF_FREE_FAILURES", "5"))
    BACKOFF_BASE_S = float(os.environ.get("BACKOFF_BASE_S", "1"))
    BACKOFF_MAX_S = float(os.environ.get("BACKOFF_MAX_S", "60"))
    # Password-reset requests (server/users/reset_routes.py): each sends an e-mail.
    RESET_LIMIT_PER_EMAIL = os.environ.get("RESET_LIMIT_PER_EMAIL", "3 per hour")
    RESET_LIMIT_PER_ADDRESS = os.environ.get("RESET_LIMIT_PER_ADDRESS", "20 per hour")
    PUSH_LIMIT_PER_USER = os.environ.get("PUSH_LIMIT_PER_USER", "120 per minute")

    MAX_CONTENT_LENGTH = 16 * 1024 * 1024
    # Generic ceilings of every JSON body, checked before any work (server/bounds.py);
    # fields have tighter bounds of their own in their schemas. 20,000 characters is
    # the longest text field (notes); 1,000 items the longest list (a pull page).
    INPUT_MAX_DEPTH = int(os.environ.get("INPUT_MAX_DEPTH", "32"))
    INPUT_MAX_STRING = int(os.environ.get("INPUT_MAX_STRING", "20000"))
    INPUT_MAX_LIST = int(os.environ.get("INPUT_MAX_LIST", "1000"))
    INPUT_MAX_KEYS = int(os.environ.get("INPUT_MAX_KEYS", "1000"))
    SYNC_MAX_MUTATIONS = 500
    SYNC_PULL_MAX_LIMIT = 1000
    # A first download's prepared snapshot (sync/snapshot.py) is served until it is this old;
    # the tablet's catch-up pull brings what changed since. `tournee sync snapshots` remakes them.
    SYNC_SNAPSHOT_MAX_AGE_S = int(os.environ.get("SYNC_SNAPSHOT_MAX_AGE_S", str(12 * 3600)))
    # Tombstones older than this many days are pruned; None keeps everything.
    SYNC_RETENTION_DAYS = int(os.environ["SYNC_RETENTION_DAYS"]) if os.environ.get("SYNC_RETENTION_DAYS") else None

    # Forecast (server/forecast): the stage probabilities used while the company's closed
    # history is thinner than FORECAST_MIN_HISTORY deals (common CRM defaults per stage).
    FORECAST_STAGE_PROBABILITIES = {"lead": 0.1, "requested": 0.2, "in_progress": 0.3, "quoted": 0.5}
    FORECAST_MIN_HISTORY = int(os.environ.get("FORECAST_MIN_HISTORY", "30"))

    SMTP_URL = os.environ.get("SMTP_URL", "smtp://127.0.0.1:25")
    MAIL_SENDER = os.environ.get("MAIL_SENDER", "tournee@localhost")
    ATTACHMENTS_DIR = Path(os.environ.get("ATTACHMENTS_DIR", INSTANCE / "attachments"))
    ATTACHMENT_MAX_BYTES = int(os.environ.get("ATTACHMENT_MAX_BYTES", str(10 * 1024 * 1024)))
    # Quote dispatcher (sync/dispatch.py): webhook/SMTP timeout, claim lease, batch, poll interval.
    DISPATCH_TIMEOUT_S = float(os.environ.get("DISPATCH_TIMEOUT_S", "10"))
    DISPATCH_LEASE_S = float(os.environ.get("DISPATCH_LEASE_S", "60"))
    DISPATCH_BATCH = int(os.environ.get("DISPATCH_BATCH", "16"))
    DISPATCH_INTERVAL_S = float(os.environ.get("DISPATCH_INTERVAL_S", "1"))
    # Outbound requests (webhooks) never reach loopback, private, link-local… addresses,
    # except the hosts/networks listed here, comma-separated (sync/channels/outbound.py;
    # docs/security.md). For an on-premises technical service only.
    OUTBOUND_ALLOWED_HOSTS = os.environ.get("OUTBOUND_ALLOWED_HOSTS", "")
    PWA_DIR = ROOT / "pwa"
    # Tours (server/tours/service.py): OSRM's table service when OSRM_URL is set, else
    # great-circle km × ROAD_FACTOR driven at AVERAGE_SPEED_KMH (server/tours/travel.py).
    OSRM_URL = os.environ.get("OSRM_URL") or None
    # Locating addresses (server/geo): the national address base's API when GEOCODER_URL is
    # set (https://api-adresse.data.gouv.fr), else the embedded commune gazetteer only.
    GEOCODER_URL = os.environ.get("GEOCODER_URL") or None
    GEOCODER_TIMEOUT_S = float(os.environ.get("GEOCODER_TIMEOUT_S", "5"))
    GEOCODER_BATCH_TIMEOUT_S = float(os.environ.get("GEOCODER_BATCH_TIMEOUT_S", "60"))  # an import's one batch
    GEOCODER_MIN_INTERVAL_S = float(os.environ.get("GEOCODER_MIN_INTERVAL_S", "0.02"))
    ROAD_FACTOR = float(os.environ.get("ROAD_FACTOR", "1.3"))
    AVERAGE_SPEED_KMH = float(os.environ.get("AVERAGE_SPEED_KMH", "50"))
    TOUR_TIME_LIMIT_S = float(os.environ.get("TOUR_TIME_LIMIT_S", "1.0"))
    TOUR_DUE_HORIZON_DAYS = int(os.environ.get("TOUR_DUE_HORIZON_DAYS", "7"))
    # The background tour planner (server/tours/worker.py): days planned ahead, seconds between polls.
    TOUR_PLAN_AHEAD_DAYS = int(os.environ.get("TOUR_PLAN_AHEAD_DAYS", "5"))
    TOUR_PLAN_INTERVAL_S = float(os.environ.get("TOUR_PLAN_INTERVAL_S", "2.0"))
    SLOT_STEP_MIN = int(os.environ.get("SLOT_STEP_MIN", "15"))

    # Hardening (server/security.py, observability.py, metrics.py): proxies in front whose
    # X-Forwarded-For/-Proto are trusted (0: none), log lines as json or text, and the
    # bearer token a Prometheus scraper sends to /metrics (unset: closed, unless allowed below).
    # Fault points (server/faults.py) for the fault tests; never on in production.
    FAULT_INJECTION = os.environ.get("TOURNEE_FAULT_INJECTION") == "1"
    TRUSTED_PROXIES = int(os.environ.get("TRUSTED_PROXIES", "0"))
    LOG_FORMAT = os.environ.get("LOG_FORMAT", "text")
    METRICS_TOKEN = os.environ.get("METRICS_TOKEN") or None
    # /metrics without the token: only these callers (addresses or networks, comma-separated).
    METRICS_ALLOWED_ADDRESSES = os.environ.get("METRICS_ALLOWED_ADDRESSES", "")
    # A sign-in lasts at most this long, however often its refresh token is renewed.
    SESSION_MAX_AGE = timedelta(days=int(os.environ.get("SESSION_MAX_AGE_DAYS", "90")))
    # How long a worker trusts a sign-in it checked, while no revocation happened anywhere
    # (server/users/revocation.py: a revocation takes effect at once whatever this is).
    AUTH_CACHE_SECONDS = float(os.environ.get("AUTH_CACHE_SECONDS", "60"))

    # flask-smorest / OpenAPI
    API_TITLE = "Tournée"
    API_VERSION = "0.1.0"
    OPENAPI_VERSION = "3.0.3"
    OPENAPI_URL_PREFIX = "/api"
    OPENAPI_JSON_PATH = "openapi.json"
    OPENAPI_SWAGGER_UI_PATH = "/docs"
    OPENAPI_SWAGGER_UI_URL = "/api/docs/static/"  # vendored: server/web/swagger-ui (no CDN)
    COMPRESS_MIMETYPES = ["application/json", "text/html", "text/css", "text/javascript",
                          "application/javascript", "application/problem+json", "image/svg+xml"]
    COMPRESS_ALGORITHM = ["gzip"]
    COMPRESS_MIN_SIZE = 1024
    DEMO_TIMEZONE = "Europe/Paris"
    TESTING = False


class TestConfig(Config):
    TESTING = True
    SQLALCHEMY_DATABASE_URI = os.environ.get("TOURNEE_TEST_DATABASE_URL", "sqlite://")
    ARGON2_TIME_COST = 1
    ARGON2_MEMORY_KIB = 1024
    RATELIMIT_STORAGE_URI = "memory://"
    FAULT_INJECTION = True
    # The tests' webhook receivers listen on 127.0.0.1: allowed here on purpose, and
    # only here (tests of the refusal override it with "").
    OUTBOUND_ALLOWED_HOSTS = "127.0.0.1"
    # Tests rebuild the history between cases; a cached model could outlive its data.
    FORECAST_CACHE = False
