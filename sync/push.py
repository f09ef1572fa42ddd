"""Push: apply a batch of mutations from a tablet (PROTOCOL P1–P9, M1–M6).

`push(...)` is used by `POST /api/sync/push`; `apply_online(...)` runs one edit
made through the REST API through the very same rules.
"""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from functools import cache
from datetime import UTC, datetime, timedelta
from typing import Any

from marshmallow import ValidationError
from sqlalchemy import bindparam, event, inspect, select, union_all, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import InstanceState, Session, make_transient_to_detached
from sqlalchemy.sql import ClauseElement

from server import faults
from server.db import is_uuid, new_id, utcnow
from server.errors import Forbidden, IdConflict, Invalid, NotFound, Problem, validation_errors
from sync import bulk, ledger, registry, validate
from sync.changes import ChangeNumbers, change_numbers
from sync.conflicts import file_lost_values
from sync.merge import FieldConflict, MergeOutcome, _concurrent, apply_map_op, apply_set_op, merge, read, stamp_names
from sync.models import MutationRecord, RecordAlias, Tombstone
from sync.registry import MAP, SET, EntitySpec, _plain, split_field


@dataclass
class Context:
    """What hooks may use while one mutation applies."""

    session: Session
    actor: Any
    numbers: ChangeNumbers
    received_at: datetime
    clock_offset: timedelta = timedelta(0)  # the tablet's clock minus the server's (M2)
    time_ms: int = 0
    client_id: str | None = None
    known: dict[tuple[str, str], Any] = field(default_factory=dict)
    taken_ids: set[tuple[str, str]] = field(default_factory=set)  # ids that exist or existed
    memo: dict[str, Any] = field(default_factory=dict)
    unaliased: set[tuple[str, str]] = field(default_factory=set)  # ids looked up in the alias table
    batch: bool = True  # False: the per-mutation reference path (tests compare both)
    deferred: list[Any] = field(default_factory=list)  # new records written in one INSERT (bulk_insert)
    written: dict[int, Any] = field(default_factory=dict)  # id(record) → record inserted in bulk, not attached
    finishing: dict[str, Callable[[], None]] = field(default_factory=dict)  # once-per-push work (`at_end`)

    def write_deferred(self, *, also: list[tuple[Any, list[dict[str, Any]]]] = ()) -> None:
        """Insert the records created so far whose entity writes in bulk, with the rows of
        `also` ((table, rows) pairs: the ledger's, at the end of a push), in one statement
        on PostgreSQL (`bulk.insert_many`), one per table elsewhere. The records stay out of
        the session (bulk-insert entities are append-only: nothing later in the batch
        changes them) unless a delete needs them there (`attach`)."""
        if not (self.deferred or also):
            return
        records, self.deferred = self.deferred, []
        # Grouped by model and by the columns set (the others take their defaults), as the
        # ORM's bulk insert groups them; executed as Core statements on the session's
        # connection: the ORM's bulk machinery cost more than the rows (bench_push).
        groups: dict[tuple, list[dict[str, Any]]] = {}
        for record in records:
            state = record.__dict__
            model = _model_of(record)
            row = {column: state[key] for key, column in _insert_columns(model) if key in state}
            groups.setdefault((model, tuple(row)), []).append(row)
            self.written[id(record)] = record
        # Parents before children (a follow-up task names its visit): the tables' dependency order.
        writes = [(model.__table__, groups[(model, keys)])
                  for model, keys in sorted(groups, key=lambda group: _table_rank(group[0]))]
        bulk.insert_many(self.session.connection(), [*writes, *also])

    def write_updates(self) -> None:
        """Write the batch's edits of stored records whose entity updates in bulk
        (`EntitySpec.bulk_update`): one UPDATE by primary key per model and set of changed
        columns, the very values the ORM's flush would write (the columns whose value
        differs from the loaded one, the search column refolded, `updated_at` set); the
        records are then clean in the session, as after a flush. Records changed without
        a stamp of this push (the safety net's business) are left to the ORM."""
        from server.common.search import SEARCHED
        from server.common.search import _before_flush as refold

        session = self.session.registry() if hasattr(self.session, "registry") else self.session  # scoped
        stamped = self.numbers.stamped
        now = utcnow()
        groups: dict[tuple, list[dict[str, Any]]] = {}
        written = []
        for (entity, _record_id), record in self.known.items():
            if record is None:
                continue
            spec = registry.get(entity)
            if spec is None or not spec.bulk_update:
                continue
            state = inspect(record)
            if not state.modified or not state.persistent or state.session_id != session.hash_key:
                continue
            version = state.dict.get("version")
            if not version or stamped.get(id(record)) != version:
                continue
            model = type(record)
            searched = SEARCHED.get(model)
            # The search column's before_update, as a flush runs it; a record whose searched
            # fields are as loaded keeps its folded text (a push's edits are mostly notes).
            if searched and (state.dict.get("search") is None
                             or not state.committed_state.keys().isdisjoint(searched)):
                refold(None, None, record)
            params = _changed_columns(state)
            if params is None:
                continue
            if params:
                params.setdefault("updated_at", now)  # SyncMixin: onupdate=utcnow, as a flush sets it
                record.updated_at = params["updated_at"]
                params["_pk"] = record.id
                groups.setdefault((model, tuple(sorted(params))), []).append(params)
            written.append(state)
        if not groups and not written:
            return
        connection = session.connection()
        for (model, keys), rows in groups.items():
            bulk.update_rows(connection, model.__table__, tuple(k for k in keys if k != "_pk"), rows)
        # As the ORM's flush leaves them (SQLAlchemy 2.0's own steps, private API: pinned
        # version): values committed, records no longer dirty, and known to the transaction
        # as written, so a rollback (the savepoint of an IntegrityError) expires them.
        InstanceState._commit_all_states([(state, state.dict) for state in written], session.identity_map)
        session._register_altered(written)

    def add_new(self, record) -> None:
        """A record a hook creates that nothing later in the push changes or names (a
        follow-up task: the tablet cannot know its id yet): inserted in bulk with the
        batch's new records on the batch path, by the ORM on the reference path."""
        if self.batch:
            self.deferred.append(record)
        else:
            self.session.add(record)

    def renumber_written(self) -> None:
        """C4: records inserted in bulk before the counter was taken (a flush mid-batch) carry
        provisional numbers in the database: one UPDATE by primary key gives them theirs."""
        by_model: dict[type, list[dict[str, Any]]] = {}
        for record in self.written.values():
            by_model.setdefault(_model_of(record), []).append(
                {"id": record.id, "version": record.version, "field_meta": record.field_meta})
        for model, rows in by_model.items():
            self.session.execute(update(model), rows)

    def attach(self, record):
        """A record inserted in bulk, into the session as if the ORM had inserted it; returns
        the ORM instance to use from now on (a plain row becomes one)."""
        if self.written.pop(id(record), None) is not None:
            if isinstance(record, _Row):
                row, record = record, record.__model__(**vars(record))
                for key, value in self.known.items():
                    if value is row:
                        self.known[key] = record
            make_transient_to_detached(record)
            self.session.add(record)
        return record

    def at_end(self, key: str, run: Callable[[], None]) -> None:
        """Run `run` once per push (the first given for `key`), after the batch's last mutation
        and before the change counter is taken, so its stamps are renumbered with the batch's
        own (C4): work a hook would otherwise repeat for every mutation (the kept tours that
        a batch of visits makes stale, one query per rep)."""
        self.finishing.setdefault(key, run)

    def once(self, key: str, compute):
        """A value computed once per push (the active commercial model, the cadence…)."""
        if key not in self.memo:
            self.memo[key] = compute()
        return self.memo[key]

    def find(self, entity: str, record_id: str):
        """A record in the caller's scope, created earlier in this batch or stored."""
        key = (entity, record_id)
        if key not in self.known:
            spec = registry.get(entity)
            stmt = select(spec.model).where(spec.model.id == record_id,
                                            registry.scope.condition(entity, self.actor))
            self.known[key] = self.session.scalars(stmt).first()
        if self.known[key] is None and key not in self.unaliased:  # P10: an id linked to another record
            self.unaliased.add(key)
            target = self.session.scalar(select(RecordAlias.record_id).where(
                RecordAlias.entity == entity, RecordAlias.alias_id == record_id))
            if target is not None:
                self.known[key] = self.find(entity, target)
        return self.known[key]


def _columns(model) -> tuple:
    return tuple(inspect(model).column_attrs)


class _Row:
    """A new record of a bulk-insert entity on the batch path (`EntitySpec.bulk_insert`):
    its values as plain attributes, read and set by the hooks as on an ORM instance (a
    column never set reads None, as on a new instance), inserted by `write_deferred`."""

    __model__: type
    __columns__: frozenset[str]

    def __init__(self, **values: Any) -> None:
        self.__dict__.update(values)

    def __getattr__(self, name: str) -> Any:  # only for attributes never set
        if name in type(self).__columns__:
            return None
        raise AttributeError(name)


def _model_of(record) -> type:
    """The mapped class of a record: an ORM instance's own, a plain row's model."""
    return record.__model__ if isinstance(record, _Row) else type(record)


@cache
def _row_class(model) -> type:
    """The `_Row` class of `model`, made once."""
    return type(f"{model.__name__}Row", (_Row,), {
        "__model__": model, "__columns__": frozenset(attr.key for attr in _columns(model))})


def _changed_columns(state) -> dict[str, Any] | None:
    """{column: new value} of a record's attributes whose value differs from the loaded one
    (the ORM's test: the attribute's `is_equal`); None when an attribute is not a plain
    column or the value is an SQL expression (the ORM's flush then writes the record)."""
    columns = _column_keys(state.class_)
    params: dict[str, Any] = {}
    for key, committed in state.committed_state.items():
        column = columns.get(key)
        if column is None:
            return None
        value = state.dict.get(key)
        if hasattr(value, "__clause_element__") or isinstance(value, ClauseElement):
            return None
        if state.manager[key].impl.is_equal(value, committed) is not True:
            params[column] = value
    return params


@cache
def _column_keys(model) -> dict[str, str]:
    """{attribute: table column} of `model`'s plain columns (primary key excluded)."""
    return {attr.key: attr.columns[0].key for attr in _columns(model)
            if len(attr.columns) == 1 and not attr.columns[0].primary_key}


@cache
def _table_rank(model) -> int:
    """The position of `model`'s table in its metadata's dependency order (parents first)."""
    return model.__table__.metadata.sorted_tables.index(model.__table__)


@cache
def _insert_columns(model) -> tuple[tuple[str, str], ...]:
    """(attribute, table column) for each column of `model`, computed once per model."""
    return tuple((attr.key, attr.columns[0].key) for attr in _columns(model))


def _clamped_ms(client_time: datetime | None, received_at: datetime, clock_offset: timedelta = timedelta(0)) -> int:
    """M2: the client time on the server's clock; one still in the future counts as the receive time.

    The clamp alone let a tablet whose clock is ahead win conflicts it should lose: typed
    first, pushed last, its time became the receive time, later than an edit typed after
    it. When the batch says what the tablet's clock read when sent (`sent_at`), its times
    are moved back by the tablet's offset first (within the network delay)."""
    if client_time is not None and clock_offset:
        try:
            client_time = client_time - clock_offset
        except OverflowError:  # a nonsense clock pushes it off the calendar
            client_time = None if clock_offset < timedelta(0) else datetime.min.replace(tzinfo=UTC)
    when = received_at if client_time is None or client_time > received_at else client_time
    return int(when.timestamp() * 1000)


# Observers of each push's fresh results (not ledger replays): server/metrics.py counts
# them by status. Called once per push, after the batch applied; a plain list of callables.
result_observers: list[Callable[[list[dict[str, Any]]], None]] = []


def push(*, session: Session, actor, client_id: str | None, mutations: list[dict[str, Any]],
         sent_at: datetime | None = None, received_at: datetime | None = None, batch: bool = True,
         numbers_last: bool | None = None, savepoint: bool = True,
         one_by_one: bool = False) -> list[dict[str, Any]]:
    """Apply `mutations` in order; one result each (P2–P8). The caller commits.

    `sent_at`: what the tablet's clock read when it sent them (M2), if it said.
    `received_at`: when the request arrived (now by default); a caller that runs the push
    again (the route's retries) passes the first arrival, so the tablet's offset (M2) does
    not grow by the time spent on earlier attempts.
    `batch=False` runs the per-mutation reference path (each change validated by its
    schema's own `load`, each new record inserted by the ORM): same results, same rows;
    the tests compare both.
    `numbers_last`: take the change counter after the loads, checks and merges (PROTOCOL
    C4); by default on PostgreSQL when every mutation's op allows it (`numbers_last` of
    its entity), else first (C1).

    A constraint the checks did not foresee (IntegrityError: the same batch pushed twice at
    once, its second copy meeting the first's rows) is met by applying the batch again with
    one savepoint per mutation (`one_by_one`), so the offending mutation alone is rejected
    and a replay answers from the ledger. By default the batch runs in a savepoint and
    `push` does that itself. `savepoint=False` is for a caller that can start its whole
    transaction over (the push route): no savepoint, two round trips fewer on every push;
    the IntegrityError propagates, and the caller rolls back and calls again with
    `one_by_one=True`."""
    if numbers_last is None:
        numbers_last = _may_number_last(session, mutations)
    received_at = received_at or utcnow()
    offset = sent_at - received_at if sent_at is not None else timedelta(0)
    fresh: list[tuple[dict, dict]] = []
    if one_by_one:
        results = _push(session, actor, client_id, mutations, received_at, offset, fresh, safe=True,
                        batch=False, last=False)
    elif not savepoint:
        results = _push(session, actor, client_id, mutations, received_at, offset, fresh, safe=False,
                        batch=batch, last=numbers_last)
    else:
        try:
            with session.begin_nested():
                results = _push(session, actor, client_id, mutations, received_at, offset, fresh, safe=False,
                                batch=batch, last=numbers_last)
        except IntegrityError:
            fresh.clear()
            numbers = session.info.get("change_numbers")
            if numbers is not None and numbers.provisional:  # its records were rolled back with the savepoint
                session.info.pop("change_numbers")
            results = _push(session, actor, client_id, mutations, received_at, offset, fresh, safe=True,
                            batch=False, last=False)
    for observe in result_observers:
        observe([result for _, result in fresh])
    return results


def _may_number_last(session: Session, mutations: list[dict[str, Any]]) -> bool:
    """C4 applies: PostgreSQL (SQLite has one writer at a time anyway), and every op of the
    batch reads nothing but the records P4 locks."""
    if session.get_bind().dialect.name != "postgresql":
        return False
    for m in mutations:
        spec = registry.get(m.get("entity"))
        if spec is None:
            continue  # rejected without a number
        changes = m.get("changes") if isinstance(m.get("changes"), dict) else {}
        if m.get("op") not in spec.numbers_last or spec.scope_fields & changes.keys():
            return False
    return True


def _push(session, actor, client_id, mutations, received_at, clock_offset, fresh, *,
          safe: bool, batch: bool, last: bool) -> list[dict[str, Any]]:
    with change_numbers(session, last=last) as numbers:  # P2 (C1), or C4: provisional numbers
        stored = ledger.known_results(session, (m["mutation_id"] for m in mutations), user_id=actor.id)  # P3
        ctx = Context(session=session, actor=actor, numbers=numbers, received_at=received_at,
                      clock_offset=clock_offset, client_id=client_id, batch=batch)
        _prefetch(ctx, mutations)  # P4
        results = []
        # Records written in bulk go in before anything the ORM flushes (a follow-up
        # task names its visit).
        target = session.registry() if hasattr(session, "registry") else session
        before_flush = lambda *_args: ctx.write_deferred()  # noqa: E731
        event.listen(target, "before_flush", before_flush)
        try:
            # Hooks that query flush what they need themselves; autoflush before every
            # query would re-flush the whole batch hundreds of times.
            with session.no_autoflush:
                _apply_all(ctx, session, mutations, stored, results, fresh, safe=safe)
                for run in ctx.finishing.values():
                    run()
            if numbers.provisional:  # C4: the counter, taken now; results and records renumbered
                faults.point("push.before_numbers")
                numbers.settle()
                ctx.renumber_written()
                for _mutation, result in fresh:
                    if "version" in result:
                        result["version"] = numbers.real(result["version"])
            if batch:
                ctx.write_updates()
            # P6, the ledger: with the batch's new rows in one statement when the ORM has
            # nothing left to write (the usual push: every write was in bulk), else after it.
            ledgered = batch and bool(fresh) and not (session.new or session.dirty or session.deleted)
            if ledgered:
                ctx.write_deferred(also=[(MutationRecord.__table__,
                                          ledger.rows_for(user_id=actor.id, client_id=client_id, entries=fresh))])
            else:
                ctx.write_deferred()
            session.flush()
        finally:
            event.remove(target, "before_flush", before_flush)
        if not ledgered:
            ledger.record_results(session, user_id=actor.id, client_id=client_id, entries=fresh)  # P6
    return results


def _apply_all(ctx, session, mutations, stored, results, fresh, *, safe: bool) -> None:
    for mutation in mutations:  # P5
        mutation_id = mutation["mutation_id"]
        if mutation_id in stored:
            previous = stored[mutation_id]
            # P3: another user's id is refused and tells nothing of what it did.
            results.append(previous if previous is not None else _rejected(
                mutation, IdConflict("This mutation id is already used; send a new one.",
                                     errors={"mutation_id": ["Already used."]})))
            continue
        ctx.time_ms = _clamped_ms(mutation.get("client_time"), ctx.received_at, ctx.clock_offset)
        if safe:
            try:
                with session.begin_nested():
                    result = apply_one(ctx, mutation)
                    session.flush()
            except IntegrityError:
                ctx.known.clear()
                result = _rejected(mutation, Invalid("The change conflicts with existing data."))
        else:
            result = apply_one(ctx, mutation)
        stored[mutation["mutation_id"]] = result
        results.append(result)
        fresh.append((mutation, result))


def _prefetch(ctx: Context, mutations: list[dict[str, Any]]) -> None:
    """P4: load every record the batch names in one query per entity (no N+1)."""
    wanted: dict[str, set[str]] = {}
    for m in mutations:
        spec = registry.get(m.get("entity"))
        if spec is None or not is_uuid(m.get("id")):
            continue
        # A create's id is checked below by primary key alone, in any scope: loading it
        # with the scope's filter (`id IN (…) AND rep_id = ?`) made the database walk the
        # rep's whole history when its statistics were stale.
        if m.get("op") != "create":
            wanted.setdefault(spec.name, set()).add(m["id"])
        for fname, parent in spec.parents.items():
            value = (m.get("changes") or {}).get(fname) if isinstance(m.get("changes"), dict) else None
            if isinstance(value, str) and is_uuid(value):
                wanted.setdefault(parent, set()).add(value)
    creates: dict[str, set[str]] = {}
    for m in mutations:
        if m.get("op") == "create" and registry.get(m.get("entity")) and is_uuid(m.get("id")):
            creates.setdefault(m["entity"], set()).add(m["id"])
    # C4: the counter comes last, so the records a batch changes are locked here instead,
    # entity by entity and id by id (the same order in every push: no deadlock between two).
    lock = ctx.numbers.provisional
    dialect = ctx.session.get_bind().dialect.name
    for entity in sorted(wanted):
        spec = registry.get(entity)
        stmt = _scoped_load_statement(spec, ctx.actor, dialect, lock)
        ids = sorted(wanted[entity])
        for start in range(0, len(ids), 500):
            chunk = ids[start:start + 500]
            found = {r.id: r for r in ctx.session.scalars(stmt, {"ids": chunk})}
            for record_id in chunk:
                ctx.known[(entity, record_id)] = found.get(record_id)
    for entity, ids in creates.items():  # ids already used, in any scope, or by a deleted record
        stmt = _used_ids_statement(registry.get(entity).model, dialect)
        ids = sorted(ids)
        for start in range(0, len(ids), 500):
            used = set(ctx.session.scalars(stmt, {"ids": ids[start:start + 500], "entity": entity}))
            ctx.taken_ids |= {(entity, record_id) for record_id in used}


_scoped_loads: dict[tuple, Any] = {}


def _scoped_load_statement(spec: EntitySpec, actor, dialect_name: str, lock: bool):
    """`spec`'s records among the ids `ids` in `actor`'s scope (locked in id order when
    `lock`, C4). Kept per entity and per everything the scope's condition reads of the actor
    (role, id, team, technical teams): every push builds the same statement for its caller."""
    key = (spec.name, actor.role, actor.id, actor.team_id, actor.tech_team_ids, dialect_name, lock)
    stmt = _scoped_loads.get(key)
    if stmt is None:
        stmt = select(spec.model).where(bulk.among(spec.model.id, "ids", dialect_name),
                                        registry.scope.condition(spec.name, actor))
        if lock:
            stmt = stmt.order_by(spec.model.id).with_for_update(of=spec.model)
        if len(_scoped_loads) >= 1024:  # a bound, not an LRU: rebuilding is cheap
            _scoped_loads.clear()
        _scoped_loads[key] = stmt
    return stmt


@cache
def _used_ids_statement(model, dialect_name: str):
    """Which of the ids `ids` a live `model` record or a tombstone of `entity` holds: one
    round trip (UNION ALL), built once per model and dialect."""
    return union_all(
        select(model.id).where(bulk.among(model.id, "ids", dialect_name)),
        select(Tombstone.record_id).where(Tombstone.entity == bindparam("entity"),
                                          bulk.among(Tombstone.record_id, "ids", dialect_name)))


def _rejected(mutation: dict[str, Any], problem: Problem) -> dict[str, Any]:
    return {"mutation_id": mutation["mutation_id"], "status": "rejected",
            "id": mutation.get("id"), "error": problem.to_dict()}


def apply_one(ctx: Context, mutation: dict[str, Any]) -> dict[str, Any]:
    spec = registry.get(mutation.get("entity"))
    try:
        if spec is None:
            raise Invalid(f"Unknown entity {mutation.get('entity')!r}.", errors={"entity": ["Unknown entity."]})
        if not is_uuid(mutation.get("id")):
            raise Invalid("The id must be a UUID.", errors={"id": ["Not a valid UUID."]})
        changes = mutation.get("changes") or {}
        op = mutation["op"]
        if op == "create":
            return _create(ctx, spec, mutation, changes)
        if op == "update":
            return _update(ctx, spec, mutation, changes)
        return _delete(ctx, spec, mutation)
    except Problem as problem:
        return _rejected(mutation, problem)


def _check_fields(spec: EntitySpec, allowed: dict[str, frozenset[str]], role: str, changes: dict) -> None:
    if role not in allowed:
        raise Forbidden(f"Your role may not {'create' if allowed is spec.creatable else 'change'} {spec.name} records.")
    writable = allowed[role]
    names = changes.keys()
    if names <= writable and names <= spec.policies.keys():  # the usual change: nothing to report
        return
    unknown = {k: ["Unknown field."] for k in changes if k not in spec.policies and k not in spec.output_fields}
    if unknown:
        raise Invalid("The change has unknown fields.", errors=unknown)
    refused = {k: ["Your role may not set this field."] for k in changes if k not in writable}
    if refused:
        raise Forbidden("The change sets fields your role may not set.", errors=refused)


def _load(ctx: Context, spec: EntitySpec, changes: dict, *, partial: bool) -> dict[str, Any]:
    if spec.schema is None:
        return dict(changes)
    try:
        if ctx.batch:
            return validate.load(spec.schema, changes, partial=partial)
        # Only the top-level fields are optional on update; nested ones (an override's
        # reason) stay required, which `partial=True` would relax too.
        return spec.schema.load(changes, partial=tuple(spec.schema.fields) if partial else False)
    except ValidationError as exc:
        raise Invalid("The change has invalid values.", errors=validation_errors(exc)) from None


def _check_parents(ctx: Context, spec: EntitySpec, values: dict[str, Any]) -> None:
    for fname, parent in spec.parents.items():
        value = values.get(fname)
        if value is None:
            continue
        found = ctx.find(parent, value)
        if found is None and spec.parent_beyond_scope is not None:
            found = spec.parent_beyond_scope(ctx, parent, value)
        if found is None:
            raise NotFound(f"No {parent} {value} in your scope.", errors={fname: ["Not found."]})
        values[fname] = found.id  # an alias names the record it was linked to (P10)


def _create(ctx: Context, spec: EntitySpec, mutation: dict, changes: dict) -> dict[str, Any]:
    _check_fields(spec, spec.creatable, ctx.actor.role, changes)
    record_id = mutation["id"]
    if (spec.name, record_id) in ctx.taken_ids or ctx.known.get((spec.name, record_id)) is not None:
        raise IdConflict(f"A {spec.name} with id {record_id} exists or existed.", errors={"id": ["Already used."]})
    set_fields = _set_fields(spec)
    raw = ({k: ({"add": v, "remove": []} if k in set_fields and isinstance(v, list) else v) for k, v in changes.items()}
           if set_fields else changes)
    values = _load(ctx, spec, raw, partial=False)
    if spec.server_defaults:
        values = {**spec.server_defaults(ctx), **values}
    missing = {k: ["Missing data for required field."] for k in spec.required_on_create if values.get(k) is None}
    if missing:
        raise Invalid("The record lacks required fields.", errors=missing)
    for k in set_fields & values.keys():
        values[k] = apply_set_op([], values[k])
    for k in _map_fields(spec) & values.keys():  # M7: a new record's map holds the keys given a value
        if isinstance(values[k], dict):
            values[k] = apply_map_op({}, values[k])
    _check_parents(ctx, spec, values)
    if spec.before_create:
        spec.before_create(ctx, None, values)
    duplicate = spec.find_duplicate(ctx, values) if spec.find_duplicate else None
    if duplicate is not None:  # P10: link to the record already there rather than double it
        from sync.link import link
        return link(ctx, spec, mutation, values, duplicate)
    in_bulk = ctx.batch and spec.bulk_insert
    # A record inserted in bulk is a plain row until then: building the ORM instance (an
    # attribute event per value) cost more than inserting it.
    record = (_row_class(spec.model) if in_bulk else spec.model)(id=record_id, field_meta={}, **values)
    # When the record was made on the tablet (clamped, M2): quote turnaround counts from it.
    record.created_at = datetime.fromtimestamp(ctx.time_ms / 1000, tz=UTC)
    version = ctx.numbers.stamp(record, stamp_names(values, spec.policies), time_ms=ctx.time_ms, user_id=ctx.actor.id,
                                client_id=ctx.client_id)
    if in_bulk:
        ctx.deferred.append(record)
    else:
        ctx.session.add(record)
    ctx.known[(spec.name, record_id)] = record
    ctx.taken_ids.add((spec.name, record_id))
    if spec.after_change:
        spec.after_change(ctx, record, "create")
    return {"mutation_id": mutation["mutation_id"], "status": "applied", "id": record_id, "version": version}


def _set_fields(spec: EntitySpec) -> frozenset[str]:
    """The fields of `spec` that merge as sets (M6), computed once per spec."""
    return _fields_by_policy(spec)[0]


def _map_fields(spec: EntitySpec) -> frozenset[str]:
    """The fields of `spec` that merge key by key (M7), computed once per spec."""
    return _fields_by_policy(spec)[1]


def _fields_by_policy(spec: EntitySpec) -> tuple[frozenset[str], frozenset[str]]:
    """(set fields, map fields) of `spec`, kept per spec (a spec replaced, as tests do, is read again)."""
    entry = _fields_of.get(spec.name)
    if entry is None or entry[0] is not spec:
        policies = spec.policies.items()
        entry = _fields_of[spec.name] = (spec, (frozenset(k for k, p in policies if p == SET),
                                                frozenset(k for k, p in policies if p == MAP)))
    return entry[1]


_fields_of: dict[str, tuple[EntitySpec, tuple[frozenset[str], frozenset[str]]]] = {}


def _update(ctx: Context, spec: EntitySpec, mutation: dict, changes: dict) -> dict[str, Any]:
    record = ctx.find(spec.name, mutation["id"])
    if record is None:
        return _update_of_missing(ctx, spec, mutation, changes)
    _check_fields(spec, spec.updatable, ctx.actor.role, changes)
    values = _load(ctx, spec, changes, partial=True)
    _check_parents(ctx, spec, values)
    if spec.before_update:
        spec.before_update(ctx, record, values)
    moves = spec.scope_fields & values.keys()
    before_keys = registry.scope.record_keys(ctx.session, spec.name, record) if moves else set()
    outcome: MergeOutcome = merge(record=record, values=values, policies=spec.policies,
                                  base_version=mutation.get("base_version"), time_ms=ctx.time_ms,
                                  client_id=ctx.client_id, real_version=ctx.numbers.estimate(record.version))
    for name, value in outcome.writes.items():
        setattr(record, name, value)
    if outcome.writes:
        ctx.numbers.stamp(record, outcome.stamps, time_ms=ctx.time_ms, user_id=ctx.actor.id,
                          client_id=ctx.client_id)
        if moves & outcome.writes.keys():
            _scope_exit(ctx, spec, record, before_keys)
        if spec.after_change:
            spec.after_change(ctx, record, "update")
    file_lost_values(ctx.session, entity=spec.name, record_id=record.id, actor_id=ctx.actor.id,
                     mutation_id=mutation["mutation_id"], conflicts=outcome.conflicts)
    result = {"mutation_id": mutation["mutation_id"], "status": outcome.status, "id": record.id,
              "version": record.version}
    if outcome.conflicts:
        result["conflicts"] = [c.as_result(_plain) for c in outcome.conflicts]
    return result


def _update_of_missing(ctx: Context, spec: EntitySpec, mutation: dict, changes: dict) -> dict[str, Any]:
    """An update racing a delete: the delete wins, every typed value goes to the conflict log."""
    stone = ctx.session.execute(select(Tombstone.seq, Tombstone.scope).where(
        Tombstone.entity == spec.name, Tombstone.record_id == mutation["id"], Tombstone.deleted.is_(True))).first()
    keys = registry.scope.actor_keys(ctx.actor)
    visible = stone is not None and (keys is None or ctx.session.scalar(select(Tombstone.id).where(
        Tombstone.entity == spec.name, Tombstone.record_id == mutation["id"], Tombstone.scope.in_(keys)).limit(1)))
    if not visible:
        raise NotFound(f"No {spec.name} {mutation['id']} in your scope.")
    conflicts = [FieldConflict(name, value, None, "theirs", None) for name, value in _per_key(spec, changes)]
    file_lost_values(ctx.session, entity=spec.name, record_id=mutation["id"], actor_id=ctx.actor.id,
                     mutation_id=mutation["mutation_id"], conflicts=conflicts)
    return {"mutation_id": mutation["mutation_id"], "status": "conflict", "id": mutation["id"],
            "version": stone.seq, "deleted": True, "conflicts": [c.as_result(_plain) for c in conflicts]}


def _per_key(spec: EntitySpec, changes: dict[str, Any]):
    """A mutation's changes as conflict-log fields: each key of a map field on its own (M7)."""
    for name, value in changes.items():
        if spec.policies.get(name) == MAP and isinstance(value, dict):
            yield from ((f"{name}.{key}", sub) for key, sub in value.items())
        else:
            yield name, value


def _scope_exit(ctx: Context, spec: EntitySpec, record, before_keys: set[str]) -> None:
    """P9: scopes the record left get a tombstone; children follow their parent."""
    after_keys = registry.scope.record_keys(ctx.session, spec.name, record)
    left = before_keys - after_keys
    if not left:
        return
    ctx.numbers.tombstone(spec.name, record.id, left, seq=record.version, deleted=False)
    if spec.name == "account":
        contact_spec = registry.get("contact")
        for contact in ctx.session.scalars(select(contact_spec.model).where(contact_spec.model.account_id == record.id)):
            version = ctx.numbers.stamp(contact, (), time_ms=ctx.time_ms, user_id=ctx.actor.id)
            ctx.numbers.tombstone("contact", contact.id, left, seq=version, deleted=False)


def _delete(ctx: Context, spec: EntitySpec, mutation: dict) -> dict[str, Any]:
    record = ctx.find(spec.name, mutation["id"])
    if record is None:
        raise NotFound(f"No {spec.name} {mutation['id']} in your scope.")
    if ctx.actor.role not in spec.deletable_by:
        raise Forbidden(f"Your role may not delete {spec.name} records.")
    ctx.write_deferred()  # the record, or its children, may be new in this batch
    record = ctx.attach(record)
    if inspect(record).pending:  # created earlier in this batch: the ORM deletes only what it wrote
        ctx.session.flush()
    base = mutation.get("base_version")
    conflicts = [FieldConflict(name, None, read(record, name), "yours", last[2] if len(last) > 2 else None)
                 for name, last in (record.field_meta or {}).items()
                 if base is not None and _concurrent(last, base, ctx.client_id)
                 and split_field(name)[0] in spec.policies]
    seq = ctx.numbers.next()
    keys = registry.scope.record_keys(ctx.session, spec.name, record)
    ctx.numbers.tombstone(spec.name, record.id, keys, seq=seq, deleted=True)
    for child_entity, child in list(_children(ctx, spec, record)):
        child_keys = registry.scope.record_keys(ctx.session, child_entity, child)
        ctx.numbers.tombstone(child_entity, child.id, child_keys, seq=ctx.numbers.next(), deleted=True)
        ctx.known[(child_entity, child.id)] = None
    file_lost_values(ctx.session, entity=spec.name, record_id=record.id, actor_id=ctx.actor.id,
                     mutation_id=mutation["mutation_id"], conflicts=conflicts)
    ctx.session.delete(record)
    ctx.known[(spec.name, record.id)] = None
    result = {"mutation_id": mutation["mutation_id"], "status": "conflict" if conflicts else "applied",
              "id": record.id, "version": seq}
    if conflicts:
        result["conflicts"] = [c.as_result(_plain) for c in conflicts]
    return result


def _children(ctx: Context, spec: EntitySpec, record):
    """Records the database deletes with `record` (ON DELETE CASCADE): they need tombstones too."""
    if spec.name != "account":
        return
    for entity in ("contact", "visit", "task", "appointment", "quote_request"):
        child_spec = registry.get(entity)
        if child_spec is None:
            continue
        for child in ctx.session.scalars(select(child_spec.model).where(child_spec.model.account_id == record.id)):
            yield entity, child


def apply_online(*, session: Session, actor, entity: str, op: str, record_id: str | None,
                 changes: dict[str, Any], base_version: int | None = None) -> dict[str, Any]:
    """An edit made through the REST API: the same engine, server time, no ledger replay.

    Raises the mutation's problem when it is rejected."""
    mutation = {"mutation_id": new_id(), "entity": entity, "op": op, "id": record_id or new_id(),
                "base_version": base_version, "changes": changes, "client_time": None}
    # Counter first (C1): REST routes do not retry a transaction PostgreSQL aborts.
    result = push(session=session, actor=actor, client_id=None, mutations=[mutation], numbers_last=False)[0]
    if result["status"] == "rejected":
        raise _problem_from(result["error"])
    return result


def _problem_from(doc: dict[str, Any]) -> Problem:
    from server import errors
    kinds = {cls.kind: cls for cls in (errors.Invalid, errors.NotFound, errors.Forbidden, errors.Overlap,
                                       errors.IdConflict, errors.Immutable)}
    cls = kinds.get(doc["type"].rsplit("/", 1)[-1], errors.Invalid)
    problem = cls(doc.get("detail", ""), errors=doc.get("errors"))
    if doc.get("title"):  # a subclass's own title (OutsideHours is an `overlap` too)
        problem.title = doc["title"]
    return problem
