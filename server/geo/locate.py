"""Locating an address: what the server does for an account or a home without lat/lon.

With `GEOCODER_URL` set, the national address base (server/geo/ban.py) first; when it
is down, slow or does not know the address, the embedded gazetteer (commune centres,
offline, precision `"commune"`), so that nothing ever waits on the network for long.
A position set by a person (`"manual"`) is never replaced here.
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


def _commune(postcode: str | None, city: str | None) -> Position | None:
    found = locate_commune(postcode, city)
    return Position(found[0], found[1], "commune") if found else None


def _geocoder():
    """(url, timeout_s, min_interval_s) of the configured HTTP geocoder, or None."""
    try:
        from flask import current_app
        config = current_app.config
    except RuntimeError:  # outside an app (a script): offline only
        return None
    url = config.get("GEOCODER_URL")
    return (url, float(config.get("GEOCODER_TIMEOUT_S", 5)), float(config.get("GEOCODER_MIN_INTERVAL_S", 0.02))) \
        if url else None


def locate(*, address: str | None, postcode: str | None, city: str | None) -> Position | None:
    """The best position known for this address, or None (no usable position)."""
    geocoder = _geocoder()
    if geocoder and address:
        from server.geo import ban
        url, timeout_s, interval_s = geocoder
        try:
            found = ban.geocode_one(url, address or "", postcode or "", city or "", timeout_s, interval_s)
        except ban.GeocoderUnavailable:
            found = None
        if found:
            return found
    return _commune(postcode, city)


def locate_many(rows: list[tuple[str | None, str | None, str | None]]) -> list[Position | None]:
    """[(address, postcode, city)] → positions, one HTTP batch when a geocoder is configured."""
    found: list[Position | None] = [None] * len(rows)
    geocoder = _geocoder()
    with_address = [n for n, row in enumerate(rows) if row[0]]
    if geocoder and with_address:
        from server.geo import ban
        url, timeout_s, interval_s = geocoder
        try:
            from flask import current_app
            batch_timeout_s = float(current_app.config.get("GEOCODER_BATCH_TIMEOUT_S", 60))
            answers = ban.geocode_batch(url, [rows[n] for n in with_address], timeout_s=batch_timeout_s,
                                        min_interval_s=interval_s)
            for n, answer in zip(with_address, answers, strict=True):
                found[n] = answer
        except ban.GeocoderUnavailable:
            pass  # the gazetteer below; `tournee geocode` tries again later
    return [position or _commune(row[1], row[2]) for position, row in zip(found, rows, strict=True)]


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
