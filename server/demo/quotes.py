"""Three years of quote requests made during visits, with outcomes, and the reps' opportunities.

Every month of the history up to today has its quote requests (about ten a rep, more
in spring and autumn, few in August), so every month also has its wins. Whether a
quote is won depends on the project maturity noted at the visit (seed 004), the
account's segment and the product line, with a few big deals that are won less
often; a decision comes a few days to a few months after the quote. Each step of the
workflow happens at its own time and the status is the last step reached by now:
recent quotes are still moving: the newest two not routed yet, the five before
them still with the back office.

Beside them, the reps' opportunities (server/forecast): forecast fields on half of
the quotes (the rep's estimate on site, a category, sometimes an expected close
date), and opportunities opened without a quote, some closed, a few still open. An
expected close date falls on a worked day (Monday–Friday, not a French public holiday).
"""
from __future__ import annotations

import math
import random
from datetime import date, datetime, timedelta
from typing import Any

from server.agenda.workdays import WorkCalendar
from server.db import new_id
from server.demo import texts
from server.demo.accounts import pick
from sync.outbox import new_webhook_id

WORKED = WorkCalendar(hours={})  # the default week, Monday–Friday, and France's public holidays
PER_MONTH = 10  # quote requests of a rep in an average month
# Seasonality of B2B maintenance purchases: budgets in spring and autumn, August off.
SEASON = (0.8, 0.9, 1.15, 1.1, 1.05, 1.1, 0.8, 0.45, 1.15, 1.2, 1.1, 0.7)
# Log-odds of a win, added up (base: a B account, maturity 3, spare parts).
BASE = -0.4
MATURITY = {1: -1.6, 2: -0.9, 3: 0.0, 4: 0.7, 5: 1.4}
SEGMENT = {"A": 0.4, "B": 0.0, "C": -0.5}
LINE = {"moteurs": -0.5, "maintenance": 0.4, "pièces": 0.6, "hydraulique": 0.0, "formation": 0.2}
BIG_DEAL_SHARE, BIG_DEAL_ODDS = 0.03, -0.6
CANCEL_SHARE = 0.06
LONE_PER_MONTH, LONE_ODDS = 1.5, -0.8


def make_quotes(*, rng: random.Random, visits: list[dict[str, Any]], accounts: dict[str, dict[str, Any]],
                contacts_of: dict[str, list[dict[str, Any]]], rep_id: str, teams: dict[str, str],
                backoffice_id: str | None, now: datetime, zone) -> dict[str, list[dict[str, Any]]]:
    """Rows for quote_request, quote_event, outbox_event and opportunity; the chosen visits become `quote-requested`."""
    candidates = [v for v in visits if v["kind"] == "onsite" and v["ended_at"] < now - timedelta(hours=3)
                  and accounts[v["account_id"]]["status"] in ("client", "prospect")]
    by_month: dict[tuple[int, int], list[dict[str, Any]]] = {}
    for visit in candidates:
        local = visit["started_at"].astimezone(zone)
        by_month.setdefault((local.year, local.month), []).append(visit)
    chosen, lone = [], []
    for (year, month), month_visits in sorted(by_month.items()):
        wanted = round(PER_MONTH * SEASON[month - 1] * rng.uniform(0.8, 1.2) * _elapsed(year, month, now, zone))
        weights = [{"A": 6, "B": 3, "C": 1}[accounts[v["account_id"]]["segment"]] for v in month_visits]
        picked = {v["id"]: v for v in rng.choices(month_visits, weights=weights, k=min(wanted, len(month_visits)))}
        chosen += picked.values()
        spare = [v for v in month_visits if v["id"] not in picked and v["outcome"] == "interested"]
        lone += rng.sample(spare, k=min(len(spare), _poisson(rng, LONE_PER_MONTH)))
    rows: dict[str, list[dict[str, Any]]] = {"quotes": [], "events": [], "outbox": [], "opportunities": []}
    chosen.sort(key=lambda v: v["started_at"])
    for n, visit in enumerate(chosen):
        visit.update(outcome="quote-requested", notes=rng.choice(texts.VISIT_NOTES["quote-requested"]),
                     next_action="Relancer le devis")
        left = len(chosen) - n
        hold = "submitted" if left <= 2 else "routed" if left <= 4 else "in_progress" if left <= 7 else None
        _quote(rng, rows, visit, accounts[visit["account_id"]], contacts_of[visit["account_id"]], rep_id, teams,
               backoffice_id, now, hold)
    for visit in lone:
        _lone(rng, rows, visit, accounts[visit["account_id"]], rep_id, now)
    return rows


def _elapsed(year: int, month: int, now: datetime, zone) -> float:
    """The share of the month gone by now (1 for past months)."""
    today = now.astimezone(zone)
    if (year, month) != (today.year, today.month):
        return 1.0
    return today.day / 30


def _poisson(rng: random.Random, mean: float) -> int:
    """Knuth's method: fine for small means."""
    limit, k, p = math.exp(-mean), 0, rng.random()
    while p > limit:
        k += 1
        p *= rng.random()
    return k


def _wins(rng: random.Random, odds: float) -> bool:
    return rng.random() < 1 / (1 + math.exp(-odds))


def _items(rng: random.Random, line: str, big: bool) -> tuple[list[dict[str, Any]], float]:
    catalogue = texts.QUOTE_ITEMS[line]
    items, amount = [], 0.0
    for label, unit, low, high in rng.sample(catalogue, k=rng.randint(1, min(3, len(catalogue)))):
        quantity = {"h": rng.randint(2, 16), "jour": rng.randint(1, 3), "lot": rng.randint(1, 5)}.get(unit, 1)
        if big:
            quantity *= rng.randint(2, 4)
        items.append({"label": label, "quantity": quantity, "unit": unit})
        amount += quantity * rng.uniform(low, high)
    return items, round(amount, -1)


def _quote(rng: random.Random, rows, visit: dict[str, Any], account: dict[str, Any], contacts: list[dict[str, Any]],
           rep_id: str, teams: dict[str, str], backoffice_id: str | None, now: datetime, hold: str | None) -> None:
    line = pick(rng, texts.PRODUCT_LINE_WEIGHTS)
    big = rng.random() < BIG_DEAL_SHARE
    items, amount = _items(rng, line, big)
    maturity = visit["maturity"] or 3
    won = _wins(rng, BASE + MATURITY[maturity] + SEGMENT[account["segment"]] + LINE[line]
                + (BIG_DEAL_ODDS if big else 0.0))
    created = visit["ended_at"] - timedelta(minutes=10)
    steps = {"submitted": created + timedelta(minutes=rng.choice((1, 2, 5, 45, 120)))}
    cancelled = rng.random() < CANCEL_SHARE
    if hold != "submitted":
        steps["routed"] = steps["submitted"] + timedelta(minutes=rng.randint(1, 4))
    if hold in (None, "in_progress"):
        steps["in_progress"] = steps["routed"] + timedelta(hours=rng.uniform(0.5, 20))
    if hold is None:
        if cancelled:
            steps["cancelled"] = steps["in_progress"] + timedelta(hours=rng.uniform(1, 72))
        else:
            steps["quoted"] = steps["in_progress"] + timedelta(hours=rng.uniform(3, 60))
            # Wins are decided sooner than losses, which drag on before the "no".
            days = rng.uniform(4, 20) + rng.expovariate(1 / (12 if won else 25))
            steps["won" if won else "lost"] = steps["quoted"] + timedelta(days=min(days, 150))
    reached = {step: at for step, at in steps.items() if at <= now}
    status = list(reached)[-1]
    team_id = teams["moteurs" if line == "moteurs" else "default"] if "routed" in reached else None
    closed = reached.get("won") or reached.get("lost") or reached.get("cancelled")
    quote_id = new_id()
    rows["quotes"].append({
        "id": quote_id, "account_id": visit["account_id"], "contact_id": (
            [c for c in contacts if "technical" in c["roles"]] or contacts)[0]["id"],
        "visit_id": visit["id"], "rep_id": rep_id, "product_line": line, "items": items,
        "urgency": "urgent" if rng.random() < 0.15 else "normal", "notes": rng.choice(texts.QUOTE_NOTES),
        "attachment_ids": [], "status": status, "team_id": team_id,
        "received_at": reached["submitted"], "routed_at": reached.get("routed"),
        "in_progress_at": reached.get("in_progress"), "quoted_at": reached.get("quoted"), "closed_at": closed,
        "amount": amount if "quoted" in reached else None,
        "field_meta": {}, "created_at": created, "updated_at": max(reached.values()),
    })
    back = backoffice_id if team_id else None  # the back office answers for both technical teams
    for step, at in reached.items():
        actor = rep_id if step in ("submitted", "cancelled") else None if step == "routed" else back
        rows["events"].append({"id": new_id(), "quote_id": quote_id, "status": step, "actor_id": actor, "note": None,
                               "at": at, "amount": amount if step == "quoted" else None})
    if rng.random() < 0.5:
        _forecast_fields(rng, rows, visit, rep_id, quote_id, line, amount, maturity, created, status)
    if "routed" not in reached and status == "cancelled":
        return
    delivered = "routed" in reached
    rows["outbox"].append({
        "id": new_id(), "kind": "quote_request.submitted", "quote_id": quote_id, "webhook_id": new_webhook_id(),
        "state": "delivered" if delivered else "pending", "team_id": team_id, "attempts": 1 if delivered else 0,
        "next_attempt_at": reached["submitted"], "lease_until": None, "claimed_by": None,
        "first_attempt_at": reached.get("routed"), "delivered_at": reached.get("routed"), "last_error": None,
        "created_at": reached["submitted"],
    })


def _forecast_fields(rng: random.Random, rows, visit, rep_id: str, quote_id: str, line: str, amount: float,
                     maturity: int, created: datetime, status: str) -> None:
    """The rep's opportunity for a quote: an estimate on site, its judgement, sometimes a close date."""
    category = "commit" if maturity >= 5 else "best_case" if maturity == 4 else "pipeline"
    expected = _worked((created + timedelta(days=rng.randint(14, 60))).date()) if rng.random() < 0.5 else None
    rows["opportunities"].append(_opportunity(
        visit, rep_id, quote_id=quote_id, product_line=line, amount=round(amount * rng.uniform(0.7, 1.3), -1),
        expected_close=expected, category=category, maturity=maturity, created_at=created))


def _lone(rng: random.Random, rows, visit: dict[str, Any], account: dict[str, Any], rep_id: str,
          now: datetime) -> None:
    """An opportunity opened on site without a quote (a direct order of parts, a training)."""
    maturity = visit["maturity"] or 2
    line = rng.choice(("pièces", "formation"))
    _, amount = _items(rng, line, False)
    won = _wins(rng, LONE_ODDS + MATURITY[maturity] + SEGMENT[account["segment"]])
    created = visit["ended_at"]
    closed = created + timedelta(days=rng.uniform(10, 70))
    done = closed <= now
    rows["opportunities"].append(_opportunity(
        visit, rep_id, quote_id=None, product_line=line, amount=amount, category="pipeline", maturity=maturity,
        expected_close=_worked((created + timedelta(days=rng.randint(20, 60))).date()), created_at=created,
        outcome=("won" if won else "lost") if done else None, closed_at=closed if done else None))


def _worked(day: date) -> date:
    """`day`, or the next worked day after a weekend or a public holiday: nobody expects to close
    on a Saturday. No random draw: the rest of the demo stays the same."""
    return WORKED.working_day_on_or_after(day) or day


def _opportunity(visit: dict[str, Any], rep_id: str, **fields) -> dict[str, Any]:
    row = {"id": new_id(), "account_id": visit["account_id"], "rep_id": rep_id, "title": None,
           "category_override": None, "outcome": None, "closed_at": None, "notes": None, "field_meta": {}, **fields}
    row["updated_at"] = row["closed_at"] or row["created_at"]
    return row
