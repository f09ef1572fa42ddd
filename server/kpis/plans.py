"""Individual action plans (PAC / PAM): who may write them, their rules, their progress.

- Managers write the plans of their team's reps, admins anyone's; a rep reads its
  own (and its progress). A plan outside the caller's scope answers 404; writing
  without the role answers 403.
- A plan's period is inclusive; two plans of one rep may not overlap (409 `overlap`),
  so the KPIs know which plan a day belongs to.
"""
from __future__ import annotations

from datetime import date, datetime
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import Select, select
from sqlalchemy.orm import Session

from server.actor import Actor
from server.errors import Invalid, NotFound, Overlap
from server.kpis import service
from server.kpis.models import ActionPlan
from server.kpis.period import NotAllowed, Period, RepScope
from server.users.models import User

KEYS = ("visits", "calls", "revenue")


def visible(actor: Actor) -> Select:
    """select(ActionPlan) limited to what the caller may read."""
    stmt = select(ActionPlan)
    if actor.role == "admin":
        return stmt
    if actor.role == "manager":
        return stmt.where(ActionPlan.rep_id.in_(select(User.id).where(User.team_id == actor.team_id)))
    if actor.role == "rep":
        return stmt.where(ActionPlan.rep_id == actor.id)
    raise NotAllowed("Action plans are for reps, managers and admins.")


def get(session: Session, actor: Actor, plan_id: str) -> ActionPlan:
    plan = session.scalars(visible(actor).where(ActionPlan.id == plan_id)).first()
    if plan is None:
        raise NotFound(f"No action plan {plan_id}.")
    return plan


def listing(*, session: Session, actor: Actor, rep_id: str | None = None, active_on: date | None = None) -> list[ActionPlan]:
    stmt = visible(actor)
    if rep_id:
        stmt = stmt.where(ActionPlan.rep_id == rep_id)
    if active_on:
        stmt = stmt.where(ActionPlan.period_start <= active_on, ActionPlan.period_end >= active_on)
    return list(session.scalars(stmt.order_by(ActionPlan.period_start.desc(), ActionPlan.rep_id)))


def create(*, session: Session, actor: Actor, body: dict[str, Any]) -> ActionPlan:
    _require_editor(actor)
    _check_rep(session, actor, body["rep_id"])
    plan = ActionPlan(rep_id=body["rep_id"], period_start=body["period_start"], period_end=body["period_end"],
                      targets=normalise(body.get("targets") or {}), notes=body.get("notes"), created_by=actor.id)
    _check(session, plan)
    session.add(plan)
    session.flush()
    return plan


def update(*, session: Session, actor: Actor, plan_id: str, body: dict[str, Any]) -> ActionPlan:
    _require_editor(actor)
    plan = get(session, actor, plan_id)
    if "rep_id" in body and body["rep_id"] != plan.rep_id:
        _check_rep(session, actor, body["rep_id"])
    for name in ("rep_id", "period_start", "period_end", "notes"):
        if name in body:
            setattr(plan, name, body[name])
    if "targets" in body:
        plan.targets = normalise({**(plan.targets or {}), **body["targets"]})
    _check(session, plan)
    session.flush()
    return plan


def delete(*, session: Session, actor: Actor, plan_id: str) -> None:
    _require_editor(actor)
    session.delete(get(session, actor, plan_id))
    session.flush()


def normalise(targets: dict[str, Any]) -> dict[str, dict[str, float]]:
    """Every segment and key present: visits and calls whole numbers, revenue in euros."""
    out = {}
    for s in service.SEGMENTS:
        given = targets.get(s) or {}
        out[s] = {"visits": int(given.get("visits") or 0), "calls": int(given.get("calls") or 0),
                  "revenue": float(given.get("revenue") or 0)}
    return out


def progress(*, session: Session, actor: Actor, plan_id: str) -> dict[str, Any]:
    """Targets, what the rep did from the plan's first day to today (or its last day), and
    what a steady pace would have reached by now."""
    plan = get(session, actor, plan_id)
    rep = session.get(User, plan.rep_id)
    zone = ZoneInfo(rep.timezone or "Europe/Paris")
    today = datetime.now(zone).date()
    until = min(today, plan.period_end)
    total_days = (plan.period_end - plan.period_start).days + 1
    elapsed = max(0, (until - plan.period_start).days + 1)
    actual = {s: {k: 0 for k in KEYS} for s in service.SEGMENTS}
    if elapsed:
        actual = service.actuals(session=session, scope=RepScope(select(User.id).where(User.id == rep.id), rep_id=rep.id),
                                 period=Period(plan.period_start, until, zone))
    targets = normalise(plan.targets or {})
    share = elapsed / total_days
    segments, ratios = {}, []
    for s in service.SEGMENTS:
        segments[s] = {}
        for k in KEYS:
            target = targets[s][k]
            ratio = round(actual[s][k] / target, 4) if target else None
            segments[s][k] = {"target": target, "actual": actual[s][k], "expected_to_date": round(target * share, 2),
                              "ratio": ratio}
            if target:
                ratios.append(min(ratio, 1.0))
    return {"plan_id": plan.id, "rep_id": plan.rep_id, "period_start": plan.period_start.isoformat(),
            "period_end": plan.period_end.isoformat(), "as_of": until.isoformat(), "elapsed_share": round(share, 4),
            "segments": segments, "attainment": round(sum(ratios) / len(ratios), 4) if ratios else None}


def _require_editor(actor: Actor) -> None:
    if actor.role not in ("manager", "admin"):
        raise NotAllowed("Only managers and admins write action plans.")


def _check_rep(session: Session, actor: Actor, rep_id: str) -> None:
    rep = session.get(User, rep_id)
    if rep is None or rep.role != "rep" or (actor.role == "manager" and rep.team_id != actor.team_id):
        raise Invalid("Unknown rep.", errors={"rep_id": ["Not a rep of your team."]})


def _check(session: Session, plan: ActionPlan) -> None:
    if plan.period_end < plan.period_start:
        raise Invalid("The plan ends before it starts.", errors={"period_end": ["Must be on or after period_start."]})
    clash = select(ActionPlan.id).where(ActionPlan.rep_id == plan.rep_id, ActionPlan.period_start <= plan.period_end,
                                        ActionPlan.period_end >= plan.period_start)
    if plan.id:
        clash = clash.where(ActionPlan.id != plan.id)
    if session.scalar(clash.limit(1)):
        raise Overlap("The rep already has an action plan for part of that period.",
                      errors={"period_start": ["Overlaps another plan of this rep."]})
