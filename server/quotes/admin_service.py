"""Technical teams and routing rules, as admins set them up (API.md → Quote routing)."""
from __future__ import annotations

from marshmallow import ValidationError
from sqlalchemy import select, update
from sqlalchemy.orm import Session

from server.db import utcnow
from server.errors import Invalid, NotFound, validation_errors
from server.quotes.admin_schemas import check_channel
from server.quotes.models import RoutingRule, TechnicalTeam
from server.users.models import User
from sync.channels.webhook import generate_secret
from sync.models import OutboxEvent


def wake_unrouted(session: Session) -> None:
    """Quote requests waiting for a team are tried again at once after a routing change."""
    session.execute(update(OutboxEvent).where(OutboxEvent.state == "pending", OutboxEvent.team_id.is_(None))
                    .values(next_attempt_at=utcnow()).execution_options(synchronize_session=False))


def _only_default(session: Session, team: TechnicalTeam) -> None:
    session.execute(update(TechnicalTeam).where(TechnicalTeam.id != team.id, TechnicalTeam.is_default.is_(True))
                    .values(is_default=False).execution_options(synchronize_session=False))


def _set_members(session: Session, team: TechnicalTeam, member_ids: list[str]) -> None:
    users = {u.id: u for u in session.scalars(select(User).where(User.id.in_(member_ids)))}
    wrong = [i for i in member_ids if i not in users or users[i].role != "backoffice"]
    if wrong:
        raise Invalid("Members are back-office users.",
                      errors={"member_ids": [f"Not a back-office user: {i}." for i in wrong]})
    for user in session.scalars(select(User).join(User.technical_teams).where(TechnicalTeam.id == team.id)):
        if user.id not in users:
            user.technical_teams.remove(team)
    for user in users.values():
        if team not in user.technical_teams:
            user.technical_teams.append(team)


def create_team(*, session: Session, values: dict) -> TechnicalTeam:
    """The new team; a webhook team without a secret gets a generated one."""
    member_ids = values.pop("member_ids", None)
    if values["channel"] == "webhook" and not values.get("webhook_secret"):
        values["webhook_secret"] = generate_secret()
    team = TechnicalTeam(**values)
    session.add(team)
    session.flush()
    if team.is_default:
        _only_default(session, team)
    if member_ids is not None:
        _set_members(session, team, member_ids)
    wake_unrouted(session)
    return team


def update_team(*, session: Session, team_id: str, values: dict) -> TechnicalTeam:
    team = session.get(TechnicalTeam, team_id)
    if team is None:
        raise NotFound(f"No technical team {team_id}.")
    member_ids = values.pop("member_ids", None)
    enabled = values.pop("enabled", None)
    for name, value in values.items():
        setattr(team, name, value)
    try:
        check_channel({"channel": team.channel, "webhook_url": team.webhook_url, "email": team.email})
    except ValidationError as exc:
        raise Invalid("The team cannot deliver by its channel.", errors=validation_errors(exc)) from None
    if team.channel == "webhook" and not team.webhook_secret:
        team.webhook_secret = generate_secret()
    if enabled is True:
        team.disabled_at = team.disabled_reason = None
    elif enabled is False and team.disabled_at is None:
        team.disabled_at, team.disabled_reason = utcnow(), "disabled by an admin"
    if values.get("is_default"):
        _only_default(session, team)
    if member_ids is not None:
        _set_members(session, team, member_ids)
    wake_unrouted(session)
    session.flush()
    return team


def create_rule(*, session: Session, values: dict) -> RoutingRule:
    if session.get(TechnicalTeam, values["team_id"]) is None:
        raise Invalid("Unknown technical team.", errors={"team_id": ["No such technical team."]})
    rule = RoutingRule(**values)
    session.add(rule)
    session.flush()
    wake_unrouted(session)
    return rule


def delete_rule(*, session: Session, rule_id: str) -> None:
    rule = session.get(RoutingRule, rule_id)
    if rule is None:
        raise NotFound(f"No routing rule {rule_id}.")
    session.delete(rule)
