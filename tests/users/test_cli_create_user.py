"""`tournee create-user`: the first admin's password follows the rules every other path applies."""
from __future__ import annotations

from sqlalchemy import func, select

from server.users.models import User


def _create(app, *args: str):
    return app.test_cli_runner().invoke(args=["create-user", "--email", "claire.martin@example.com",
                                              "--name", "Claire Martin", "--role", "admin", *args])


def _users(session) -> int:
    return session.scalar(select(func.count()).select_from(User))


def test_a_password_made_of_the_users_own_name_is_refused_and_nothing_is_created(app, session):
    result = _create(app, "--password", "claire.martin2024")
    assert result.exit_code == 1, result.output
    assert "password refused" in result.output and "e-mail" in result.output
    assert _users(session) == 0


def test_a_common_or_short_password_is_refused_with_its_reasons(app, session):
    result = _create(app, "--password", "password1")
    assert result.exit_code == 1
    assert "At least 12 characters" in result.output and "Too common" in result.output
    assert _users(session) == 0


def test_a_sound_password_creates_the_user_and_a_second_time_answers_the_email_is_used(app, session):
    first = _create(app, "--password", "cheval batterie agrafe correcte")
    assert first.exit_code == 0, first.output
    assert "created admin claire.martin@example.com" in first.output
    again = _create(app, "--password", "cheval batterie agrafe correcte")
    assert again.exit_code == 1 and "already used" in again.output
    assert _users(session) == 1


def test_an_unknown_team_is_named_not_a_traceback(app, session):
    result = _create(app, "--password", "cheval batterie agrafe correcte", "--team-id", "no-such-team")
    assert result.exit_code == 1 and "no team no-such-team" in result.output
    assert _users(session) == 0
