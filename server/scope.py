"""Scope in one place (STYLE habit 8): what each role may see, as SQL.

`scoped(entity, actor)` is used by every REST list/get/patch and by sync pull;
`scope_keys(...)` names the scopes a record belongs to, so that a record leaving
one (an account given to another rep) leaves a tombstone there (sync/PROTOCOL.md P9).
"""
from __future__ import annotations

from sqlalchemy import Select, false, select, true
from sqlalchemy.orm import Session

from server.accounts.models import Account, Contact
from server.actor import Actor
from server.agenda.models import Absence, Appointment
from server.forecast.models import Opportunity
from server.quotes.models import QuoteRequest
from server.tours.models import TourPlan
from server.users.models import User
from server.visits.models import Task, Visit

MODELS = {"account": Account, "contact": Contact, "visit": Visit, "task": Task,
          "appointment": Appointment, "quote_request": QuoteRequest, "tour_plan": TourPlan, "absence": Absence,
          "opportunity": Opportunity}

# What each role receives through sync (API.md → Sync → Scope).
SYNC_ENTITIES = {
    "rep": ("account", "contact", "visit", "task", "appointment", "quote_request", "tour_plan", "absence",
            "opportunity"),
    "telemarketer": ("account", "contact", "appointment", "absence"),
    "backoffice": ("account", "contact", "quote_request"),
    "manager": tuple(MODELS),
    "admin": tuple(MODELS),
}

# Quotes a technical team can see: routed to it, from routing onwards.
ROUTED_STATES = ("routed", "in_progress", "quoted", "won", "lost", "undeliverable", "cancelled")


def team_members(team_id: str | None):
    return select(User.id).where(User.team_id == team_id)


def _tech_quotes(actor: Actor):
    return select(QuoteRequest.account_id).where(QuoteRequest.team_id.in_(actor.tech_team_ids))


def condition(entity: str, actor: Actor):
    """The WHERE clause that limits `entity` to what `actor` may see."""
    role = actor.role
    if role == "admin":
        return true()
    if entity == "contact":
        return Contact.account_id.in_(select(Account.id).where(condition("account", actor)))
    if entity == "account":
        if role == "rep":
            return Account.owner_id == actor.id
        if role in ("telemarketer", "manager"):
            return Account.owner_id.in_(team_members(actor.team_id))
        if role == "backoffice":
            return Account.id.in_(_tech_quotes(actor))
        return false()
    if entity == "quote_request":
        if role == "rep":
            return QuoteRequest.rep_id == actor.id
        if role == "backoffice":
            return QuoteRequest.team_id.in_(actor.tech_team_ids)
        if role == "manager":
            return QuoteRequest.rep_id.in_(team_members(actor.team_id))
        return false()
    model = MODELS[entity]
    rep_column = model.user_id if entity == "absence" else model.rep_id
    if role == "rep":
        return rep_column == actor.id
    if role == "manager" or (role == "telemarketer" and entity in ("appointment", "tour_plan", "absence")):
        return rep_column.in_(team_members(actor.team_id))
    return false()


def scoped(entity: str, actor: Actor) -> Select:
    """`select(Model)` limited to the actor's scope."""
    return select(MODELS[entity]).where(condition(entity, actor))


def get_in_scope(session: Session, entity: str, record_id: str, actor: Actor, *, for_update: bool = False):
    """The record, or None when it does not exist or lies outside the scope (both answer 404)."""
    stmt = scoped(entity, actor).where(MODELS[entity].id == record_id)
    if for_update:
        stmt = stmt.with_for_update()
    return session.scalars(stmt).first()


def actor_scope_keys(actor: Actor) -> tuple[str, ...] | None:
    """The tombstone scopes an actor pulls; None means all (admin)."""
    if actor.role == "admin":
        return None
    if actor.role == "rep":
        return (f"rep:{actor.id}",)
    if actor.role in ("manager", "telemarketer"):
        return (f"team:{actor.team_id}",)
    if actor.role == "backoffice":
        return tuple(f"tech:{t}" for t in actor.tech_team_ids)
    return ()


def scope_keys(session: Session, entity: str, record) -> set[str]:
    """The scopes `record` belongs to now (rep, team, technical team)."""
    if entity == "contact":
        account = session.get(Account, record.account_id)
        return scope_keys(session, "account", account) if account else set()
    if entity == "account":
        rep_id = record.owner_id
        keys = {f"rep:{rep_id}"}
        techs = session.scalars(select(QuoteRequest.team_id).where(
            QuoteRequest.account_id == record.id, QuoteRequest.team_id.is_not(None)).distinct())
        keys |= {f"tech:{t}" for t in techs}
    else:
        rep_id = record.user_id if entity == "absence" else record.rep_id
        keys = {f"rep:{rep_id}"}
        if entity == "quote_request" and record.team_id:
            keys.add(f"tech:{record.team_id}")
    team_id = session.scalar(select(User.team_id).where(User.id == rep_id))
    if team_id:
        keys.add(f"team:{team_id}")
    return keys
