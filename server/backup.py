"""`tournee backup PATH` and `tournee restore PATH` (issue: hardening).

SQLite: SQLite's online backup API copies the database page by page under its own
locks, so a backup taken while the server runs is a consistent snapshot, and a
restore replaces the live file's content in place (every open connection sees the
restored data on its next transaction). PostgreSQL: the commands print the
`pg_dump -Fc` / `pg_restore` lines to run (docs/deployment.md → Backups).

After a restore the change counter is back where it was at the backup: tablets
whose cursor is ahead get `410` on their next pull and pull again from 0, keeping
and replaying their pending mutations (API.md → Sync, pull L2).
"""
from __future__ import annotations

import sqlite3
from pathlib import Path

import click
from flask import current_app
from flask.cli import with_appcontext
from sqlalchemy.engine import make_url


def _sqlite_path() -> Path | None:
    url = make_url(current_app.config["SQLALCHEMY_DATABASE_URI"])
    if url.get_backend_name() != "sqlite":
        return None
    if not url.database or url.database == ":memory:":
        raise click.ClickException("An in-memory SQLite database cannot be backed up.")
    return Path(url.database)


def _libpq_url() -> str:
    """DATABASE_URL as pg_dump takes it: no SQLAlchemy driver suffix, no password (use PGPASSWORD)."""
    url = make_url(current_app.config["SQLALCHEMY_DATABASE_URI"]).set(drivername="postgresql")._replace(password=None)
    return url.render_as_string(hide_password=False)


def backup_sqlite(source: Path, target: Path) -> None:
    target.parent.mkdir(parents=True, exist_ok=True)
    src = sqlite3.connect(source)
    dst = sqlite3.connect(target)
    try:
        with dst:
            src.backup(dst)
    finally:
        dst.close()
        src.close()


def restore_sqlite(backup: Path, live: Path) -> None:
    src = sqlite3.connect(f"file:{backup}?mode=ro", uri=True)
    try:
        check = src.execute("PRAGMA quick_check").fetchone()[0]
        tables = {row[0] for row in src.execute("SELECT name FROM sqlite_master WHERE type='table'")}
        if check != "ok" or "sync_counter" not in tables:
            raise click.ClickException(f"{backup} is not a sound Tournée backup ({check}).")
        dst = sqlite3.connect(live, timeout=30)
        try:
            src.backup(dst)
        finally:
            dst.close()
    finally:
        src.close()


@click.command("backup")
@click.argument("path", type=click.Path(dir_okay=False, path_type=Path))
@with_appcontext
def backup_command(path: Path) -> None:
    """Back the database up to PATH (SQLite: online, consistent while serving)."""
    source = _sqlite_path()
    if source is None:
        click.echo("PostgreSQL: run\n"
                   f"  pg_dump -Fc --no-owner --dbname='{_libpq_url()}' --file='{path}'\n"
                   "with PGPASSWORD set (docs/deployment.md → Backups).")
        return
    backup_sqlite(source, path)
    click.echo(f"backed up {source} to {path}")


@click.command("restore")
@click.argument("path", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@with_appcontext
def restore_command(path: Path) -> None:
    """Replace the database's content with the backup at PATH."""
    live = _sqlite_path()
    if live is None:
        click.echo("PostgreSQL: stop the servers and dispatchers, then run\n"
                   f"  pg_restore --clean --if-exists --no-owner --single-transaction --dbname='{_libpq_url()}' '{path}'\n"
                   "with PGPASSWORD set (docs/deployment.md → Backups).")
        return
    from server.extensions import db
    db.session.remove()
    db.engine.dispose()  # no pooled connection keeps a page cache of the old content
    restore_sqlite(path, live)
    click.echo(f"restored {live} from {path}; tablets ahead of the restored change counter pull again from 0")
