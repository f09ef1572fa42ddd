"""Accounts and contacts as the sync engine sees them: who writes what, how it merges."""
from __future__ import annotations

import json

from server.accounts.duplicates import find_duplicate
from server.accounts.models import Account, Contact
from server.accounts.schemas import CUSTOM_MAX_BYTES, CUSTOM_MAX_KEYS, AccountChangesSchema, ContactChangesSchema
from server.common.fields import MAX_SET_ITEMS
from server.errors import Invalid
from sync.merge import apply_set_op
from sync.registry import LWW, MAP, SET, EntitySpec, split_field

ACCOUNT_OUT = ("id", "version", "name", "status", "segment", "computed_segment", "segment_override", "owner_id",
               "external_ref", "address", "postcode", "city", "lat", "lon", "phone", "email", "tags", "custom",
               "opening_hours", "last_visit_at", "next_due_at", "notes", "weight_score", "potential_score",
               "attachment_ids", "geo_precision")
REP_ACCOUNT_FIELDS = frozenset({"name", "status", "segment_override", "address", "postcode", "city", "lat", "lon",
                                "phone", "email", "tags", "custom", "opening_hours", "notes", "attachment_ids"})
STAFF_ACCOUNT_FIELDS = REP_ACCOUNT_FIELDS | {"owner_id"}


def _account_defaults(ctx) -> dict:
    return {"owner_id": ctx.actor.id, "tags": {"add": [], "remove": []}, "custom": {},
            "attachment_ids": {"add": [], "remove": []}}


def _check_owner(ctx, record, values) -> None:
    _check_totals(record, values)
    owner_id = values.get("owner_id")
    if owner_id is None:
        return
    from server.users.models import User
    owner = ctx.session.get(User, owner_id)
    in_team = owner is not None and owner.role == "rep" and (ctx.actor.role == "admin" or owner.team_id == ctx.actor.team_id)
    if not in_team:
        raise Invalid("The owner must be a rep of your team.", errors={"owner_id": ["Unknown rep."]})


def _check_totals(record, values) -> None:
    """Changes are bounded one by one (schemas); the record they build is bounded too."""
    tags = values.get("tags")
    if isinstance(tags, dict):  # an update's set operation; a creation's tags are a list already
        tags = apply_set_op(getattr(record, "tags", None), tags)
    if isinstance(tags, list):
        if len(tags) > MAX_SET_ITEMS:
            raise Invalid("Too many tags.", errors={"tags": [f"At most {MAX_SET_ITEMS} tags."]})
    if isinstance(values.get("custom"), dict):
        custom = dict(getattr(record, "custom", None) or {})
        for key, value in values["custom"].items():
            if value is None:
                custom.pop(key, None)
            else:
                custom[key] = value
        size = len(json.dumps(custom, ensure_ascii=False).encode())
        if len(custom) > CUSTOM_MAX_KEYS or size > CUSTOM_MAX_BYTES:
            raise Invalid("Too many custom values.", errors={"custom": [
                f"At most {CUSTOM_MAX_KEYS} keys and {CUSTOM_MAX_BYTES} bytes in all."]})


def _check_custom(entity: str):
    """Values of `custom` against the company's definitions (API.md → Custom fields): 422/`rejected`."""
    def hook(ctx, record, values) -> None:
        if "custom" not in values:
            if record is None:  # a create without custom still owes the required ones
                values = {**values, "custom": {}}
            else:
                return
        from server.customfields.values import check, known_fields
        known = ctx.once(f"custom_fields:{entity}", lambda: known_fields(ctx.session, entity))
        errors = check(values["custom"] or {}, known, creating=record is None)
        if errors:
            raise Invalid("Some custom fields have invalid values.", errors=errors)
    return hook


def _check_status(ctx, values) -> None:
    """A status of the company's list (server/accounts/statuses.py)."""
    if values.get("status") is None:
        return
    from server.accounts.statuses import statuses
    known = ctx.once("account_statuses", lambda: {s["key"] for s in statuses(ctx.session)})
    if values["status"] not in known:
        raise Invalid("Unknown account status.", errors={"status": [f"Must be one of: {', '.join(sorted(known))}."]})


def _account_rules(ctx, record, values) -> None:
    from server.quotes.entity import check_attachments
    _check_owner(ctx, record, values)
    _check_status(ctx, values)
    _check_custom("account")(ctx, record, values)
    photos = values.get("attachment_ids")
    if photos:  # a list on create (set op applied already), {"add", "remove"} on update
        added = photos if isinstance(photos, list) else photos.get("add") or []
        check_attachments(ctx, added, already=set(record.attachment_ids or []) if record is not None else ())


def _derive_segment(ctx, record, op, written: set[str]) -> None:
    """`segment` is the override's when there is one, else the model's (API.md → Commercial model).
    `written`: the fields this change wrote (`_written_fields`)."""
    from server.agenda.workdays import DueDays
    from server.segmentation.service import SCORED_FIELDS, rescore
    if op == "create" or written & {*SCORED_FIELDS, "owner_id"}:
        # criteria data or override changed: score with the active model; another owner, another
        # calendar: `next_due_at` again, on a day the new owner works (its team's holidays, its week)
        days = ctx.once("worked_due_days", lambda: DueDays(ctx.session, absences=False))
        rescore(ctx.session, record, days)
        if "owner_id" in written and record.last_visit_at is None:  # a due date with no visit (an import's)
            record.next_due_at = days.move(record.owner_id, record.next_due_at)
        return
    override = record.segment_override
    segment = override["segment"] if override else record.computed_segment or record.segment
    if record.segment != segment:
        record.segment = segment


def _place(ctx, record, op, written: set[str]) -> None:
    """Locate the account (API.md → Account files and locations): lat/lon written by a
    person → "manual"; an address written without lat/lon → located by the server, unless
    a person placed it before (a manual position is never overwritten by geocoding).
    `written`: the fields this change wrote (`_written_fields`)."""
    from server.geo.locate import locate
    if {"lat", "lon"} & written:
        placed = record.lat is not None and record.lon is not None
        record.geo_precision = "manual" if placed else None
        return
    if record.geo_precision == "manual" or not (op == "create" or {"address", "postcode", "city"} & written):
        return
    position = locate(address=record.address, postcode=record.postcode, city=record.city)
    record.lat, record.lon = (position.lat, position.lon) if position else (None, None)
    record.geo_precision = position.precision if position else None


def _written_fields(record) -> set[str]:
    """The fields the change being applied wrote: those stamped with the record's version
    (a map field's keys count as the field: `custom.sector` → `custom`)."""
    version = record.version
    return {split_field(name)[0] for name, meta in (record.field_meta or {}).items() if meta and meta[0] == version}


def _after_account_change(ctx, record, op) -> None:
    # Read once for both hooks: an account's field_meta holds an entry per field ever
    # written, and a push runs this for every account it edits (bench_push).
    written = _written_fields(record)
    _place(ctx, record, op, written)
    _derive_segment(ctx, record, op, written)


account_spec = EntitySpec(
    name="account", model=Account,
    # Photos are a set: two reps adding photos offline both keep theirs (M6).
    policies={name: {"tags": SET, "attachment_ids": SET, "custom": MAP}.get(name, LWW) for name in STAFF_ACCOUNT_FIELDS},
    creatable={"rep": REP_ACCOUNT_FIELDS, "manager": STAFF_ACCOUNT_FIELDS, "admin": STAFF_ACCOUNT_FIELDS},
    updatable={"rep": REP_ACCOUNT_FIELDS, "manager": STAFF_ACCOUNT_FIELDS, "admin": STAFF_ACCOUNT_FIELDS},
    deletable_by=frozenset({"manager", "admin"}),
    schema=AccountChangesSchema(), output_fields=ACCOUNT_OUT,
    required_on_create=frozenset({"name", "owner_id"}),
    server_defaults=_account_defaults,
    before_create=_account_rules, before_update=_account_rules, after_change=_after_account_change,
    scope_fields=frozenset({"owner_id"}),
    find_duplicate=find_duplicate,
    numbers_last=frozenset({"update"}),  # a create looks for duplicates other pushes may be writing
    bulk_update=True,
)

CONTACT_FIELDS = frozenset({"account_id", "name", "roles", "phone", "email", "custom", "left_at"})

contact_spec = EntitySpec(
    name="contact", model=Contact,
    policies={name: MAP if name == "custom" else LWW for name in CONTACT_FIELDS},
    creatable={role: CONTACT_FIELDS for role in ("rep", "manager", "admin")},
    updatable={role: CONTACT_FIELDS - {"account_id"} for role in ("rep", "manager", "admin")},
    deletable_by=frozenset({"rep", "manager", "admin"}),
    schema=ContactChangesSchema(), output_fields=("id", "version", "account_id", "name", "roles", "phone", "email", "custom",
                                                       "left_at"),
    required_on_create=frozenset({"account_id", "name"}),
    server_defaults=lambda ctx: {"roles": [], "custom": {}},
    parents={"account_id": "account"},
    before_create=_check_custom("contact"), before_update=_check_custom("contact"),
    numbers_last=frozenset({"create", "update"}),
)
