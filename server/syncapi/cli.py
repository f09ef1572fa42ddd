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


@sync_cli.command("snapshots")
@click.option("--role", "roles", multiple=True, default=("rep",), show_default=True,
              help="the roles whose first downloads are prepared (repeatable)")
def snapshots_command(roles: tuple[str, ...]) -> None:
    """Prepare the first download (sync/snapshot.py) of every active user of these roles, reps by
    default, e.g. from cron before the working day: tablets signing in together are then served
    prepared snapshots."""
    from sqlalchemy import select

    from server.actor import Actor
    from server.users.models import User
    from sync import snapshot

    users = db.session.scalars(select(User).where(User.active.is_(True), User.role.in_(roles))).all()
    actors = [Actor.of(user) for user in users]
    for actor in actors:
        db.session.rollback()
        if db.engine.dialect.name == "postgresql":  # one consistent snapshot, as a pull (PROTOCOL L1)
            db.session.connection(execution_options={"isolation_level": "REPEATABLE READ"})
        prepared = snapshot.build(session=db.session, actor=actor, dumps=current_app.json.dumps)
        db.session.rollback()
        snapshot.store(session=db.session, actor=actor, prepared=prepared, now=utcnow())
        db.session.commit()
        click.echo(f"{actor.email}: {prepared.records} records, {len(prepared.body) // 1024} KB, cursor {prepared.cursor}")
