"""Account statuses: the company's list, each mapped to a lifecycle kind (prospect, client,
former client, competitor, other) that KPIs and tours read instead of the status itself.

While the company has defined none, the built-in list applies (BUILT_IN)."""
from __future__ import annotations

from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from server.accounts.models import AccountStatus

BUILT_IN: tuple[dict[str, Any], ...] = (
    {"key": "prospect", "label": {"fr": "Prospect", "en": "Prospect"}, "kind": "prospect", "position": 0},
    {"key": "client", "label": {"fr": "Client", "en": "Client"}, "kind": "client", "position": 1},
    {"key": "former_client", "label": {"fr": "Ancien client", "en": "Former client"}, "kind": "former_client",
     "position": 2},
    {"key": "competitor", "label": {"fr": "Concurrent", "en": "Competitor"}, "kind": "competitor", "position": 3},
    {"key": "partner", "label": {"fr": "Partenaire", "en": "Partner"}, "kind": "other", "position": 4},
)


def statuses(session: Session) -> list[dict[str, Any]]:
    """`[{key, label {fr, en}, kind, position}]`, the company's list or the built-in one."""
    stored = list(session.scalars(select(AccountStatus).order_by(AccountStatus.position, AccountStatus.key)))
    if not stored:
        return [dict(s) for s in BUILT_IN]
    return [{"key": s.key, "label": s.label, "kind": s.kind, "position": s.position} for s in stored]


def keys_of_kind(session: Session, kind: str) -> list[str]:
    """The statuses of one lifecycle kind (e.g. every status that means "competitor")."""
    return [s["key"] for s in statuses(session) if s["kind"] == kind]


def by_label(session: Session) -> dict[str, str]:
    """Key, French label and English label (case-folded) → key: how imports read a status cell."""
    out: dict[str, str] = {}
    for s in statuses(session):
        for name in (s["key"], s["label"].get("fr", ""), s["label"].get("en", "")):
            if name:
                out[name.casefold()] = s["key"]
                out[name.casefold().replace(" ", "_")] = s["key"]
    return out


def replace(*, session: Session, items: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The company's whole list at once (PUT). Accounts keep their status: a status still used
    by accounts may not be dropped (the caller checks `in_use`)."""
    for row in session.scalars(select(AccountStatus)):
        session.delete(row)
    session.flush()
    for position, item in enumerate(items):
        session.add(AccountStatus(key=item["key"], label=item["label"], kind=item["kind"], position=position))
    session.flush()
    return statuses(session)


def in_use(session: Session, keys: set[str]) -> set[str]:
    """Which of `keys` some account holds."""
    from server.accounts.models import Account
    if not keys:
        return set()
    return set(session.scalars(select(Account.status).where(Account.status.in_(keys)).distinct()))
