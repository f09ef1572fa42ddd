"""The Alembic history builds exactly the schema the models describe, on both databases."""
from __future__ import annotations

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from flask_migrate import downgrade, upgrade
from sqlalchemy import inspect

from server.extensions import db


def _differences():
    with db.engine.connect() as conn:
        context = MigrationContext.configure(conn, opts={"compare_type": False})
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
