"""Company set-up: who may see and change which users and teams, and the changes themselves.

Scope (API.md → Company set-up): an admin sees and changes everyone; a manager sees its
own team and creates or changes that team's reps and telemarketers; every other user
sees itself. Anything else answers 404, as for any object outside the caller's scope.
"""
from __future__ import annotations

import secrets

from sqlalchemy import func, select

from server.accounts.due_dates import following_calendars
from server.actor import Actor
from server.errors import Forbidden, Invalid, NotFound, Problem
from server.geo.locate import fill_position
from server.users import passwords, tokens
from server.users.models import Team, User

MANAGED_ROLES = ("rep", "telemarketer")


class EmailTaken(Problem):
    status, kind, title = 409, "email_taken", "E-mail already used"


class TeamHasMembers(Problem):
    status, kind, title = 409, "team_has_members", "Team still has members"


def visible_users(actor: Actor):
    """Users the caller may see, in name order as a reader expects it: accents and case
    folded (`search` = fold(name, e-mail)), so Émilie comes before Thomas on SQLite and on
    a PostgreSQL database whose collation is C, as on any other."""
    query = select(User).order_by(User.search, User.id)
    if actor.role == "admin":
        return query
    if actor.role == "manager" and actor.team_id:
        return query.where(User.team_id == actor.team_id)
    return query.where(User.id == actor.id)


def get_person(*, session, actor: Actor, user_id: str) -> User:
    """A user the caller may see, else NotFound."""
    user = session.scalar(visible_users(actor).where(User.id == user_id))
    if user is None:
        raise NotFound(f"No user {user_id}.")
    return user


def create_person(*, session, actor: Actor, values: dict) -> User:
    """Add a user without a usable password (its invitation sets one); flushed, not committed."""
    check_may_manage(session, actor, role=values["role"], team_id=values.get("team_id"))
    email = values["email"].strip().lower()
    if session.scalar(select(User.id).where(func.lower(User.email) == email)) is not None:
        raise EmailTaken("This e-mail is already used.", errors={"email": ["Already used by another user."]})
    # A random secret nobody knows: the user can only sign in after choosing a password.
    user = User(email=email, name=values["name"], role=values["role"], team_id=values.get("team_id"),
                password_hash=passwords.hash_password(secrets.token_urlsafe(32)),
                working_hours=values.get("working_hours") or {}, locale=values.get("locale"),
                timezone=values.get("time_zone", "Europe/Paris"))
    _set_home(user, values.get("home"))
    session.add(user)
    _set_technical_teams(session, user, values.get("technical_team_ids"))
    session.flush()
    return user


def update_person(*, session, actor: Actor, user_id: str, values: dict) -> User:
    """Change a user; `active: false` closes every sign-in it holds at once (flushed, not committed)."""
    user = get_person(session=session, actor=actor, user_id=user_id)
    if actor.role != "admin":
        if user.id == actor.id and set(values) - {"name", "home", "working_hours", "locale", "time_zone"}:
            raise Forbidden("You may not change your own role, team or access.",
                            errors={k: ["Not allowed."] for k in values if k not in ("name", "home")})
        if user.id != actor.id:
            check_may_manage(session, actor, role=user.role, team_id=user.team_id)
            check_may_manage(session, actor, role=values.get("role", user.role),
                              team_id=values.get("team_id", user.team_id))
    if "email" in values:
        email = values["email"].strip().lower()
        taken = session.scalar(select(User.id).where(func.lower(User.email) == email, User.id != user.id))
        if taken is not None:
            raise EmailTaken("This e-mail is already used.", errors={"email": ["Already used by another user."]})
        user.email = email
    # Another team (its holidays), other hours or another zone: its accounts' due dates follow.
    with following_calendars(session, actor, [user.id]):
        for key in ("name", "role", "team_id", "working_hours", "locale"):
            if key in values:
                setattr(user, key, values[key] if key != "working_hours" else (values[key] or {}))
        if "time_zone" in values:
            user.timezone = values["time_zone"]
    if "home" in values:
        _set_home(user, values["home"])
    _set_technical_teams(session, user, values.get("technical_team_ids"))
    if "active" in values:
        if user.id == actor.id and not values["active"]:
            raise Forbidden("You may not deactivate yourself.", errors={"active": ["Not allowed on yourself."]})
        user.active = values["active"]
        if not user.active:
            tokens.revoke_other_families(session=session, user_id=user.id, keep_family_id=None, reason="deactivated")
            from server.tours import ics_tokens
            ics_tokens.revoke(session, user_id=user.id)  # its calendar feed stops answering too
    session.flush()
    return user


def _set_technical_teams(session, user: User, team_ids: list[str] | None) -> None:
    """Give a back-office user the technical teams `team_ids` (the whole list; None keeps its own).

    Only back-office users answer quote requests: ids for any other role are refused (422 on
    `technical_team_ids`), and a user whose role leaves back office leaves its technical teams,
    so that no rep or manager is found in a team's inbox. An unknown id is refused too."""
    from server.quotes.models import TechnicalTeam
    if team_ids is None:
        if user.role != "backoffice" and user.technical_teams:
            user.technical_teams = []
        return
    if team_ids and user.role != "backoffice":
        raise Invalid("Only back-office users belong to technical teams.",
                      errors={"technical_team_ids": ["Only for back-office users."]})
    wanted = list(dict.fromkeys(team_ids))
    teams = session.scalars(select(TechnicalTeam).where(TechnicalTeam.id.in_(wanted))).all() if wanted else []
    if len(teams) != len(wanted):
        raise Invalid("Unknown technical team.", errors={"technical_team_ids": ["No such technical team."]})
    if {t.id for t in user.technical_teams} != set(wanted):
        # A team that gains a member may now receive what waited for it (sync/dispatch.py D7).
        from server.quotes.admin_service import wake_unrouted
        wake_unrouted(session)
    user.technical_teams = sorted(teams, key=lambda team: team.id)


def check_may_manage(session, actor: Actor, *, role: str, team_id: str | None) -> None:
    if team_id is not None and session.get(Team, team_id) is None:
        raise Invalid("Unknown team.", errors={"team_id": ["No such team."]})
    if actor.role == "admin":
        return
    if actor.role != "manager":
        raise NotFound("No such resource.")
    if role not in MANAGED_ROLES:
        raise Forbidden("A manager creates and changes reps and telemarketers only.",
                        errors={"role": [f"One of: {', '.join(MANAGED_ROLES)}."]})
    if team_id != actor.team_id:
        raise Forbidden("A manager creates and changes users of its own team only.",
                        errors={"team_id": ["Your own team only."]})


def _set_home(user: User, home: dict | None) -> None:
    """Store the home base; an address without lat/lon is located like an account's."""
    if home is None:
        user.home_address = user.home_postcode = user.home_city = user.home_lat = user.home_lon = None
        return
    values = dict(home)
    fill_position(values)
    user.home_address, user.home_postcode, user.home_city = (values.get("address"), values.get("postcode"),
                                                             values.get("city"))
    user.home_lat, user.home_lon = values.get("lat"), values.get("lon")


def visible_teams(actor: Actor):
    """Teams the caller may see. Listed by name as the database orders it: `list_teams`
    sorts the page itself, accents and case folded (a company has a handful of teams)."""
    query = select(Team).order_by(Team.name, Team.id)
    return query if actor.role == "admin" else query.where(Team.id == (actor.team_id or ""))


def create_team(*, session, actor: Actor, values: dict) -> Team:
    if actor.role != "admin":
        raise NotFound("No such resource.")
    _check_manager(session, values.get("manager_id"))
    team = Team(name=values["name"], manager_id=values.get("manager_id"), holidays=values.get("holidays", "FR"))
    session.add(team)
    session.flush()
    with following_calendars(session, actor, [team.manager_id] if team.manager_id else []):
        _attach_manager(session, team)  # the manager takes the new team's holidays
    return team


def update_team(*, session, actor: Actor, team_id: str, values: dict) -> Team:
    team = session.scalar(visible_teams(actor).where(Team.id == team_id))
    if team is None or actor.role != "admin":
        raise NotFound(f"No team {team_id}.")
    if "manager_id" in values:
        _check_manager(session, values["manager_id"])
    # Another holiday calendar for its members, the team's for a manager who joins it:
    # their accounts' due dates follow.
    members = session.scalars(select(User.id).where(User.team_id == team.id)).all()
    with following_calendars(session, actor, [*members, *([values["manager_id"]] if values.get("manager_id") else [])]):
        for key, value in values.items():
            setattr(team, key, value)
        session.flush()
        _attach_manager(session, team)
    return team


def delete_team(*, session, actor: Actor, team_id: str) -> None:
    """Remove an empty sales team (admin; others get NotFound, as outside their scope).

    Raises TeamHasMembers (409) while any user, active or not, still has it as its team:
    they are moved to another team first, so nobody is left without the holidays and manager
    a team gives. Flushed, not committed."""
    team = session.scalar(visible_teams(actor).where(Team.id == team_id))
    if team is None or actor.role != "admin":
        raise NotFound(f"No team {team_id}.")
    if session.scalar(select(User.id).where(User.team_id == team.id).limit(1)) is not None:
        raise TeamHasMembers("This team still has members: move them to another team first.")
    session.delete(team)
    session.flush()


def _check_manager(session, manager_id: str | None) -> None:
    if manager_id is None:
        return
    user = session.get(User, manager_id)
    if user is None or user.role != "manager":
        raise Invalid("Unknown manager.", errors={"manager_id": ["Not a user of role manager."]})


def _attach_manager(session, team: Team) -> None:
    """The team's manager belongs to it (a manager's scope is its team_id)."""
    if team.manager_id:
        session.get(User, team.manager_id).team_id = team.id


def reassign_accounts(*, session, actor: Actor, user_id: str, to_ids: list[str]) -> int:
    """Give every account of rep `user_id` to the reps `to_ids` (a leaving rep), in blocks
    of neighbouring postcodes so each keeps a compact area; the number moved.

    Each move is an owner change through the sync engine (server/accounts/entity.py), so
    tablets lose and gain the accounts as for any reassignment (sync/PROTOCOL.md P9).
    Raises Invalid when a target is not an active rep the caller may give accounts to.
    """
    from server.accounts.models import Account
    from sync.push import push
    from sync.push import _problem_from
    leaving = get_person(session=session, actor=actor, user_id=user_id)
    if actor.role not in ("admin", "manager") or (actor.role == "manager" and leaving.team_id != actor.team_id):
        raise NotFound(f"No user {user_id}.")
    targets = [session.scalar(visible_users(actor).where(User.id == rep_id)) for rep_id in dict.fromkeys(to_ids)]
    if not to_ids or any(t is None or t.role != "rep" or not t.active or t.id == leaving.id for t in targets):
        raise Invalid("Give the accounts to active reps in your scope.", errors={"to": ["Not an active rep of yours."]})
    accounts = session.execute(select(Account.id, Account.version).where(Account.owner_id == leaving.id)
                               .order_by(Account.postcode, Account.city, Account.id)).all()
    block = -(-len(accounts) // len(targets)) if accounts else 1
    mutations = [{"mutation_id": secrets.token_hex(16), "entity": "account", "op": "update", "id": row.id,
                  "base_version": row.version, "changes": {"owner_id": targets[n // block].id}, "client_time": None}
                 for n, row in enumerate(accounts)]
    for result in push(session=session, actor=actor, client_id=None, mutations=mutations):
        if result["status"] == "rejected":
            raise _problem_from(result["error"])
    return len(accounts)
