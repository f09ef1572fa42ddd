"""Likely duplicates of a new account (PROTOCOL P10): two tablets creating the same company
offline end with one account.

The tablet warns before creating on the same evidence plus the phone number
(pwa/lib/duplicates.js); the server links only on strong evidence, where a second record
would be a mistake: the same SIRET, or the same normalised name in the same postcode.
A shared switchboard number alone is left to the rep's judgement.
"""
from __future__ import annotations

import re
import unicodedata
from itertools import combinations
from typing import Any

from sqlalchemy import String, cast, or_, select

from server.accounts.models import Account

_LEGAL_FORMS = re.compile(r"\b(sarl|sas|sasu|sa|eurl|sci|snc|ets|etablissements|societe|ste|et cie|cie)\b")


def normalise_name(name: str | None) -> str:
    """"Éts Martin & Fils, SARL" → "martin fils" (accents, case, punctuation and legal forms dropped)."""
    text = unicodedata.normalize("NFD", name or "")
    text = "".join(c for c in text if not unicodedata.combining(c)).lower()
    text = re.sub(r"[^a-z0-9]+", " ", text)
    return re.sub(r"\s+", " ", _LEGAL_FORMS.sub(" ", text)).strip()


def _siret(value: Any) -> str:
    return re.sub(r"\D", "", str(value or ""))


def find_duplicate(ctx, values: dict[str, Any]) -> Account | None:
    """An account in the caller's scope that the new one duplicates, or None."""
    from server.scope import condition
    name, postcode = normalise_name(values.get("name")), (values.get("postcode") or "").strip()
    siret = _siret((values.get("custom") or {}).get("siret"))
    clues = []
    if name and postcode:
        clues.append(Account.postcode == postcode)
    if len(siret) >= 9:
        clues.append(cast(Account.custom, String).like('%"siret"%'))  # compared digit by digit below
    if not clues:
        return None
    for account in ctx.session.scalars(select(Account).where(condition("account", ctx.actor), or_(*clues))
                                       .order_by(Account.created_at, Account.id).limit(200)):
        if len(siret) >= 9 and _siret((account.custom or {}).get("siret")) == siret:
            return account
        if name and postcode and account.postcode == postcode and normalise_name(account.name) == name:
            return account
    return None


def suggestions(session, actor) -> list[dict[str, Any]]:
    """Groups of accounts that look like one company (same SIRET, or same normalised name in the
    same postcode): merge suggestions for accounts two reps created apart, which the push could
    not link because neither rep sees the other's (server/accounts/merging.py acts on them).

    A manager (admin) sees those of its scope; a rep those of its team that hold one of its own
    accounts (the reps concerned). Groups whose every pair was dismissed are left out.
    `[{"by": "siret"|"name", "accounts": [{id, name, postcode, city, owner_id, owner_name}]}]`,
    oldest account first."""
    from server.accounts.merging import dismissed_pairs
    from server.scope import condition, team_members
    from server.users.models import User
    where = (Account.owner_id.in_(team_members(actor.team_id)) if actor.role == "rep"
             else condition("account", actor))
    rows = session.execute(select(Account.id, Account.name, Account.postcode, Account.city, Account.owner_id,
                                  Account.custom, User.name.label("owner_name"))
                           .join(User, User.id == Account.owner_id).where(where)
                           .order_by(Account.created_at, Account.id)).all()
    groups: dict[tuple[str, str], list] = {}
    for row in rows:
        siret = _siret((row.custom or {}).get("siret"))
        if len(siret) >= 9:
            groups.setdefault(("siret", siret), []).append(row)
        name = normalise_name(row.name)
        if name and row.postcode:
            groups.setdefault(("name", f"{name}|{row.postcode}"), []).append(row)
    candidates = [(by, members) for (by, _), members in groups.items() if len({m.id for m in members}) >= 2]
    dismissed = dismissed_pairs(session, {m.id for _, members in candidates for m in members})
    seen: set[frozenset[str]] = set()
    out = []
    for by, members in candidates:
        ids = frozenset(m.id for m in members)
        if ids in seen or all(pair in dismissed for pair in combinations(sorted(ids), 2)):
            continue
        if actor.role == "rep" and not any(m.owner_id == actor.id for m in members):
            continue
        seen.add(ids)
        out.append({"by": by, "accounts": [{"id": m.id, "name": m.name, "postcode": m.postcode, "city": m.city,
                                            "owner_id": m.owner_id, "owner_name": m.owner_name} for m in members]})
    return out
