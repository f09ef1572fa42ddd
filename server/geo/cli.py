"""`tournee geocode`: try again the accounts the address geocoder could not place when an
import or an edit happened (it was down, slow or not configured): those with an address
located at commune level or not at all. Run it from cron after setting GEOCODER_URL.

Manual positions are never touched. The accounts are changed through the ORM, so the
sync engine stamps them with a new version and tablets pull the new position (C2).
"""
from __future__ import annotations

import click
from flask import current_app
from flask.cli import with_appcontext

BATCH = 1000


@click.command("geocode")
@click.option("--limit", type=int, default=None, help="At most this many accounts.")
@with_appcontext
def geocode_command(limit: int | None) -> None:
    """Locate again, at the address, accounts placed at commune level or not at all."""
    from sqlalchemy import or_, select

    from server.accounts.models import Account
    from server.extensions import db
    from server.geo.locate import locate_many
    if not current_app.config.get("GEOCODER_URL"):
        raise click.ClickException("Set GEOCODER_URL first: without it only the commune gazetteer is known.")
    stmt = (select(Account).where(Account.address.is_not(None), Account.address != "",
                                  or_(Account.geo_precision.is_(None), Account.geo_precision == "commune"))
            .order_by(Account.id).limit(limit))
    accounts = db.session.scalars(stmt).all()
    better = 0
    for start in range(0, len(accounts), BATCH):
        chunk = accounts[start:start + BATCH]
        positions = locate_many([(a.address, a.postcode, a.city) for a in chunk])
        for account, position in zip(chunk, positions, strict=True):
            if position and position.precision in ("address", "street"):
                account.lat, account.lon, account.geo_precision = position.lat, position.lon, position.precision
                better += 1
        db.session.commit()
    tried = "1 account tried" if len(accounts) == 1 else f"{len(accounts)} accounts tried"
    click.echo(f"{tried}, {better} located at the address or street.")
