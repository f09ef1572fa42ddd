"""Rules several entities share."""
from __future__ import annotations

from server.errors import Invalid


def check_rep(ctx, values: dict) -> None:
    """A record given to a rep (`rep_id`) must name a rep the caller may act for."""
    rep_id = values.get("rep_id")
    if rep_id is None or rep_id == ctx.actor.id:
        return
    from server.users.models import User
    rep = ctx.session.get(User, rep_id)
    ok = rep is not None and rep.role == "rep" and (ctx.actor.role == "admin" or rep.team_id == ctx.actor.team_id)
    if not ok:
        raise Invalid("Unknown rep.", errors={"rep_id": ["Not a rep of your team."]})
