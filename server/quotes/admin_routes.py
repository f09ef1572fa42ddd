"""/api/admin/technical-teams and /api/admin/routing-rules: who answers quote requests (admins only).

Other roles get a 404 problem, as for anything outside their scope.
"""
from __future__ import annotations

from flask import current_app
from flask_smorest import Blueprint
from sqlalchemy import select

from server.actor import current_actor
from server.errors import NotFound
from server.extensions import db
from server.quotes import admin_service, reasons
from server.quotes.admin_schemas import (
    RuleInSchema, RuleOutSchema, TeamCreatedSchema, TeamInSchema, TeamOutSchema, TeamPatchSchema,
)
from server.quotes.models import RoutingRule, TechnicalTeam
from sync.channels.reasons import relay_problem

blp = Blueprint("quote_admin", __name__, url_prefix="/api/admin", description="Technical teams and routing rules")


@blp.before_request
def _admins_only():
    if current_actor().role != "admin":
        raise NotFound("No such resource.")


@blp.post("/technical-teams")
@blp.arguments(TeamInSchema)
@blp.response(201, TeamCreatedSchema)
def create_team(values):
    """Create a technical team; its webhook secret is answered here only (generated when absent)."""
    team = admin_service.create_team(session=db.session, values=values)
    db.session.commit()
    return team


@blp.get("/technical-teams")
@blp.response(200, TeamOutSchema(many=True))
def list_teams():
    """Technical teams, with endpoints disabled after a 410 Gone flagged (`enabled: false`)."""
    return db.session.scalars(select(TechnicalTeam).order_by(TechnicalTeam.name, TechnicalTeam.id)).all()


@blp.get("/delivery-channels")
@blp.response(200)
def delivery_channels():
    """Whether each channel can deliver on this server now: `{"email": {"deliverable": false,
    "reason": "mail_relay_not_configured", "reason_text": "…"}, "webhook": {…}, "inbox": {…}}`."""
    relay = relay_problem(current_app.config.get("SMTP_URL"))
    return {channel: {"deliverable": problem is None, "reason": problem, "reason_text": reasons.text(problem)}
            for channel, problem in (("inbox", None), ("email", relay), ("webhook", None))}


@blp.get("/technical-teams/<string:team_id>")
@blp.response(200, TeamOutSchema)
def get_team(team_id):
    """One technical team."""
    team = db.session.get(TechnicalTeam, team_id)
    if team is None:
        raise NotFound(f"No technical team {team_id}.")
    return team


@blp.patch("/technical-teams/<string:team_id>")
@blp.arguments(TeamPatchSchema)
@blp.response(200, TeamOutSchema)
def update_team(values, team_id):
    """Change a team; `{"enabled": true}` re-enables an endpoint disabled after a 410 Gone."""
    team = admin_service.update_team(session=db.session, team_id=team_id, values=values)
    db.session.commit()
    return team


@blp.post("/routing-rules")
@blp.arguments(RuleInSchema)
@blp.response(201, RuleOutSchema)
def create_rule(values):
    """Add a routing rule; the first match by priority (lowest first) wins."""
    rule = admin_service.create_rule(session=db.session, values=values)
    db.session.commit()
    return rule


@blp.get("/routing-rules")
@blp.response(200, RuleOutSchema(many=True))
def list_rules():
    """Routing rules in the order they are tried."""
    return db.session.scalars(select(RoutingRule).order_by(RoutingRule.priority, RoutingRule.created_at,
                                                           RoutingRule.id)).all()


@blp.delete("/routing-rules/<string:rule_id>")
@blp.response(204)
def delete_rule(rule_id):
    """Remove a routing rule."""
    admin_service.delete_rule(session=db.session, rule_id=rule_id)
    db.session.commit()
