"""One rep's portfolio: accounts with criteria data and segments, and their contacts.

Segments come out of the commercial model: each account is drawn for a target
segment (15/35/50 %), given criteria data that fits it (with the gaps that real
CRMs have), then scored; the stored segment is the score's, never the target.
"""
from __future__ import annotations

import random
import re
import unicodedata
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from server.db import new_id
from server.demo import texts
from server.demo.places import Town, place_near
from server.demo.scoring import axis_scores, segment_of

# A little under 15/35/50: the few accounts whose data never fits their target drift towards A and B.
TARGET_SHARES = (("A", 14), ("B", 34), ("C", 52))
STATUS_BY_TARGET = {
    "A": (("client", 1),),
    "B": (("client", 62), ("prospect", 33), ("former_client", 5)),
    "C": (("client", 48), ("prospect", 27), ("former_client", 16), ("competitor", 9)),
}
# Share of accounts whose field is empty: data coverage is itself something the model shows.
GAPS = {"revenue_last_year": 0.05, "orders_last_year": 0.12, "revenue_trend_3y": 0.25, "employees": 0.15,
        "sector": 0.10, "maintenance_inhouse": 0.35, "purchasing_autonomy": 0.40}
OPENING_HOURS = (
    {d: ["08:00", "12:00", "13:30", "17:30"] for d in ("mon", "tue", "wed", "thu", "fri")},
    {d: ["07:30", "12:00", "13:30", "18:30"] for d in ("mon", "tue", "wed", "thu", "fri", "sat")},
    {d: ["08:30", "12:00", "13:30", "17:00"] for d in ("mon", "tue", "wed", "thu")} | {"fri": ["08:30", "12:00"]},
)


@dataclass
class Portfolio:
    """A rep's accounts and contacts as rows ready for a set-based insert."""

    accounts: list[dict[str, Any]] = field(default_factory=list)
    contacts: list[dict[str, Any]] = field(default_factory=list)
    contacts_of: dict[str, list[dict[str, Any]]] = field(default_factory=dict)


def pick(rng: random.Random, weighted) -> Any:
    values, weights = zip(*weighted)
    return rng.choices(values, weights=weights)[0]


def slug(text: str) -> str:
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]+", "-", ascii_text.lower()).strip("-")


def make_portfolio(*, rng: random.Random, fake, rep_id: str, town: Town, count: int, first_ref: int,
                   definition: dict[str, Any], model_version: int, now: datetime) -> Portfolio:
    portfolio = Portfolio()
    for n in range(count):
        account = _account(rng, fake, town, definition, now)
        account.update(owner_id=rep_id, external_ref=f"CLI-{first_ref + n:06d}", model_version=model_version)
        portfolio.accounts.append(account)
        contacts = _contacts(rng, fake, account)
        portfolio.contacts.extend(contacts)
        portfolio.contacts_of[account["id"]] = contacts
    return portfolio


def _account(rng: random.Random, fake, town: Town, definition: dict[str, Any], now: datetime) -> dict[str, Any]:
    target = pick(rng, TARGET_SHARES)
    status = pick(rng, STATUS_BY_TARGET[target])
    sector = pick(rng, texts.SECTOR_SHARES.items())
    for _ in range(30):  # redraw the data until it scores as the target (nearly always a few tries)
        custom = _criteria(rng, target, status, sector)
        scores = axis_scores(definition, custom)
        segment = segment_of(definition, scores)
        if segment == target:
            break
    commune, lat, lon = place_near(rng, town)
    name, form = _company_name(rng, fake, sector, commune.name)
    created = now - timedelta(days=rng.randint(40, 1000) if status == "prospect" else rng.randint(1100, 3000))
    has_email = rng.random() < 0.8
    return {
        "id": new_id(), "name": f"{name} {form}" if form else name, "status": status, "segment": segment, "computed_segment": segment,
        "segment_override": None, "weight_score": scores["weight"], "potential_score": scores["potential"],
        "address": fake.street_address(), "postcode": commune.postcode, "city": commune.name, "lat": lat, "lon": lon,
        "geo_precision": "address",  # invented addresses, placed as an address geocoder would
        "phone": phone(rng, town.phone_prefix) if rng.random() < 0.95 else None,
        "email": f"contact@{slug(name)[:40]}.fr" if has_email else None,  # the domain leaves out the legal form
        "tags": rng.sample(texts.TAGS, k=pick(rng, ((0, 40), (1, 35), (2, 18), (3, 7)))),
        "custom": custom, "opening_hours": rng.choice(OPENING_HOURS) if rng.random() < 0.3 else None,
        "last_visit_at": None, "next_due_at": None,
        "notes": rng.choice(texts.ACCOUNT_NOTES) if rng.random() < 0.15 else None,
        "field_meta": {}, "created_at": created, "updated_at": created,
    }


def _criteria(rng: random.Random, target: str, status: str, sector: str) -> dict[str, Any]:
    """Criteria data drawn from two latent levels (weight, potential) that fit the target segment."""
    high, low = (0.55, 1.0), (0.0, 0.45)
    if target == "A":
        w, p = rng.uniform(*high), rng.uniform(*high)
    elif target == "C":
        w, p = rng.uniform(*low), rng.uniform(*low)
    elif status == "prospect" or rng.random() < 0.5:
        w, p = rng.uniform(*low), rng.uniform(*high)
    else:
        w, p = rng.uniform(*high), rng.uniform(*low)
    if status == "prospect":
        revenue, orders = 0, 0
    elif status in ("former_client", "competitor"):
        revenue = int(round(10 ** rng.uniform(2.3, 3.6), -1)) if rng.random() < 0.5 else 0
        orders = rng.randint(0, 2) if revenue else 0
    else:
        revenue = int(round(10 ** (3.3 + 2.6 * w + rng.gauss(0, 0.12)), -2))
        orders = max(0, round(1 + 30 * w ** 1.6 + rng.gauss(0, 2)))
    custom = {
        "revenue_last_year": revenue,
        "orders_last_year": orders,
        "revenue_trend_3y": round(-18 + 45 * p + rng.gauss(0, 5), 1),
        "employees": max(1, round(10 ** (0.8 + 2.4 * p + rng.gauss(0, 0.15)))),
        "sector": sector,
        "maintenance_inhouse": rng.random() > 0.25 + 0.55 * p,
        "purchasing_autonomy": rng.random() < 0.25 + 0.65 * p,
    }
    return {key: value for key, value in custom.items() if rng.random() >= GAPS[key]}


def _company_name(rng: random.Random, fake, sector: str, city: str) -> tuple[str, str | None]:
    """The trade name and its legal form (None for farms, associations, public bodies)."""
    pattern, takes_form = rng.choice(texts.COMPANY_PATTERNS[sector])
    name = re.sub(r"\bde ([AEIOUYÉÈÂaeiouy])", r"d'\1", pattern.format(name=fake.last_name(), city=city))
    return name, pick(rng, texts.LEGAL_FORMS) if takes_form else None


def _contacts(rng: random.Random, fake, account: dict[str, Any]) -> list[dict[str, Any]]:
    # cut at 30 characters, never on a hyphen: a label may not end with one (RFC 1035), and the
    # contact's address must pass the same check as any other (the contacts export re-imports)
    domain = account["email"].split("@")[1] if account["email"] else f"{slug(account['name'])[:30].strip('-')}.fr"
    contacts = []
    for n in range(pick(rng, ((1, 15), (2, 30), (3, 30), (4, 25)))):
        first, last = fake.first_name(), fake.last_name()
        roles = ["decision_maker"] if n == 0 else [pick(rng, texts.CONTACT_ROLES[1:])]
        if rng.random() < 0.15:
            extra = pick(rng, texts.CONTACT_ROLES[1:])
            roles = roles if extra in roles else roles + [extra]
        contacts.append({
            "id": new_id(), "account_id": account["id"], "name": f"{first} {last}", "roles": roles,
            "phone": mobile(rng) if rng.random() < 0.85 else None,
            "email": f"{slug(first)}.{slug(last)}@{domain}" if rng.random() < 0.8 else None,
            "field_meta": {}, "created_at": account["created_at"], "updated_at": account["created_at"],
        })
    return contacts


def phone(rng: random.Random, prefix: str) -> str:
    return f"+33 {prefix} " + " ".join(f"{rng.randint(0, 99):02d}" for _ in range(3))


def mobile(rng: random.Random) -> str:
    return f"+33 {rng.choice('67')} " + " ".join(f"{rng.randint(0, 99):02d}" for _ in range(4))
