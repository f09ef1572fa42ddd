"""Quote requests made during visits, in every status of the workflow, with their history.

Recent visits carry the quotes still moving (submitted, routed, in progress); older
ones the quoted, won, lost and cancelled. Timestamps follow the workflow
(created < received < routed < in progress < quoted < closed) and never pass now.
"""
from __future__ import annotations

import random
from datetime import datetime, timedelta
from typing import Any

from server.db import new_id
from server.demo import texts
from server.demo.accounts import pick
from sync.outbox import new_webhook_id

# By recency: the newest quotes are still moving, the oldest are closed.
RECENT = ["submitted", "routed", "routed", "in_progress", "in_progress", "in_progress"]
MIDDLE = ["quoted"] * 6 + ["cancelled"] * 2
OLD = ["won"] * 13 + ["lost"] * 9 + ["cancelled"] * 2 + ["quoted"] * 2


def make_quotes(*, rng: random.Random, visits: list[dict[str, Any]], accounts: dict[str, dict[str, Any]],
                contacts_of: dict[str, list[dict[str, Any]]], rep_id: str, teams: dict[str, str],
                backoffice_id: str | None, now: datetime, count: int = 40) -> dict[str, list[dict[str, Any]]]:
    """Rows for quote_request, quote_event and outbox_event; the chosen visits become `quote-requested`."""
    year_ago = now - timedelta(days=365)
    candidates = [v for v in visits if v["kind"] == "onsite" and v["started_at"] > year_ago
                  and accounts[v["account_id"]]["status"] in ("client", "prospect")]
    weights = [{"A": 6, "B": 3, "C": 1}[accounts[v["account_id"]]["segment"]] for v in candidates]
    chosen: dict[str, dict[str, Any]] = {}
    while len(chosen) < min(count, len(candidates)):
        visit = rng.choices(candidates, weights=weights)[0]
        chosen[visit["id"]] = visit
    statuses = RECENT + _shuffled(rng, MIDDLE) + _shuffled(rng, OLD)
    rows: dict[str, list[dict[str, Any]]] = {"quotes": [], "events": [], "outbox": []}
    for visit, status in zip(sorted(chosen.values(), key=lambda v: v["started_at"], reverse=True), statuses):
        visit.update(outcome="quote-requested", notes=rng.choice(texts.VISIT_NOTES["quote-requested"]),
                     next_action="Relancer le devis")
        _quote(rng, rows, visit, status, contacts_of[visit["account_id"]], rep_id, teams, backoffice_id, now)
    return rows


def _shuffled(rng: random.Random, items: list[str]) -> list[str]:
    items = list(items)
    rng.shuffle(items)
    return items


def _timeline(rng: random.Random, start: datetime, status: str, now: datetime) -> dict[str, datetime]:
    """When each step happened, squeezed before now when the visit was recent."""
    steps = {"created_at": timedelta(0), "received_at": timedelta(minutes=rng.choice((1, 2, 5, 45, 120)))}
    reached = {"submitted": 0, "routed": 1, "in_progress": 2, "quoted": 3, "won": 4, "lost": 4}
    routed = status != "cancelled" or rng.random() < 0.7
    depth = reached.get(status, 1 if routed else 0)
    if depth >= 1:
        steps["routed_at"] = steps["received_at"] + timedelta(minutes=rng.randint(1, 4))
    if depth >= 2:
        steps["in_progress_at"] = steps["routed_at"] + timedelta(hours=rng.uniform(0.5, 20))
    if depth >= 3:
        steps["quoted_at"] = steps["in_progress_at"] + timedelta(hours=rng.uniform(3, 60))
    if depth >= 4:
        steps["closed_at"] = steps["quoted_at"] + timedelta(days=rng.uniform(2, 30))
    if status == "cancelled":
        steps["closed_at"] = max(steps.values()) + timedelta(hours=rng.uniform(1, 48))
    span = max(steps.values())
    room = now - timedelta(minutes=10) - start
    scale = min(1.0, room / span) if span else 1.0
    return {key: start + offset * scale for key, offset in steps.items()}


def _quote(rng: random.Random, rows, visit: dict[str, Any], status: str, contacts: list[dict[str, Any]],
           rep_id: str, teams: dict[str, str], backoffice_id: str | None, now: datetime) -> None:
    line = pick(rng, texts.PRODUCT_LINE_WEIGHTS)
    catalogue = texts.QUOTE_ITEMS[line]
    items, amount = [], 0.0
    for label, unit, low, high in rng.sample(catalogue, k=rng.randint(1, min(3, len(catalogue)))):
        quantity = {"h": rng.randint(2, 16), "jour": rng.randint(1, 3), "lot": rng.randint(1, 5)}.get(unit, 1)
        items.append({"label": label, "quantity": quantity, "unit": unit})
        amount += quantity * rng.uniform(low, high)
    times = _timeline(rng, visit["ended_at"] - timedelta(minutes=10), status, now)
    technical = [c for c in contacts if "technical" in c["roles"]]
    team_id = teams["moteurs" if line == "moteurs" else "default"] if "routed_at" in times else None
    quote_id = new_id()
    rows["quotes"].append({
        "id": quote_id, "account_id": visit["account_id"], "contact_id": (technical or contacts)[0]["id"],
        "visit_id": visit["id"], "rep_id": rep_id, "product_line": line, "items": items,
        "urgency": "urgent" if rng.random() < 0.15 else "normal", "notes": rng.choice(texts.QUOTE_NOTES),
        "attachment_ids": [], "status": status, "team_id": team_id,
        "received_at": times["received_at"], "routed_at": times.get("routed_at"),
        "in_progress_at": times.get("in_progress_at"), "quoted_at": times.get("quoted_at"),
        "closed_at": times.get("closed_at"),
        "amount": round(amount, -1) if status in ("quoted", "won", "lost") else None,
        "field_meta": {}, "created_at": times["created_at"], "updated_at": max(times.values()),
    })
    back = backoffice_id if team_id == teams["default"] else None
    steps = [("submitted", "received_at", rep_id), ("routed", "routed_at", None),
             ("in_progress", "in_progress_at", back), ("quoted", "quoted_at", back)]
    if status in ("won", "lost", "cancelled"):
        steps.append((status, "closed_at", rep_id if status == "cancelled" else back))
    for step, key, actor in steps:
        if key in times:
            rows["events"].append({"id": new_id(), "quote_id": quote_id, "status": step, "actor_id": actor,
                                   "note": None, "at": times[key],
                                   "amount": rows["quotes"][-1]["amount"] if step == "quoted" else None})
    delivered = "routed_at" in times
    if not delivered and status == "cancelled":
        return  # withdrawn before the dispatcher took it: nothing left to deliver
    rows["outbox"].append({
        "id": new_id(), "kind": "quote_request.submitted", "quote_id": quote_id, "webhook_id": new_webhook_id(),
        "state": "delivered" if delivered else "pending", "team_id": team_id, "attempts": 1 if delivered else 0,
        "next_attempt_at": times["received_at"], "lease_until": None, "claimed_by": None,
        "first_attempt_at": times.get("routed_at"), "delivered_at": times.get("routed_at"), "last_error": None,
        "created_at": times["received_at"],
    })
