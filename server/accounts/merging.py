"""Merging accounts that are one company, and dismissing a merge suggestion.

Two reps who each created the same company (their tablets could not link the creates:
neither sees the other's accounts, PROTOCOL P10) end with two accounts. The suggestion
(server/accounts/duplicates.py) is shown to their manager and to the reps concerned, who
merge or dismiss it. A merge loses nothing:

- the survivor keeps its values; the merged account's values fill the fields and custom
  keys the survivor lacks, sets (tags, photos) are united, and each value that differs is
  filed in the conflict log of the merged account's owner (M5), where it can be restored;
- contacts, visits, tasks, appointments, quote requests and opportunities move to the
  survivor (each gets a new version, so tablets pull it; scopes they leave get P9 tombstones);
- the merged id becomes an alias of the survivor (`sync_alias`, as P10 does): a tablet
  that still holds it is told `merged_into` by its pull, and its pending mutations naming
  it apply to the survivor.
"""
from __future__ import annotations

from datetime import timedelta
from itertools import combinations
from types import SimpleNamespace
from typing import Any

from sqlalchemy import delete, or_, select, update

from server.accounts.models import Account, DuplicateDismissal
from server.actor import Actor
from server.db import utcnow
from server.errors import Invalid, NotFound
from sync import registry
from sync.changes import change_numbers, now_ms
from sync.conflicts import file_lost_values
from sync.link import _fill
from sync.merge import FieldConflict
from sync.models import RecordAlias
from sync.registry import _plain

# Records that name an account and follow it to the survivor.
CHILDREN = ("contact", "visit", "task", "appointment", "quote_request", "opportunity")


def reachable(session, actor: Actor, ids: list[str]) -> dict[str, Account]:
    """The accounts the caller may merge or dismiss: in its scope (manager, admin), or, for a
    rep, its own and those that a suggestion it sees pairs with one of them. Else 404."""
    from server.accounts.duplicates import suggestions
    from server.scope import condition
    if actor.role == "rep":
        allowed = {a["id"] for group in suggestions(session, actor) for a in group["accounts"]}
        found = {a.id: a for a in session.scalars(select(Account).where(Account.id.in_(ids)))
                 if a.id in allowed}
    else:
        found = {a.id: a for a in session.scalars(select(Account).where(Account.id.in_(ids),
                                                                        condition("account", actor)))}
    missing = [i for i in ids if i not in found]
    if missing:
        raise NotFound(f"No account {missing[0]}.")
    return found


def _ids(survivor_id: str, merged_ids: list[str]) -> list[str]:
    if survivor_id in merged_ids:
        raise Invalid("The account kept cannot also be merged away.", errors={"merged_ids": ["Contains the survivor."]})
    if not merged_ids or len(set(merged_ids)) != len(merged_ids):
        raise Invalid("Name each account to merge once.", errors={"merged_ids": ["One or more distinct accounts."]})
    return [survivor_id, *merged_ids]


def merge(*, session, actor: Actor, survivor_id: str, merged_ids: list[str]) -> dict[str, Any]:
    """Merge `merged_ids` into `survivor_id`, in one transaction (the caller commits).

    Returns `{"id": survivor id, "merged": [ids], "moved": {entity: n}, "conflicts": [{"field",
    "kept", "set_aside", "from"}]}` where each conflict is a value of a merged account that differs
    from the survivor's, kept in the conflict log of `from`'s owner. 404 for an account out of reach,
    422 for a malformed request."""
    from server.segmentation.service import rescore
    accounts = reachable(session, actor, _ids(survivor_id, merged_ids))
    survivor = accounts[survivor_id]
    spec = registry.get("account")
    moved: dict[str, int] = {}
    set_aside: list[dict[str, Any]] = []
    with change_numbers(session) as numbers:
        time_ms = now_ms()
        for gone_id in merged_ids:
            gone = accounts[gone_id]
            writes, stamps, conflicts = _fill(spec, survivor, {n: getattr(gone, n) for n in spec.policies})
            if gone.geo_precision != "manual":  # a located position is the address's, not something typed
                conflicts = [c for c in conflicts if c.field not in ("lat", "lon")]
            for name, value in writes.items():
                setattr(survivor, name, value)
            if "lat" in writes or "lon" in writes:
                survivor.geo_precision = gone.geo_precision
            _external_ref(session, survivor, gone, stamps, conflicts)
            if gone.last_visit_at and (survivor.last_visit_at is None or gone.last_visit_at > survivor.last_visit_at):
                survivor.last_visit_at = gone.last_visit_at
            numbers.stamp(survivor, stamps, time_ms=time_ms, user_id=actor.id)
            # M5: filed under the owner of the merged account, whose value was set aside
            file_lost_values(session, entity="account", record_id=survivor.id, actor_id=gone.owner_id,
                             mutation_id=None, conflicts=conflicts)
            set_aside += [{"field": c.field, "kept": _plain(c.theirs), "set_aside": _plain(c.yours), "from": gone.id}
                          for c in conflicts]
            for entity in CHILDREN:
                moved[entity] = moved.get(entity, 0) + _move_children(session, numbers, entity, gone, survivor,
                                                                      actor=actor, time_ms=time_ms)
            _alias(session, gone.id, survivor.id)
            _stale_tours(session, SimpleNamespace(session=session, numbers=numbers, time_ms=time_ms, actor=actor), gone)
            keys = registry.scope.record_keys(session, "account", gone)
            session.flush()  # the children point to the survivor before the cascade could take them
            numbers.tombstone("account", gone.id, keys, seq=numbers.next(), deleted=True)
            session.execute(delete(DuplicateDismissal).where(or_(DuplicateDismissal.first_id == gone.id,
                                                                 DuplicateDismissal.second_id == gone.id)))
            session.delete(gone)
        rescore(session, survivor)
        session.flush()
    return {"id": survivor.id, "merged": list(merged_ids), "moved": moved, "conflicts": set_aside}


def _external_ref(session, survivor: Account, gone: Account, stamps: list[str], conflicts: list) -> None:
    """The old CRM's reference (imports match by it, unique): the survivor takes the merged
    account's when it has none, else the merged one's goes to the conflict log with the rest."""
    if not gone.external_ref or gone.external_ref == survivor.external_ref:
        return
    if survivor.external_ref:
        conflicts.append(FieldConflict("external_ref", gone.external_ref, survivor.external_ref, "theirs", None))
        return
    ref, gone.external_ref = gone.external_ref, None
    session.flush()  # unique: freed before the survivor takes it
    survivor.external_ref = ref
    stamps.append("external_ref")


def _move_children(session, numbers, entity: str, gone: Account, survivor: Account, *, actor: Actor,
                   time_ms: int) -> int:
    spec = registry.get(entity)
    if spec is None:
        return 0
    count = 0
    for child in session.scalars(select(spec.model).where(spec.model.account_id == gone.id)):
        before = registry.scope.record_keys(session, entity, child)
        child.account_id = survivor.id
        version = numbers.stamp(child, ["account_id"], time_ms=time_ms, user_id=actor.id)
        left = before - registry.scope.record_keys(session, entity, child)
        if left:  # P9: e.g. a contact that follows its account to another rep's scope
            numbers.tombstone(entity, child.id, left, seq=version, deleted=False)
        count += 1
    return count


def _stale_tours(session, ctx, gone: Account) -> None:
    """Kept tours from yesterday on that stop at the merged account are planned again (they
    would send the rep to a record that is gone); its visits and bookings now count for the survivor."""
    from server.tours.models import TourPlan
    from server.tours.service import days_changed
    since = utcnow().date() - timedelta(days=1)  # a day of slack for the reps' time zones
    days = {plan.date for plan in session.scalars(select(TourPlan).where(TourPlan.rep_id == gone.owner_id,
                                                                         TourPlan.date >= since))
            if any(stop.get("account_id") == gone.id for stop in (plan.plan or {}).get("stops") or [])}
    if days:
        days_changed(ctx, gone.owner_id, days)


def _alias(session, gone_id: str, survivor_id: str) -> None:
    """The merged id, and the ids that were aliases of it, now name the survivor."""
    session.execute(update(RecordAlias).where(RecordAlias.entity == "account", RecordAlias.record_id == gone_id)
                    .values(record_id=survivor_id))
    session.add(RecordAlias(entity="account", alias_id=gone_id, record_id=survivor_id, at=utcnow()))


def dismiss(*, session, actor: Actor, account_ids: list[str]) -> None:
    """These accounts are different companies: no pair of them is suggested again."""
    ids = sorted(set(account_ids))
    if len(ids) < 2:
        raise Invalid("Name at least two accounts.", errors={"account_ids": ["At least two accounts."]})
    reachable(session, actor, ids)
    known = {(r.first_id, r.second_id) for r in session.execute(
        select(DuplicateDismissal.first_id, DuplicateDismissal.second_id).where(DuplicateDismissal.first_id.in_(ids)))}
    for first, second in combinations(ids, 2):
        if (first, second) not in known:
            session.add(DuplicateDismissal(first_id=first, second_id=second, dismissed_by=actor.id,
                                           dismissed_at=utcnow()))
    session.flush()


def dismissed_pairs(session, ids: set[str]) -> set[tuple[str, str]]:
    """The dismissed pairs among `ids`, smaller id first."""
    if not ids:
        return set()
    rows = session.execute(select(DuplicateDismissal.first_id, DuplicateDismissal.second_id)
                           .where(DuplicateDismissal.first_id.in_(sorted(ids)))).all()
    return {(r.first_id, r.second_id) for r in rows if r.second_id in ids}

