"""The data-quality report for managers (`GET /api/data-quality`): what keeps accounts
off the map or muddles them, each with the ids to fix.

- positions: counts per `geo_precision` ("none" = no usable position), and the
  accounts without one;
- accounts whose owner is missing or deactivated (nobody will visit them);
- likely duplicates: the same SIRET (custom field `siret`, digits only), the same
  normalised name and postcode, or the same phone number (digits, French +33 read as 0);
- criteria coverage of the commercial model (server/segmentation/service.py).

Within the caller's scope (server/scope.py); one pass over the accounts.
"""
from __future__ import annotations

import re
from collections import defaultdict
from typing import Any

from flask_smorest import Blueprint
from sqlalchemy import select
from sqlalchemy.orm import Session

from server.accounts.headers import header_key
from server.accounts.models import Account
from server.actor import Actor, current_actor
from server.extensions import db
from server.scope import condition
from server.users.models import User

LIST_LIMIT = 200
_LEGAL_FORMS = re.compile(r"\b(sa|sas|sasu|sarl|eurl|sci|snc|scop|ets|etablissements)\b")

blp = Blueprint("data_quality", __name__, url_prefix="/api", description="Data quality of the accounts")


def phone_key(phone: str | None) -> str | None:
    digits = re.sub(r"\D", "", phone or "")
    if digits.startswith("33") and len(digits) == 11:
        digits = "0" + digits[2:]
    return digits if len(digits) >= 9 else None


def name_key(name: str, postcode: str | None) -> str | None:
    key = _LEGAL_FORMS.sub(" ", header_key(name).replace("_", " ")).split()
    return " ".join(key) + "|" + postcode.strip() if key and postcode else None


def report(*, session: Session, actor: Actor) -> dict[str, Any]:
    """{"accounts", "positions": {precision: n}, "without_position": [...], "without_owner": [...],
    "duplicates": [{"kind", "value", "accounts": [...]}], "coverage": {...}}; lists capped at LIST_LIMIT."""
    from server.segmentation.service import coverage, require_staff
    require_staff(actor)
    active = set(session.scalars(select(User.id).where(User.active.is_(True), User.role == "rep")))
    stmt = (select(Account.id, Account.name, Account.postcode, Account.city, Account.phone, Account.custom,
                   Account.geo_precision, Account.lat, Account.lon, Account.owner_id)
            .where(condition("account", actor)).order_by(Account.search, Account.id))  # accents folded (routes.py)
    positions = {"address": 0, "street": 0, "commune": 0, "manual": 0, "none": 0}
    unplaced, orphans, groups = [], [], defaultdict(list)
    total = 0
    for row in session.execute(stmt):
        total += 1
        brief = {"id": row.id, "name": row.name, "postcode": row.postcode, "city": row.city}
        placed = row.lat is not None and row.lon is not None
        positions[(row.geo_precision or "manual") if placed else "none"] += 1
        if not placed:
            unplaced.append(brief)
        if row.owner_id not in active:
            orphans.append(brief)
        siret = re.sub(r"\D", "", str((row.custom or {}).get("siret") or ""))
        for kind, value in (("siret", siret if len(siret) == 14 else None), ("name_postcode", name_key(row.name, row.postcode)),
                            ("phone", phone_key(row.phone))):
            if value:
                groups[(kind, value)].append(brief)
    duplicates = [{"kind": kind, "value": value, "accounts": found}
                  for (kind, value), found in sorted(groups.items()) if len(found) > 1]
    return {"accounts": total, "positions": positions,
            "without_position": {"total": len(unplaced), "items": unplaced[:LIST_LIMIT]},
            "without_owner": {"total": len(orphans), "items": orphans[:LIST_LIMIT]},
            "duplicates": {"total": len(duplicates), "items": duplicates[:LIST_LIMIT]},
            "coverage": coverage(session=session, actor=actor)}


@blp.route("/data-quality", methods=["GET"])
@blp.response(200)
def data_quality():
    """Accounts without position (counts per precision), without an active owner, likely duplicates, criteria coverage."""
    return report(session=db.session, actor=current_actor())
