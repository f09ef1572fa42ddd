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
    ]
    return [importlib.import_module(name) for name in names if _exists(name)]


def _exists(name: str) -> bool:
    import importlib.util
    return importlib.util.find_spec(name) is not None


def register_sync_entities() -> None:
    """Fill the sync engine's registry with the domain's entities (once per process)."""


def extra_commands():
    return []
