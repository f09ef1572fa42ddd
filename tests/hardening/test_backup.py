"""`tournee backup` / `tournee restore`: SQLite online backup; PostgreSQL prints pg_dump/pg_restore."""
from __future__ import annotations

import pytest
from flask_migrate import upgrade

from server import create_app
from server.accounts.models import Account
from server.config import TestConfig
from server.extensions import db
from tests.factories import make_account, make_user, token_headers
from tests.sync.helpers import Tablet, mutation


@pytest.fixture
def sqlite_app(tmp_path):
    app = create_app(TestConfig, SQLALCHEMY_DATABASE_URI=f"sqlite:///{tmp_path / 'live.db'}")
    with app.app_context():
        upgrade()
        yield app
        db.session.remove()
        db.engine.dispose()


def test_restore_brings_back_the_backed_up_data_and_cursors_ahead_get_410(sqlite_app, tmp_path):
    app, session = sqlite_app, db.session
    rep = make_user(session, "rep")
    account = make_account(session, rep, phone="+33 3 80 00 00 00")
    session.commit()
    account_id = account.id
    client = app.test_client()
    tablet = Tablet(client, token_headers(app, rep))
    tablet.pull()
    runner = app.test_cli_runner()

    backup = tmp_path / "backups" / "tournee.db"
    result = runner.invoke(args=["backup", str(backup)])
    assert result.exit_code == 0, result.output
    assert backup.stat().st_size > 0

    tablet.push(mutation("account", "update", account_id, {"phone": "+33 3 80 99 99 99"}))
    tablet.pull()  # the tablet's cursor now includes a change the backup does not have
    assert session.get(Account, account_id).phone == "+33 3 80 99 99 99"
    session.rollback()

    result = runner.invoke(args=["restore", str(backup)])
    assert result.exit_code == 0, result.output
    assert session.get(Account, account_id).phone == "+33 3 80 00 00 00"

    stale = client.get(f"/api/sync/pull?since={tablet.cursor}", headers=tablet.headers)
    assert stale.status_code == 410
    assert stale.mimetype == "application/problem+json"
    tablet.cursor = "0"
    changes = tablet.pull()  # the documented recovery: pull again from 0
    assert tablet.replica[("account", account_id)]["phone"] == "+33 3 80 00 00 00"
    assert changes


def test_restore_refuses_a_file_that_is_not_a_backup(sqlite_app, tmp_path):
    junk = tmp_path / "junk.db"
    junk.write_bytes(b"")  # an empty file opens as an empty database: no Tournée tables
    result = sqlite_app.test_cli_runner().invoke(args=["restore", str(junk)])
    assert result.exit_code != 0
    assert "not a sound Tournée backup" in result.output


def test_postgresql_backup_prints_the_pg_dump_and_pg_restore_commands(tmp_path):
    app = create_app(TestConfig, SQLALCHEMY_DATABASE_URI="postgresql+psycopg://tournee:pw@db.internal:5432/tournee")
    runner = app.test_cli_runner()
    out = runner.invoke(args=["backup", str(tmp_path / "t.dump")]).output
    assert "pg_dump -Fc" in out and "postgresql://tournee@db.internal:5432/tournee" in out and "pw" not in out
    out = runner.invoke(args=["restore", str(tmp_path / "t.dump")]).output
    assert "does not exist" in out  # click checks the dump exists first
    (tmp_path / "t.dump").write_bytes(b"PGDMP")
    out = runner.invoke(args=["restore", str(tmp_path / "t.dump")]).output
    assert "pg_restore --clean" in out and "pw" not in out
