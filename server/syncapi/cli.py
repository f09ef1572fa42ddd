"""`tournee sync prune`: keep the change log to SYNC_RETENTION_DAYS."""
from __future__ import annotations

from datetime import timedelta

import click
from flask import current_app
from flask.cli import AppGroup

from server.db import utcnow
from server.extensions import db
from sync.changes import prune_tombstones

sync_cli = AppGroup("sync", help="Sync engine maintenance.")


@sync_cli.command("prune")
@click.option("--days", type=int, default=None, help="default: SYNC_RETENTION_DAYS (unset keeps everything)")
def prune_command(days: int | None) -> None:
    """Drop tombstones older than the retention; older cursors then pull again from 0."""
    days = days if days is not None else current_app.config["SYNC_RETENTION_DAYS"]
    if days is None:
        click.echo("SYNC_RETENTION_DAYS is not set: keeping the whole change log.")
        return
    removed = prune_tombstones(db.session, older_than=utcnow() - timedelta(days=days))
    db.session.commit()
    click.echo(f"pruned {removed} tombstones older than {days} days")
