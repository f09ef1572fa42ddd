"""The Alembic history builds exactly the schema the models describe, on both databases."""
from __future__ import annotations

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from flask_migrate import downgrade, upgrade
from sqlalchemy import inspect, select

from server.db import new_id
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


def test_the_upgrade_moves_stored_weekend_due_dates_to_the_owners_next_working_day(app, session):
    """wd24b8e2c6a1f3: a `next_due_at` stored on a Saturday (before the rule) goes to Monday at the
    same local time, with a new version for tablets to pull; a rep who works Saturdays keeps it."""
    from datetime import datetime
    from zoneinfo import ZoneInfo

    from server.accounts.models import Account
    from tests.factories import make_account, make_user
    paris = ZoneInfo("Europe/Paris")
    saturday = datetime(2026, 11, 21, 9, 30, tzinfo=paris)
    weekday_rep = make_user(session, "rep")
    saturday_rep = make_user(session, "rep")
    saturday_rep.working_hours = {d: ["08:00", "18:00"] for d in ("mon", "tue", "wed", "thu", "fri", "sat")}
    moved = make_account(session, weekday_rep, next_due_at=saturday)
    kept = make_account(session, saturday_rep, next_due_at=saturday)
    holiday = make_account(session, weekday_rep, next_due_at=datetime(2026, 12, 25, 9, 30, tzinfo=paris))
    session.commit()
    versions = {a.id: a.version for a in (moved, kept, holiday)}
    db.session.remove()
    downgrade(revision="dr23e5a8c1f4b6")
    upgrade()
    after = {a.id: a for a in db.session.scalars(select(Account).where(Account.id.in_(versions)))}
    assert after[moved.id].next_due_at.astimezone(paris) == datetime(2026, 11, 23, 9, 30, tzinfo=paris)
    assert after[holiday.id].next_due_at.astimezone(paris) == datetime(2026, 12, 28, 9, 30, tzinfo=paris)
    assert after[kept.id].next_due_at == saturday
    assert after[kept.id].version == versions[kept.id]
    assert after[moved.id].version > max(versions.values()) and after[holiday.id].version > max(versions.values())


def test_the_upgrade_keys_the_stored_recurring_visit_tasks(app, session):
    """tk25c1e7a3b9d4f: a "Visite récurrente" task stored before `title_key` gets "recurring_visit",
    with a new version for tablets to pull; a task a rep titled stays without a key, unchanged."""
    from server.visits.models import Task
    from tests.factories import make_user
    rep = make_user(session, "rep")
    recurring = Task(rep_id=rep.id, title="Visite récurrente", kind="visit", status="open", field_meta={})
    typed = Task(rep_id=rep.id, title="Visite récurrente", kind="todo", visit_id=new_id(), status="open", field_meta={})
    session.add_all([recurring, typed])
    session.commit()
    versions = {t.id: t.version for t in (recurring, typed)}
    db.session.remove()
    downgrade(revision="as24c7e1b9d3f5a")
    assert "title_key" not in {c["name"] for c in inspect(db.engine).get_columns("task")}
    upgrade()
    after = {t.id: t for t in db.session.scalars(select(Task).where(Task.id.in_(versions)))}
    assert after[recurring.id].title_key == "recurring_visit"
    assert after[recurring.id].version > max(versions.values())
    assert (after[typed.id].title_key, after[typed.id].version) == (None, versions[typed.id])
