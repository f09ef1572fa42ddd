"""Accounts and contacts as the sync engine sees them: who writes what, how it merges."""
from __future__ import annotations

from server.accounts.models import Account, Contact
from server.accounts.schemas import AccountChangesSchema, ContactChangesSchema
from server.errors import Invalid
from sync.registry import LWW, SET, EntitySpec

ACCOUNT_OUT = ("id", "version", "name", "status", "segment", "computed_segment", "segment_override", "owner_id",
               "external_ref", "address", "postcode", "city", "lat", "lon", "phone", "email", "tags", "custom",
               "opening_hours", "last_visit_at", "next_due_at", "notes", "weight_score", "potential_score",
               "geo_precision")
REP_ACCOUNT_FIELDS = frozenset({"name", "status", "segment_override", "address", "postcode", "city", "lat", "lon",
                                "phone", "email", "tags", "custom", "opening_hours", "notes"})
STAFF_ACCOUNT_FIELDS = REP_ACCOUNT_FIELDS | {"owner_id"}


def _account_defaults(ctx) -> dict:
    return {"owner_id": ctx.actor.id, "tags": {"add": [], "remove": []}, "custom": {}}


def _check_owner(ctx, record, values) -> None:
    owner_id = values.get("owner_id")
    if owner_id is None:
        return
    from server.users.models import User
    owner = ctx.session.get(User, owner_id)
    in_team = owner is not None and owner.role == "rep" and (ctx.actor.role == "admin" or owner.team_id == ctx.actor.team_id)
    if not in_team:
        raise Invalid("The owner must be a rep of your team.", errors={"owner_id": ["Unknown rep."]})


def _derive_segment(ctx, record, op) -> None:
    """`segment` is the override's when there is one, else the model's (API.md → Commercial model)."""
    from server.segmentation.service import SCORED_FIELDS, rescore
    written = {name for name, meta in (record.field_meta or {}).items() if meta and meta[0] == record.version}
    if op == "create" or written & set(SCORED_FIELDS):
        rescore(ctx.session, record)  # criteria data or override changed: score with the active model
        return
    override = record.segment_override
    segment = override["segment"] if override else record.computed_segment or record.segment
    if record.segment != segment:
        record.segment = segment


def _place(ctx, record, op) -> None:
    """Locate the account (API.md → Account files and locations): lat/lon written by a
    person → "manual"; an address written without lat/lon → located by the server, unless
    a person placed it before (a manual position is never overwritten by geocoding)."""
    from server.geo.locate import locate
    written = {name for name, meta in (record.field_meta or {}).items() if meta and meta[0] == record.version}
    if {"lat", "lon"} & written:
        placed = record.lat is not None and record.lon is not None
        record.geo_precision = "manual" if placed else None
        return
    if record.geo_precision == "manual" or not (op == "create" or {"address", "postcode", "city"} & written):
        return
    position = locate(address=record.address, postcode=record.postcode, city=record.city)
    record.lat, record.lon = (position.lat, position.lon) if position else (None, None)
    record.geo_precision = position.precision if position else None


def _after_account_change(ctx, record, op) -> None:
    _place(ctx, record, op)
    _derive_segment(ctx, record, op)


account_spec = EntitySpec(
    name="account", model=Account,
    policies={name: (SET if name == "tags" else LWW) for name in STAFF_ACCOUNT_FIELDS},
    creatable={"rep": REP_ACCOUNT_FIELDS, "manager": STAFF_ACCOUNT_FIELDS, "admin": STAFF_ACCOUNT_FIELDS},
    updatable={"rep": REP_ACCOUNT_FIELDS, "manager": STAFF_ACCOUNT_FIELDS, "admin": STAFF_ACCOUNT_FIELDS},
    deletable_by=frozenset({"manager", "admin"}),
    schema=AccountChangesSchema(), output_fields=ACCOUNT_OUT,
    required_on_create=frozenset({"name", "owner_id"}),
    server_defaults=_account_defaults,
    before_create=_check_owner, before_update=_check_owner, after_change=_after_account_change,
    scope_fields=frozenset({"owner_id"}),
)

CONTACT_FIELDS = frozenset({"account_id", "name", "roles", "phone", "email"})

contact_spec = EntitySpec(
    name="contact", model=Contact,
    policies={name: LWW for name in CONTACT_FIELDS},
    creatable={role: CONTACT_FIELDS for role in ("rep", "manager", "admin")},
    updatable={role: CONTACT_FIELDS - {"account_id"} for role in ("rep", "manager", "admin")},
    deletable_by=frozenset({"rep", "manager", "admin"}),
    schema=ContactChangesSchema(), output_fields=("id", "version", "account_id", "name", "roles", "phone", "email"),
    required_on_create=frozenset({"account_id", "name"}),
    server_defaults=lambda ctx: {"roles": []},
    parents={"account_id": "account"},
)
