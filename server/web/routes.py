"""The PWA's static files and the content-hash manifest its service worker precaches.

The manifest's version is a hash of every shipped file, so a new release
changes it and the service worker installs the new shell cleanly.
"""
from __future__ import annotations

import hashlib
from functools import lru_cache
from pathlib import Path

from flask import Blueprint, abort, current_app, jsonify, send_from_directory
from sqlalchemy import text

from server import __version__
from server.extensions import db

bp = Blueprint("web", __name__)
SKIP = {"sw.js"}


@lru_cache(maxsize=4)
def _manifest(pwa_dir: str, stamp: float) -> dict:
    root = Path(pwa_dir)
    files, digest = [], hashlib.sha256()
    for path in sorted(p for p in root.rglob("*") if p.is_file()):
        rel = path.relative_to(root).as_posix()
        if rel in SKIP or rel.endswith((".sh", ".md")) or "/licenses/" in f"/{rel}" or rel.endswith("VERSIONS"):
            continue
        digest.update(rel.encode() + b"\0" + path.read_bytes())
        files.append("/" if rel == "index.html" else f"/{rel}")
    return {"version": digest.hexdigest()[:16], "files": files}


def precache_manifest() -> dict:
    root = Path(current_app.config["PWA_DIR"])
    # Newest modification time in the tree: a changed file invalidates the cache.
    stamp = max((p.stat().st_mtime for p in root.rglob("*") if p.is_file()), default=0.0)
    return _manifest(str(root), stamp)


@bp.get("/precache.json")
def precache():
    response = jsonify(precache_manifest())
    response.headers["Cache-Control"] = "no-cache"
    return response


@bp.get("/sw.js")
def service_worker():
    response = send_from_directory(current_app.config["PWA_DIR"], "sw.js", max_age=0)
    response.headers["Cache-Control"] = "no-cache"
    response.headers["Service-Worker-Allowed"] = "/"
    return response


@bp.get("/")
def index():
    response = send_from_directory(current_app.config["PWA_DIR"], "index.html", max_age=0)
    response.headers["Cache-Control"] = "no-cache"
    return response


SWAGGER_UI = Path(__file__).resolve().parent / "swagger-ui"


@bp.get("/api/docs/static/<path:filename>")
def docs_static(filename: str):
    """Swagger UI's files for /api/docs (vendored swagger-ui-dist: swagger-ui/VERSIONS), so the docs need no CDN."""
    if filename.startswith("licenses/") or not filename.endswith((".js", ".css")):
        abort(404)
    response = send_from_directory(SWAGGER_UI, filename, max_age=86400)
    response.headers["Cache-Control"] = "public, max-age=86400"
    return response


@bp.get("/<path:filename>")
def static_file(filename: str):
    if filename.startswith("api/"):
        abort(404)
    response = send_from_directory(current_app.config["PWA_DIR"], filename, max_age=0)
    response.headers["Cache-Control"] = "no-cache"
    return response


@bp.get("/api/health")
def health():
    """Liveness, database reachability and the quote delivery backlog."""
    from sync.outbox import backlog
    outbox = None
    try:
        db.session.execute(text("SELECT 1"))
        outbox = backlog(db.session)
        database = "ok"
    except Exception:  # any failure to reach the database is a 503, not a 500
        db.session.rollback()
        database = "error"
    body = {"status": "ok" if database == "ok" else "error", "database": database, "version": __version__}
    if outbox is not None:
        body["outbox"] = outbox
    return jsonify(body), 200 if database == "ok" else 503
