"""Accounts and contacts: list, read and edit within the caller's scope."""
from __future__ import annotations

from flask_smorest import Blueprint
from marshmallow import Schema, fields, validate

from server.accounts.models import Account, Contact
from server.accounts.schemas import AccountListArgs, ContactListArgs
from server.accounts.search_table import account_matches, matching_in_list_order
from server.common.fields import UUID
from server.common.records import record_routes
from server.common.search import matches

blp = Blueprint("accounts", __name__, url_prefix="/api", description="Accounts and contacts")
ACCOUNT_EQUAL = ("segment", "owner_id", "status")  # the list's arguments that match a column as they are


def _account_filters(stmt, args):
    if args.get("q"):  # names, towns and postcodes, whatever their case and accents
        from server.actor import current_actor
        from server.extensions import db
        whole_company = current_actor().role == "admin" and not args.get("owner_id")
        stmt = stmt.where(account_matches(args["q"], db.session.get_bind().dialect.name, whole_company=whole_company))
    return stmt


def _account_search_alone(args, actor, dialect):
    # An admin's search of every account, nothing else asked: the side table answers it alone.
    if dialect == "postgresql" and actor.role == "admin" and not any(args.get(n) for n in ACCOUNT_EQUAL):
        return matching_in_list_order(args["q"])
    return None


def _contact_filters(stmt, args):
    if args.get("q"):
        stmt = stmt.where(matches(Contact.search, args["q"]))
    return stmt


@blp.route("/accounts/duplicates", methods=["GET"])
@blp.response(200)
def duplicate_suggestions():
    """Merge suggestions (manager: its scope; rep: those holding one of its accounts):
    `{"items": [{by, accounts: [{id, name, postcode, city, owner_id, owner_name}]}]}`."""
    from server.accounts.duplicates import suggestions
    from server.actor import current_actor
    from server.extensions import db
    return {"items": suggestions(db.session, current_actor())}


class MergeSchema(Schema):
    survivor_id = UUID(required=True)
    merged_ids = fields.List(UUID(), required=True, validate=validate.Length(1, 20))


class DismissSchema(Schema):
    account_ids = fields.List(UUID(), required=True, validate=validate.Length(2, 20))


@blp.route("/accounts/merge", methods=["POST"])
@blp.arguments(MergeSchema)
@blp.response(200)
def merge_accounts(data):
    """Merge accounts that are one company into `survivor_id` (manager, admin; a rep for a suggestion
    it sees): `{"survivor_id", "merged_ids": [...]}` → `{"id", "merged", "moved": {entity: n},
    "conflicts": [{"field", "kept", "set_aside", "from"}]}`; nothing lost (server/accounts/merging.py)."""
    from server.accounts.merging import merge
    from server.actor import current_actor
    from server.extensions import db
    result = merge(session=db.session, actor=current_actor(), **data)
    db.session.commit()
    return result


@blp.route("/accounts/duplicates/dismiss", methods=["POST"])
@blp.arguments(DismissSchema)
@blp.response(204)
def dismiss_duplicates(data):
    """These accounts are different companies: `{"account_ids": [...]}` → 204, no longer suggested."""
    from server.accounts.merging import dismiss
    from server.actor import current_actor
    from server.extensions import db
    dismiss(session=db.session, actor=current_actor(), **data)
    db.session.commit()


# Lists read in the order of the folded `search` column (server/common/search.py: name first,
# case and accents folded), not by `name`: SQLite and a C-collated PostgreSQL compare code
# points, which puts "Émilie" after "Thomas". ix_account_owner_search serves a rep's page.
record_routes(blp, entity="account", path="/accounts", list_args=AccountListArgs,
              equal=ACCOUNT_EQUAL, filters=_account_filters, searched=_account_search_alone,
              order_by=(Account.search, Account.id))
record_routes(blp, entity="contact", path="/contacts", list_args=ContactListArgs,
              equal=("account_id",), filters=_contact_filters,
              order_by=(Contact.search, Contact.id))
