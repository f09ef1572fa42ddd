"""The record endpoints every syncable entity shares: list, get, create, patch, delete.

They go through the sync engine (sync/push.py → apply_online), so an edit made in a
browser merges with tablet edits by the same rules (API.md → Sync).
"""
from __future__ import annotations

from collections.abc import Callable

from flask import request
from flask.views import MethodView
from flask_smorest import Blueprint
from marshmallow import RAISE, Schema, fields, validate
from sqlalchemy import func, select

from server.actor import current_actor
from server.errors import Invalid, NotFound
from server.extensions import db
from server.scope import get_in_scope, scoped
from sync import registry
from sync.push import apply_online
from sync.statements import output_row


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
                  creatable: bool = True, deletable: bool = True) -> None:
    """Register `GET/POST {path}` and `GET/PATCH/DELETE {path}/<id>` on `blp`.

    The list filters by the `equal` query arguments, then by `filters(stmt, args)` for the rest;
    a query parameter `list_args` does not name (nor `limit`) → 422 problem naming it."""
    model = registry.get(entity).model

    class Collection(MethodView):
        # An unknown parameter is refused (422 naming it), not ignored: a misspelt filter
        # (`?segmnet=A`) would otherwise answer the whole list as if it had filtered.
        @blp.arguments(_paged(list_args), location="query", unknown=RAISE)
        @blp.response(200, PageSchema)
        def get(self, args):
            stmt = scoped(entity, current_actor())
            for name in equal:  # query arguments that match a column as they are
                if args.get(name):
                    stmt = stmt.where(getattr(model, name) == args[name])
            if filters:
                stmt = filters(stmt, args)
            # `limit`: the `per_page` some clients send (PageArgs folds it in; _paged adds it elsewhere)
            page, per_page = args["page"], args.get("limit") or args["per_page"]
            # The page's ids first, then their rows: the sort carries ids, not whole records
            # (on SQLite, a search over 100,000 accounts: docs/benchmarks.md, bench_search).
            ids = stmt.with_only_columns(model.id).order_by(*order_by).limit(per_page).offset((page - 1) * per_page)
            total = None
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
