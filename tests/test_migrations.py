"""The Alembic history builds exactly the schema the models describe, on both databases."""
from __future__ import annotations

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from flask_migrate import downgrade, upgrade
from sqlalchemy import inspect

from server.extensions import db


def _differences():
    with db.engine.connect() as conn:
        dialect = conn.dialect.name

        def on_this_database(obj, _name, type_, reflected, _compare_to):
            # An index the models make for one database only (`Index(...).ddl_if(dialect=...)`),
            # which Alembic's comparison does not read.
            only = getattr(getattr(obj, "_ddl_if", None), "dialect", None)
            return reflected or type_ != "index" or only in (None, dialect)
        context = MigrationContext.configure(conn, opts={"compare_type": False, "include_object": on_this_database})
        return compare_metadata(context, db.metadata)


def test_migrations_reach_the_models_schema(app):
    assert _differences() == []


def test_migrations_go_down_to_empty_and_up_again(app):
    db.session.remove()
    downgrade(revision="base")
    assert set(inspect(db.engine).get_table_names()) <= {"alembic_version"}
    upgrade()
    assert {"account", "visit", "sync_counter", "sync_mutation", "outbox_event"} <= set(inspect(db.engine).get_table_names())
    assert _differences() == []
