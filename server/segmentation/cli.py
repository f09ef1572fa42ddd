"""`tournee` commands of the commercial model: import accounts or contacts from a CSV
file, re-segment every account, plan the recurring visits of A accounts."""
from __future__ import annotations

import json
from pathlib import Path

import click
from flask.cli import with_appcontext


def _actor(email: str | None):
    """Who the command acts as: the given user, else the first admin (imports need a staff role)."""
    from sqlalchemy import select

    from server.actor import Actor
    from server.extensions import db
    from server.users.models import User
    stmt = select(User).where(User.email == email.casefold()) if email else \
        select(User).where(User.role == "admin").order_by(User.created_at).limit(1)
    user = db.session.scalar(stmt)
    if user is None:
        raise click.ClickException(f"No user {email}." if email else "No admin user: create one or pass --as.")
    return Actor.of(user)


@click.command("import-accounts")
@click.argument("path", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--dry-run", is_flag=True, help="validate and count, write nothing")
@click.option("--mapping", default=None, help='JSON {"CSV column": "field" or null}')
@click.option("--kind", type=click.Choice(["accounts", "contacts"]), default="accounts")
@click.option("--as", "as_email", default=None, help="act as this manager or admin (default: the first admin)")
@click.option("--default-owner", "owner_email", default=None,
              help="e-mail of the rep new accounts go to when their line names none")
@with_appcontext
def import_accounts_command(path: Path, dry_run: bool, mapping: str | None, kind: str, as_email: str | None,
                            owner_email: str | None) -> None:
    """Import accounts (or contacts) from a CSV file, all or nothing; prints the report."""
    from server.accounts.csvfile import ImportRejected
    from sqlalchemy import select

    from server.accounts.transfer_service import parse_mapping, run_import
    from server.errors import Problem
    from server.extensions import db
    from server.users.models import User
    default_owner_id = None
    if owner_email is not None:
        default_owner_id = db.session.scalar(select(User.id).where(User.email == owner_email.strip().casefold()))
        if default_owner_id is None:
            raise click.ClickException(f"No user {owner_email}.")
    try:
        outcome = run_import(session=db.session, actor=_actor(as_email), data=path.read_bytes(), kind=kind,
                             mapping=parse_mapping(mapping), dry_run=dry_run, default_owner_id=default_owner_id)
    except ImportRejected as rejected:
        db.session.rollback()
        for issue in rejected.extra["report"]:
            click.echo(f"line {issue['line']}: {issue['column']}: {issue['message']}", err=True)
        raise click.ClickException(rejected.detail) from None
    except Problem as problem:
        db.session.rollback()
        raise click.ClickException(problem.detail) from None
    if dry_run:
        db.session.rollback()
    else:
        db.session.commit()
    click.echo(json.dumps(outcome.counts(), ensure_ascii=False))


@click.command("recompute-segments")
@with_appcontext
def recompute_command() -> None:
    """Re-segment every account with the active commercial model."""
    from server.extensions import db
    from server.segmentation.recompute import recompute
    from server.segmentation.service import ensure_stored
    summary = recompute(session=db.session, model=ensure_stored(db.session))
    db.session.commit()
    click.echo(json.dumps(summary))


@click.command("plan-recurring-visits")
@with_appcontext
def recurring_command() -> None:
    """Create the recurring visit tasks of A accounts due in the coming weeks (run it daily)."""
    from server.extensions import db
    from server.segmentation.followups import plan_recurring_visits
    summary = plan_recurring_visits(session=db.session)
    db.session.commit()
    click.echo(json.dumps(summary))


def commands() -> list[click.Command]:
    return [import_accounts_command, recompute_command, recurring_command]
