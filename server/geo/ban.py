"""The national address base's geocoder (BAN, https://adresse.data.gouv.fr/outils/api-doc/adresse)
over HTTP, when `GEOCODER_URL` is set (e.g. https://api-adresse.data.gouv.fr).

- one address: `GET {url}/search/?q=…&postcode=…&limit=1` → GeoJSON; the first
  feature's `geometry.coordinates` ([lon, lat]), `properties.type` and `properties.score`;
- many (an import): `POST {url}/search/csv/` with the file in `data` and the columns to
  read in `columns` (and `postcode`) → the same CSV with `latitude`, `longitude`,
  `result_type` and `result_score` appended.

`type` "housenumber" → precision "address", "street" → "street", "locality" and
"municipality" → "commune"; a result scoring under MIN_SCORE is no result. Every
call has a timeout (`GEOCODER_TIMEOUT_S`) and a pace (`GEOCODER_MIN_INTERVAL_S`
between calls, the public API allows about 50 per second per address); answers are
cached per process. A 429, a 5xx, a timeout or a network error raises
GeocoderUnavailable: the caller falls back to the embedded gazetteer (precision
"commune"), and `tournee geocode` (server/geo/cli.py, from cron) tries such accounts
again later.
"""
from __future__ import annotations

import csv
import io
import threading
import time
from functools import lru_cache

import httpx

from server.geo.locate import Position

MIN_SCORE = 0.5
PRECISION = {"housenumber": "address", "street": "street", "locality": "commune", "municipality": "commune"}


class GeocoderUnavailable(Exception):
    """The geocoder did not answer usefully (timeout, 429, 5xx, network): try again later."""


_pace_lock = threading.Lock()
_last_call = [0.0]


def _pace(min_interval_s: float) -> None:
    with _pace_lock:
        wait = _last_call[0] + min_interval_s - time.monotonic()
        if wait > 0:
            time.sleep(wait)
        _last_call[0] = time.monotonic()


def _position(lat, lon, kind, score) -> Position | None:
    try:
        lat, lon, score = float(lat), float(lon), float(score)
    except (TypeError, ValueError):
        return None
    precision = PRECISION.get(kind or "")
    return Position(lat, lon, precision) if precision and score >= MIN_SCORE else None


def _call(method: str, url: str, *, timeout_s: float, min_interval_s: float, **kwargs) -> httpx.Response:
    _pace(min_interval_s)
    try:
        response = httpx.request(method, url, timeout=timeout_s, **kwargs)
    except httpx.HTTPError as exc:
        raise GeocoderUnavailable(f"{type(exc).__name__}: {exc}") from None
    if response.status_code == 429 or response.status_code >= 500:
        raise GeocoderUnavailable(f"HTTP {response.status_code}")
    if response.status_code != 200:
        raise GeocoderUnavailable(f"HTTP {response.status_code}: {response.text[:200]}")
    return response


@lru_cache(maxsize=4096)
def geocode_one(base_url: str, address: str, postcode: str, city: str, timeout_s: float = 5.0,
                min_interval_s: float = 0.02) -> Position | None:
    """One address; None when the base does not know it (cached); GeocoderUnavailable when down."""
    query = " ".join(p for p in (address, postcode, city) if p).strip()
    if len(query) < 3:
        return None
    params = {"q": query[:200], "limit": "1"}
    if postcode and postcode.isdigit() and len(postcode) == 5:
        params["postcode"] = postcode
    response = _call("GET", base_url.rstrip("/") + "/search/", params=params, timeout_s=timeout_s,
                     min_interval_s=min_interval_s)
    try:
        features = response.json().get("features") or []
    except ValueError:
        raise GeocoderUnavailable("not JSON") from None
    if not features:
        return None
    lon, lat = features[0]["geometry"]["coordinates"][:2]
    properties = features[0].get("properties", {})
    return _position(lat, lon, properties.get("type"), properties.get("score"))


def geocode_batch(base_url: str, rows: list[tuple[str, str, str]], *, timeout_s: float = 30.0,
                  min_interval_s: float = 0.02) -> list[Position | None]:
    """[(address, postcode, city)] → a position or None each, in one call to the CSV endpoint."""
    if not rows:
        return []
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(["n", "adresse", "postcode", "ville"])
    for n, (address, postcode, city) in enumerate(rows):
        writer.writerow([n, address or "", postcode or "", city or ""])
    files = {"data": ("adresses.csv", out.getvalue().encode(), "text/csv")}
    data = {"columns": ["adresse", "ville"], "postcode": "postcode"}
    response = _call("POST", base_url.rstrip("/") + "/search/csv/", files=files, data=data, timeout_s=timeout_s,
                     min_interval_s=min_interval_s)
    found: list[Position | None] = [None] * len(rows)
    for record in csv.DictReader(io.StringIO(response.text.lstrip("\ufeff"))):
        try:
            n = int(record["n"])
        except (KeyError, ValueError):
            continue
        if 0 <= n < len(rows):
            found[n] = _position(record.get("latitude"), record.get("longitude"), record.get("result_type"),
                                 record.get("result_score"))
    return found
