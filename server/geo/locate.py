"""Locating an address: what the server does for an account or a home without lat/lon.

The embedded gazetteer (commune centres, offline) is the default; its precision is
`"commune"`. A position set by a person (`"manual"`) is never replaced here.
"""
from __future__ import annotations

from dataclasses import dataclass

from server.geo.gazetteer import locate_commune

PRECISIONS = ("address", "street", "commune", "manual")


@dataclass(frozen=True)
class Position:
    lat: float
    lon: float
    precision: str


def locate(*, address: str | None, postcode: str | None, city: str | None) -> Position | None:
    """The best position known for this address offline, or None (no usable position)."""
    found = locate_commune(postcode, city)
    return Position(found[0], found[1], "commune") if found else None


def fill_position(values: dict, *, stored=None) -> None:
    """Complete `values` (an account's or a home's changes) with lat/lon/geo_precision.

    - lat and lon given: a person placed it → "manual" (unless a precision is given).
    - the address changed without lat/lon: located again, unless the stored position is manual.
    Works on dicts with keys address/postcode/city/lat/lon/geo_precision.
    """
    if values.get("lat") is not None and values.get("lon") is not None:
        values.setdefault("geo_precision", "manual")
        return
    if not any(k in values for k in ("address", "postcode", "city")):
        return
    if stored is not None and getattr(stored, "geo_precision", None) == "manual":
        return
    def current(key):
        return values[key] if key in values else getattr(stored, key, None) if stored is not None else None
    position = locate(address=current("address"), postcode=current("postcode"), city=current("city"))
    values["lat"], values["lon"] = (position.lat, position.lon) if position else (None, None)
    values["geo_precision"] = position.precision if position else None
