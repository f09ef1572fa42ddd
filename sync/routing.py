"""Which technical team answers a quote request (API.md → Quote routing).

Rules are tried by `priority`, lowest first (ties: oldest rule first); a rule
matches when each of its criteria is empty or equal to the quote's:
`product_line` (the same line of the company's list, whichever of its key, labels or
aliases either side spells it, server/quotes/product_lines.py; a text naming no line:
case-insensitive, spaces ignored), `postcode_prefix` (a prefix of the account's
postcode, spaces ignored) and `urgency`. No rule matches → the team flagged
`is_default`. No default either → no team: the quote stays `submitted` and the
outbox event says why (`NO_ROUTE`), until an admin adds a rule or a default team.
"""
from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from server.quotes.models import RoutingRule, TechnicalTeam

NO_ROUTE = "no routing rule matches this quote request and no technical team is the default"


@dataclass(frozen=True)
class RoutingInput:
    """What routing looks at: plain values, so the rules can be tested without a database."""

    product_line: str | None
    postcode: str | None
    urgency: str | None


def _norm(value: str | None) -> str:
    return "".join((value or "").split()).casefold()


def _line(value: str | None, lines: list[dict]) -> str:
    """The line's key when `value` names one of `lines`, else the text normalised."""
    from server.quotes.product_lines import key_of
    key = key_of(lines, value) if lines else None
    return f"line:{key}" if key is not None else _norm(value)


def matches(rule: RoutingRule, quote: RoutingInput, lines: list[dict] = ()) -> bool:
    """Whether each criterion of `rule` is empty or the quote's; `lines`: the product lines
    (product_lines.product_lines), so that "pièces" meets a rule on "pieces"."""
    if rule.product_line and _line(rule.product_line, lines) != _line(quote.product_line, lines):
        return False
    if rule.postcode_prefix and not _norm(quote.postcode).startswith(_norm(rule.postcode_prefix)):
        return False
    if rule.urgency and rule.urgency != quote.urgency:
        return False
    return True


def choose_team_id(rules: list[RoutingRule], default_team_id: str | None, quote: RoutingInput,
                   lines: list[dict] = ()) -> str | None:
    """The first matching rule's team by priority, else the default team, else None."""
    for rule in sorted(rules, key=lambda r: (r.priority, r.created_at, r.id)):
        if matches(rule, quote, lines):
            return rule.team_id
    return default_team_id


class Router:
    """The rules, the default team and the teams, loaded once for a batch of quotes."""

    def __init__(self, session: Session) -> None:
        self.rules = list(session.scalars(select(RoutingRule)))
        self.teams = {team.id: team for team in session.scalars(select(TechnicalTeam))}
        defaults = sorted((t for t in self.teams.values() if t.is_default), key=lambda t: (t.created_at, t.id))
        self.default_id = defaults[0].id if defaults else None
        from server.quotes.product_lines import product_lines
        self.lines = product_lines(session) if any(r.product_line for r in self.rules) else []

    def team_for(self, quote: RoutingInput) -> TechnicalTeam | None:
        team_id = choose_team_id(self.rules, self.default_id, quote, self.lines)
        return self.teams.get(team_id) if team_id else None


def route(session: Session, quote: RoutingInput) -> TechnicalTeam | None:
    """The team for `quote` according to the rules stored now."""
    return Router(session).team_for(quote)
