"""Product lines: the company's list, each with French and English labels (PRODUCT.md: no raw
value on screen), read by every screen that shows a quote's or a deal's line.

Quotes, deals and routing rules keep the line as text (`product_line`), as tablets wrote it
before the list existed: "moteurs", "Maintenance", "pièces"… `key_of()` maps such a text to
its line whatever its case and accents, through the line's key, labels and `aliases`.
While the company has defined none, the built-in list applies (BUILT_IN), the lines the
demo and the first tablets used.
"""
from __future__ import annotations

from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from server.common.search import fold
from server.quotes.models import ProductLine

BUILT_IN: tuple[dict[str, Any], ...] = (
    {"key": "moteurs", "label": {"fr": "Moteurs", "en": "Motors"}, "aliases": ["moteur"]},
    {"key": "maintenance", "label": {"fr": "Maintenance", "en": "Maintenance"}, "aliases": []},
    {"key": "pieces", "label": {"fr": "Pièces détachées", "en": "Spare parts"}, "aliases": ["pièces"]},
    {"key": "hydraulique", "label": {"fr": "Hydraulique", "en": "Hydraulics"}, "aliases": []},
    {"key": "formation", "label": {"fr": "Formation", "en": "Training"}, "aliases": []},
    {"key": "outillage", "label": {"fr": "Outillage", "en": "Tools"}, "aliases": []},
    {"key": "contrat", "label": {"fr": "Contrat de service", "en": "Service contract"}, "aliases": []},
)


def product_lines(session: Session) -> list[dict[str, Any]]:
    """`[{key, label {fr, en}, aliases [str], position}]`, the company's list or the built-in one."""
    stored = list(session.scalars(select(ProductLine).order_by(ProductLine.position, ProductLine.key)))
    if not stored:
        return [{**line, "position": i} for i, line in enumerate(BUILT_IN)]
    return [{"key": p.key, "label": p.label, "aliases": list(p.aliases or []), "position": p.position} for p in stored]


def names(line: dict[str, Any]) -> list[str]:
    """Every text that means this line: key, both labels, aliases."""
    return [line["key"], *line["label"].values(), *line.get("aliases", [])]


def key_of(lines: list[dict[str, Any]], value: str | None) -> str | None:
    """The key of the line `value` names (case, accents and spacing aside), else None."""
    wanted = fold(value)
    if not wanted:
        return None
    for line in lines:
        if wanted in {fold(n) for n in names(line)}:
            return line["key"]
    return None


def ambiguous(items: list[dict[str, Any]]) -> list[str]:
    """The texts (folded) that would name two lines of `items`."""
    seen: dict[str, str] = {}
    clashes = set()
    for line in items:
        for name in {fold(n) for n in names(line)}:
            if seen.setdefault(name, line["key"]) != line["key"]:
                clashes.add(name)
    return sorted(clashes)


def orphaned(session: Session, lines: list[dict[str, Any]], new: list[dict[str, Any]]) -> set[str]:
    """The lines of `lines` that `new` drops while a quote request, deal or routing rule still
    names them by a text `new` does not know (a line renamed with its old name as an alias is fine)."""
    from server.forecast.models import Opportunity
    from server.quotes.models import QuoteRequest, RoutingRule
    dropped = {line["key"] for line in lines} - {line["key"] for line in new}
    if not dropped:
        return set()
    used: set[str] = set()
    for column in (QuoteRequest.product_line, Opportunity.product_line, RoutingRule.product_line):
        for value in session.scalars(select(column).where(column.is_not(None)).distinct()):
            key = key_of(lines, value)
            if key in dropped and key_of(new, value) is None:
                used.add(key)
    return used


def replace(*, session: Session, items: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The company's whole list at once (PUT); the caller checks `in_use` for the lines it drops."""
    for row in session.scalars(select(ProductLine)):
        session.delete(row)
    session.flush()
    for position, item in enumerate(items):
        session.add(ProductLine(key=item["key"], label=item["label"], aliases=item.get("aliases") or [],
                                position=position))
    session.flush()
    return product_lines(session)
