"""The record endpoints every syncable entity shares: list, get, create, patch, delete.

They go through the sync engine (sync/push.py → apply_online), so an edit made in a
browser merges with tablet edits by the same rules (API.md → Sync).
"""
from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime

from flask import request
from flask.views import MethodView
from flask_smorest import Blueprint
from marshmallow import RAISE, Schema, fields, validate
from sqlalchemy import JSON, Select, String, Text, bindparam, cast, func, literal_column, select, type_coerce

from server.actor import current_actor
from server.db import UTCDateTime
from server.errors import Invalid, NotFound
from server.extensions import db
from server.jsoncodec import loads
from server.scope import get_in_scope, scoped
from sync import registry
from sync.push import apply_online
from sync.registry import _plain
from sync.statements import StandIn, output_row, timed_fields as _timed


class PatchSchema(Schema):
    changes = fields.Dict(required=True)
    base_version = fields.Integer(allow_none=True, load_default=None)


class PageSchema(Schema):
    items = fields.List(fields.Dict())
    total = fields.Integer()


def dump(entity: str, record) -> dict:
    return registry.get(entity).dump(record)


def page_items(entity: str, where, order_by) -> list[dict]:
    """The records matching `where`, as the API represents them. Plain column rows when every
    output field is a column: no ORM objects, no per-field metadata (`field_meta`, the
    largest JSON of a record) decoded for nothing; else the entity's dump."""
    spec = registry.get(entity)
    table = spec.model.__table__
    if all(name in table.c for name in spec.output_fields):
        stmt = select(*[table.c[name] for name in spec.output_fields]).where(where).order_by(*order_by)
        return list(map(output_row(spec), db.session.connection().execute(stmt)))
    return [spec.dump(r) for r in db.session.scalars(select(spec.model).where(where).order_by(*order_by))]


def _page_statement(entity: str, role: str, names: tuple[str, ...], order_by, dialect: str) -> tuple[Select, Callable]:
    """The rows of one page of `entity` for an actor of `role`, filtered by `names` being equal
    to the parameters `eq_<name>`, with `total_`, the count of all matches, beside each row;
    and the function turning such a row into the record as the API represents it.

    Bound at execution: the actor's identity (`actor_id`, `team_id`, `tech_ids`:
    sync/statements.py's StandIn), `limit` and `offset`. Building the statement costs more
    CPU than running it on a rep's page (docs/benchmarks.md, bench_reads), so the caller
    keeps it. The page's ids are sorted first, then their rows read (the sort carries ids,
    not whole records: docs/benchmarks.md, bench_search), and the count is an uncorrelated
    subquery the database runs once: one round trip instead of three."""
    spec = registry.get(entity)
    model, table = spec.model, spec.model.__table__
    where = (registry.scope.condition(entity, StandIn(role)),
             *(getattr(model, name) == bindparam(f"eq_{name}") for name in names))
    ids = (select(model.id).where(*where).order_by(*order_by)
           .limit(bindparam("limit")).offset(bindparam("offset")).correlate(None))
    total = select(func.count()).select_from(model).where(*where).correlate(None).scalar_subquery()
    columns, convert = _page_reader(spec, dialect)
    return select(*columns, total.label("total_")).where(model.id.in_(ids)).order_by(*order_by), convert


def _page_reader(spec, dialect: str) -> tuple[list, Callable]:
    """The columns to select for `spec`'s output fields, and the function turning the rows
    read into the records as the API represents them (the same values as `output_row(spec)`).

    SQLAlchemy's per-value result processors (the JSON decoder, on SQLite the date-time
    parser, then UTCDateTime) cost more CPU than the query on a page of 50 accounts, five
    documents each (docs/benchmarks.md, bench_reads). So the JSON documents are read as
    text and decoded all at once, as one array by jsoncodec.loads (one call instead of
    one per document; the same values), and the UTC times are read as text and written in
    ISO 8601 with `Z` (`utc_time`)."""
    table = spec.model.__table__
    fields = spec.output_fields
    columns = [table.c[name] for name in fields]
    documents = [c.name for c in columns if isinstance(c.type, JSON)]
    # UTC times read as text, and the other date and time columns, read as Python values.
    texts = [c.name for c in columns if isinstance(c.type, UTCDateTime)]
    timed = [name for name in _timed(spec) if name not in texts]
    if dialect == "sqlite":  # what SQLite holds: the documents' text, the times as SQLAlchemy writes them
        read = [type_coerce(c, String) if c.name in documents or c.name in texts else c for c in columns]
    else:  # PostgreSQL writes the same: the times in UTC whatever the session's time zone
        read = [cast(c, Text) if c.name in documents
                else func.to_char(c.op("AT TIME ZONE")(literal_column("'UTC'")), "YYYY-MM-DD HH24:MI:SS.US")
                if c.name in texts else c for c in columns]

    def convert(rows) -> list[dict]:
        records = [dict(zip(fields, row)) for row in rows]
        held = [(record, name) for record in records for name in documents if record[name] is not None]
        if held:
            for (record, name), value in zip(held, loads("[" + ",".join(record[name] for record, name in held) + "]")):
                record[name] = value
        if texts or timed:
            for record in records:
                for name in texts:
                    if record[name] is not None:
                        record[name] = utc_time(record[name])
                for name in timed:
                    if record[name] is not None:
                        record[name] = _plain(record[name])
        return records

    return read, convert


def utc_time(text: str) -> str:
    """A UTC time as SQLAlchemy stores it on SQLite, and as `_page_reader` has PostgreSQL write
    it ("2026-03-02 08:45:00.000000") → the API's "2026-03-02T08:45:00Z" (microseconds kept
    when there are some), exactly as `_plain` writes the datetime it stands for; any other
    spelling is parsed."""
    if len(text) == 26 and text[10] == " " and text[19] == ".":
        return f"{text[:10]}T{text[11:19]}Z" if text.endswith("000000") else f"{text[:10]}T{text[11:]}Z"
    moment = datetime.fromisoformat(text)
    return _plain(moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment.astimezone(UTC))


def _create_body() -> dict:
    body = request.get_json(silent=True)
    if not isinstance(body, dict):
        raise Invalid("The body must be a JSON object with the record's fields.", errors={"_schema": ["Expected an object."]})
    return body


_PAGED: dict[type[Schema], type[Schema]] = {}


def _paged(list_args: type[Schema]) -> type[Schema]:
    """`list_args` with `limit`, the `per_page` alias some clients send, where it lacks it (one class
    per schema, so the OpenAPI document names each once)."""
    if "limit" in list_args._declared_fields:
        return list_args
    if list_args not in _PAGED:
        _PAGED[list_args] = type(f"Paged{list_args.__name__}", (list_args,), {"limit": fields.Integer(
            validate=validate.Range(min=1, max=1000), metadata={"description": "Alias of per_page"})})
    return _PAGED[list_args]


def record_routes(blp: Blueprint, *, entity: str, path: str, list_args: type[Schema],
                  order_by, equal: tuple[str, ...] = (), filters: Callable | None = None,
                  searched: Callable | None = None, creatable: bool = True, deletable: bool = True) -> None:
    """Register `GET/POST {path}` and `GET/PATCH/DELETE {path}/<id>` on `blp`.

    The list filters by the `equal` query arguments, then by `filters(stmt, args)` for the rest;
    a query parameter `list_args` does not name (nor `limit`) → 422 problem naming it.
    `searched(args, actor, dialect)`, for a `q`: a SELECT of the matching ids in list order that
    answers the whole list alone (the scope and every other argument implied), or None when the
    general statement must."""
    spec = registry.get(entity)
    model = spec.model
    paging = {"page", "per_page", "limit"}
    # (dialect, role, equal filters given) → the page's statement and row converter, built once (_page_statement).
    statements: dict[tuple[str, str, tuple[str, ...]], tuple[Select, Callable]] = {}
    plain = all(name in model.__table__.c for name in spec.output_fields)

    class Collection(MethodView):
        # An unknown parameter is refused (422 naming it), not ignored: a misspelt filter
        # (`?segmnet=A`) would otherwise answer the whole list as if it had filtered.
        # An instance, not the class: webargs would build a schema per request (its fields deep-copied).
        @blp.arguments(_paged(list_args)(), location="query", unknown=RAISE)
        @blp.response(200, PageSchema)
        def get(self, args):
            actor = current_actor()
            page, per_page = args["page"], args.get("limit") or args["per_page"]
            if plain and not any(value for name, value in args.items() if name not in paging and name not in equal):
                # Only the scope and equal filters: one statement, built once per role and filters given.
                names = tuple(name for name in equal if args.get(name))
                connection = db.session.connection()
                key = (connection.dialect.name, actor.role, names)
                if key not in statements:
                    statements[key] = _page_statement(entity, actor.role, names, order_by, connection.dialect.name)
                stmt, convert = statements[key]
                values = {"actor_id": actor.id, "team_id": actor.team_id, "tech_ids": list(actor.tech_team_ids),
                          "limit": per_page, "offset": (page - 1) * per_page,
                          **{f"eq_{name}": args[name] for name in names}}
                rows = connection.execute(stmt, values).all()
                if rows:
                    return {"items": convert(rows), "total": rows[0].total_}
                # A page past the last (or nothing at all): the count, by the general path below.
            stmt = scoped(entity, actor)
            for name in equal:  # query arguments that match a column as they are
                if args.get(name):
                    stmt = stmt.where(getattr(model, name) == args[name])
            if filters:
                stmt = filters(stmt, args)
            # `limit`: the `per_page` some clients send (PageArgs folds it in; _paged adds it elsewhere)
            # The page's ids first, then their rows: the sort carries ids, not whole records
            # (on SQLite, a search over 100,000 accounts: docs/benchmarks.md, bench_search).
            ids = stmt.with_only_columns(model.id).order_by(*order_by).limit(per_page).offset((page - 1) * per_page)
            total = None
            alone = searched(args, actor, db.session.get_bind().dialect.name) if args.get("q") and searched else None
            if alone is not None:  # one index answers the search, its count and its order alone
                ids = alone.limit(per_page).offset((page - 1) * per_page)
            if args.get("q"):
                # A search reads its matches once: the page's ids and, beside each, the count of all
                # matches. Counting apart would scan them twice (on PostgreSQL each scan visits
                # every heap page holding a match: docs/benchmarks.md, bench_search).
                found = db.session.execute(ids.add_columns(func.count().over().label("total"))).all()
                total, ids = (found[0].total if found else None), [f.id for f in found]
            if total is None:  # no search, or a page past the last match
                total = db.session.scalar(select(func.count()).select_from(stmt.order_by(None).subquery()))
            return {"items": page_items(entity, model.id.in_(ids), order_by), "total": total}

        if creatable:
            @blp.response(201)
            def post(self):
                body = _create_body()
                record_id = body.pop("id", None)
                result = apply_online(session=db.session, actor=current_actor(), entity=entity, op="create",
                                      record_id=record_id, changes=body)
                db.session.commit()
                return dump(entity, db.session.get(model, result["id"]))

    class Item(MethodView):
        @blp.response(200)
        def get(self, record_id):
            record = get_in_scope(db.session, entity, record_id, current_actor())
            if record is None:
                raise NotFound(f"No {entity} {record_id}.")
            return dump(entity, record)

        @blp.arguments(PatchSchema)
        @blp.response(200)
        def patch(self, body, record_id):
            actor = current_actor()
            if get_in_scope(db.session, entity, record_id, actor) is None:
                raise NotFound(f"No {entity} {record_id}.")
            apply_online(session=db.session, actor=actor, entity=entity, op="update", record_id=record_id,
                         changes=body["changes"], base_version=body["base_version"])
            db.session.commit()
            return dump(entity, db.session.get(model, record_id))

        if deletable:
            @blp.response(204)
            def delete(self, record_id):
                apply_online(session=db.session, actor=current_actor(), entity=entity, op="delete",
                             record_id=record_id, changes={})
                db.session.commit()

    Collection.__name__ = f"{entity.title().replace('_', '')}Collection"
    Item.__name__ = f"{entity.title().replace('_', '')}Item"
    blp.route(path)(Collection)
    blp.route(f"{path}/<string:record_id>")(Item)
