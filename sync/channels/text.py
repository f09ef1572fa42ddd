"""Plain-text rendering of a quote request for people: the e-mail body and subject.

The input is the payload the dispatcher sends on every channel: a ``quote_request``
as API.md describes it, with nested ``account`` and ``contact`` dicts and the rep
as ``rep`` (a dict with ``name``…) or ``rep_name``. Missing fields are shown as a
dash rather than failing: a quote must go out even when the rep typed little.
"""

from __future__ import annotations

from collections.abc import Mapping
from decimal import Decimal
from typing import Any

__all__ = ["render_quote_subject", "render_quote_text"]

DASH = "—"

LABELS: dict[str, dict[str, str]] = {
    "fr": {
        "title": "Demande de devis", "urgent_title": "Demande de devis URGENTE",
        "account": "Client", "address": "Adresse", "phone": "Téléphone", "email": "E-mail",
        "contact": "Contact", "rep": "Commercial", "product_line": "Gamme",
        "urgency": "Urgence", "urgent": "urgente", "normal": "normale",
        "created_at": "Demandée le", "items": "Articles", "label": "Désignation",
        "quantity": "Quantité", "unit": "Unité", "no_items": "(aucun article)",
        "notes": "Notes", "reference": "Référence",
    },
    "en": {
        "title": "Quote request", "urgent_title": "URGENT quote request",
        "account": "Account", "address": "Address", "phone": "Phone", "email": "E-mail",
        "contact": "Contact", "rep": "Sales rep", "product_line": "Product line",
        "urgency": "Urgency", "urgent": "urgent", "normal": "normal",
        "created_at": "Requested at", "items": "Items", "label": "Item",
        "quantity": "Quantity", "unit": "Unit", "no_items": "(no items)",
        "notes": "Notes", "reference": "Reference",
    },
}


def _labels(lang: str) -> dict[str, str]:
    return LABELS.get(lang.split("-")[0].lower(), LABELS["fr"])


def _text(value: Any) -> str:
    return " ".join(str(value).split()) if value not in (None, "") else ""


def _join(*parts: Any, sep: str = ", ") -> str:
    return sep.join(text for text in map(_text, parts) if text)


def _quantity(value: Any, lang: str) -> str:
    if isinstance(value, float | Decimal):
        try:
            value = int(value) if value == int(value) else value
        except (ValueError, OverflowError, ArithmeticError):  # nan, inf
            pass
    text = _text(value)
    # French writes 2,5 m² — but leave strings typed by the rep as they are.
    return text.replace(".", ",") if lang.startswith("fr") and isinstance(value, float | Decimal) else text


def _rep_name(quote: Mapping[str, Any]) -> str:
    rep = quote.get("rep")
    if isinstance(rep, Mapping):
        return _text(rep.get("name"))
    return _text(quote.get("rep_name") or rep)


def _is_urgent(quote: Mapping[str, Any]) -> bool:
    return quote.get("urgency") == "urgent"


def render_quote_subject(quote: Mapping[str, Any], lang: str = "fr") -> str:
    """E.g. ``[Tournée] Demande de devis URGENTE — Garage Dupont — Compresseurs``."""
    labels = _labels(lang)
    account = quote.get("account") or {}
    title = labels["urgent_title"] if _is_urgent(quote) else labels["title"]
    return _join(f"[Tournée] {title}", account.get("name"), quote.get("product_line"), sep=f" {DASH} ")


def _items_table(items: list[Mapping[str, Any]], labels: dict[str, str], lang: str) -> list[str]:
    if not items:
        return [f"  {labels['no_items']}"]
    rows = [
        (_text(item.get("label")) or DASH, _quantity(item.get("quantity"), lang) or DASH, _text(item.get("unit")))
        for item in items
    ]
    header = (labels["label"], labels["quantity"], labels["unit"])
    widths = [max(len(row[col]) for row in [header, *rows]) for col in range(3)]

    def line(row: tuple[str, str, str]) -> str:
        label, quantity, unit = row
        return f"  {label.ljust(widths[0])}  {quantity.rjust(widths[1])}  {unit}".rstrip()

    rule = ("  " + "  ".join("-" * width for width in widths)).rstrip()
    return [line(header), rule, *map(line, rows)]


def render_quote_text(quote: Mapping[str, Any], lang: str = "fr") -> str:
    """The quote request as readable plain text, in French (default) or English."""
    labels = _labels(lang)
    account: Mapping[str, Any] = quote.get("account") or {}
    contact: Mapping[str, Any] = quote.get("contact") or {}
    title = labels["urgent_title"] if _is_urgent(quote) else labels["title"]
    roles = contact.get("roles") or []
    fields = [
        ("account", account.get("name")),
        ("address", _join(account.get("address"), _join(account.get("postcode"), account.get("city"), sep=" "))),
        ("phone", account.get("phone")),
        ("email", account.get("email")),
        ("contact", _join(
            _join(contact.get("name"), f"({', '.join(map(str, roles))})" if roles else "", sep=" "),
            contact.get("phone"), contact.get("email"), sep=f" {DASH} ",
        )),
        ("rep", _rep_name(quote)),
        ("product_line", quote.get("product_line")),
        ("urgency", labels["urgent"] if _is_urgent(quote) else labels["normal"]),
        ("created_at", quote.get("created_at")),
    ]
    width = max(len(labels[key]) for key, _ in fields)
    lines = [title, "=" * len(title), ""]
    lines += [f"{labels[key].ljust(width)} : {_text(value) or DASH}" for key, value in fields]
    lines += ["", labels["items"], "-" * len(labels["items"])]
    lines += _items_table(list(quote.get("items") or []), labels, lang)
    notes = str(quote.get("notes") or "").strip()
    if notes:
        lines += ["", labels["notes"], "-" * len(labels["notes"]), notes]
    if quote.get("id"):
        lines += ["", f"{labels['reference']} : {quote['id']}"]
    return "\n".join(lines) + "\n"
