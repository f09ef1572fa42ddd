"""Accounts and contacts: list, read and edit within the caller's scope."""
from __future__ import annotations

from flask_smorest import Blueprint
from server.accounts.models import Account, Contact
from server.accounts.schemas import AccountListArgs, ContactListArgs
from server.common.records import record_routes
from server.common.search import matches

blp = Blueprint("accounts", __name__, url_prefix="/api", description="Accounts and contacts")


def _account_filters(stmt, args):
    if args.get("q"):  # names, towns and postcodes, whatever their case and accents
        stmt = stmt.where(matches(Account.search, args["q"]))
    return stmt


def _contact_filters(stmt, args):
    if args.get("q"):
        stmt = stmt.where(matches(Contact.search, args["q"]))
    return stmt


@blp.route("/accounts/duplicates", methods=["GET"])
@blp.response(200)
def duplicate_suggestions():
    """Likely duplicates in your scope (merge suggestions): `{"items": [{by, accounts: [{id, name, postcode, city, owner_id}]}]}`."""
    from server.accounts.duplicates import suggestions
    from server.actor import current_actor
    from server.extensions import db
    return {"items": suggestions(db.session, current_actor())}


record_routes(blp, entity="account", path="/accounts", list_args=AccountListArgs,
              equal=("segment", "owner_id", "status"), filters=_account_filters,
              order_by=(Account.name, Account.id))
record_routes(blp, entity="contact", path="/contacts", list_args=ContactListArgs,
              equal=("account_id",), filters=_contact_filters,
              order_by=(Contact.name, Contact.id))
