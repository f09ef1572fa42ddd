"""Where the domains plug in: their blueprints, their sync entities, their CLI commands.

A router registry of a few lines (STYLE: full-stack-fastapi-template); each domain
adds one line here.
"""
from __future__ import annotations


def register_blueprints(app, api) -> None:
    from server.web.routes import bp as web_bp

    for module in _api_blueprints():
        api.register_blueprint(module.blp)
    app.register_blueprint(web_bp)


def _api_blueprints():
    import importlib
    names = [
        "server.users.routes",
        "server.users.people_routes",
        "server.users.reset_routes",
        "server.syncapi.routes",
        "server.syncapi.snapshot_routes",
        "server.accounts.routes",
        "server.customfields.routes",
        "server.accounts.status_routes",
        "server.quotes.product_line_routes",
        "server.visits.routes",
        "server.agenda.routes",
        "server.agenda.absences",
        "server.agenda.days_off",
        "server.agenda.reach",
        "server.quotes.routes",
        "server.quotes.admin_routes",
        "server.quotes.channel_test",
        "server.quotes.attachments",
        "server.accounts.photos",
        "server.segmentation.routes",
        "server.accounts.transfer",
        "server.accounts.quality",
        "server.kpis.routes",
        "server.tours.routes",
        "server.forecast.routes",
    ]
    return [importlib.import_module(name) for name in names]


def register_sync_entities() -> None:
    """Fill the sync engine's registry with the domain's entities and scope rules."""
    from server import scope
    from server.accounts.entity import account_spec, contact_spec
    from server.agenda.absences import absence_spec
    from server.agenda.entity import appointment_spec
    from server.forecast.entity import opportunity_spec
    from server.quotes.entity import quote_spec
    from server.tours.entity import tour_plan_spec
    from server.visits.entity import task_spec, visit_spec
    from sync import registry

    for spec in (account_spec, contact_spec, visit_spec, task_spec, appointment_spec, quote_spec, tour_plan_spec,
                 absence_spec, opportunity_spec):
        registry.register(spec)
    registry.configure_scope(registry.ScopeHooks(
        condition=scope.condition, record_keys=scope.scope_keys, actor_keys=scope.actor_scope_keys,
        entities_for=lambda actor: scope.SYNC_ENTITIES.get(actor.role, ())))


def extra_commands():
    from server.geo.cli import geocode_command
    from server.quotes.cli import dispatch_command
    from server.segmentation.cli import commands as segmentation_commands
    from server.syncapi.cli import sync_cli
    from server.tours.cli import plan_tours_command
    return [dispatch_command, sync_cli, geocode_command, plan_tours_command, *segmentation_commands()]
