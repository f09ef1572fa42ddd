"""Travel-time models for tour planning.

Owns one small interface, :class:`TravelModel`: given a list of (lat, lon) points it
returns two square matrices, driving minutes and driving kilometres, indexed like the
points (`matrices`), and the driving minutes from one point to each of many and back
(`legs`: a rep's whole due list from home base, without the square of it). Two models
implement it: :class:`HaversineTravel` (offline, no dependency) and :class:`OsrmTravel`
(an OSRM server's table service, falling back to haversine).
"""

from __future__ import annotations

import logging
import math
from collections.abc import Sequence
from typing import Protocol

import httpx

log = logging.getLogger(__name__)

Point = tuple[float, float]  # (lat, lon) in degrees
Matrix = list[list[float]]

EARTH_RADIUS_KM = 6371.0088


class TravelModel(Protocol):
    def matrices(self, points: Sequence[Point]) -> tuple[Matrix, Matrix]:
        """Return (minutes, km) between every pair of points."""
        ...

    def legs(self, home: Point, points: Sequence[Point]) -> tuple[list[float], list[float]]:
        """Return (minutes from `home` to each point, minutes from each point back to `home`)."""
        ...


def great_circle_km(a: Point, b: Point) -> float:
    lat1, lon1, lat2, lon2 = map(math.radians, (a[0], a[1], b[0], b[1]))
    h = (
        math.sin((lat2 - lat1) / 2) ** 2
        + math.cos(lat1) * math.cos(lat2) * math.sin((lon2 - lon1) / 2) ** 2
    )
    return 2 * EARTH_RADIUS_KM * math.asin(min(1.0, math.sqrt(h)))


class HaversineTravel:
    """Great-circle distance × a road factor, driven at a constant average speed.

    1.3 is the usual detour ratio of French roads between villages and towns; 50 km/h
    is a fair door-to-door average for a rep mixing towns and departmental roads.
    """

    def __init__(self, road_factor: float = 1.3, speed_kmh: float = 50.0) -> None:
        if road_factor < 1 or speed_kmh <= 0:
            raise ValueError("road_factor must be >= 1 and speed_kmh > 0")
        self.road_factor = road_factor
        self.speed_kmh = speed_kmh

    def matrices(self, points: Sequence[Point]) -> tuple[Matrix, Matrix]:
        km = [[great_circle_km(a, b) * self.road_factor for b in points] for a in points]
        minutes = [[d / self.speed_kmh * 60 for d in row] for row in km]
        return minutes, km

    def legs(self, home: Point, points: Sequence[Point]) -> tuple[list[float], list[float]]:
        there = [great_circle_km(home, p) * self.road_factor / self.speed_kmh * 60 for p in points]
        return there, list(there)


class OsrmTravel:
    """Driving times from an OSRM server's table service.

    Any failure (server down, timeout, bad answer) falls back to ``fallback`` for the
    whole matrix; a single unreachable pair (OSRM answers ``null``) falls back for that
    pair only. A plan with estimated times beats no plan for a rep in the car. `legs`
    asks for `LEGS_PER_TABLE` points at a time, one row and one column of the table each
    (OSRM bounds sources × destinations, not the points named); after a failure, the rest
    of its points are estimated too.
    """

    LEGS_PER_TABLE = 100

    def __init__(
        self,
        base_url: str,
        client: httpx.Client | None = None,
        *,
        timeout_s: float = 5.0,
        profile: str = "driving",
        fallback: TravelModel | None = None,
    ) -> None:
        self.base_url = base_url.rstrip("/")
        self.client = client
        self.timeout_s = timeout_s
        self.profile = profile
        self.fallback: TravelModel = fallback or HaversineTravel()

    def matrices(self, points: Sequence[Point]) -> tuple[Matrix, Matrix]:
        if len(points) < 2:
            return self.fallback.matrices(points)
        try:
            durations, distances = self._table(points)
        except (httpx.HTTPError, ValueError, KeyError, TypeError) as exc:
            log.warning("OSRM table failed (%s); using the fallback travel model", exc)
            return self.fallback.matrices(points)
        est_min, est_km = self.fallback.matrices(points)
        n = len(points)
        minutes = [
            [est_min[i][j] if durations[i][j] is None else durations[i][j] / 60 for j in range(n)]
            for i in range(n)
        ]
        km = [
            [est_km[i][j] if distances[i][j] is None else distances[i][j] / 1000 for j in range(n)]
            for i in range(n)
        ]
        return minutes, km

    def legs(self, home: Point, points: Sequence[Point]) -> tuple[list[float], list[float]]:
        there: list[float] = []
        back: list[float] = []
        for start in range(0, len(points), self.LEGS_PER_TABLE):
            part = points[start:start + self.LEGS_PER_TABLE]
            est_there, est_back = self.fallback.legs(home, part)
            try:
                # Row 0 of the table (home to every point), then its column 0 (every point home).
                row = self._get([home, *part], {"sources": "0", "annotations": "duration"})["durations"]
                column = self._get([home, *part], {"destinations": "0", "annotations": "duration"})["durations"]
                out, ret = row[0][1:], [r[0] for r in column[1:]]
                if len(row) != 1 or len(out) != len(part) or len(ret) != len(part):
                    raise ValueError("OSRM table has the wrong shape")
            except (httpx.HTTPError, ValueError, KeyError, TypeError, IndexError) as exc:
                log.warning("OSRM table failed (%s); using the fallback travel model", exc)
                rest_there, rest_back = self.fallback.legs(home, points[start:])
                return there + rest_there, back + rest_back
            there += [e if s is None else s / 60 for s, e in zip(out, est_there)]
            back += [e if s is None else s / 60 for s, e in zip(ret, est_back)]
        return there, back

    def _table(self, points: Sequence[Point]) -> tuple[list[list[float | None]], ...]:
        body = self._get(points, {"annotations": "duration,distance"})
        durations, distances = body["durations"], body["distances"]
        n = len(points)
        if len(durations) != n or len(distances) != n or any(
            len(row) != n for row in (*durations, *distances)
        ):
            raise ValueError("OSRM table has the wrong shape")
        return durations, distances

    def _get(self, points: Sequence[Point], params: dict[str, str]) -> dict:
        """The table service's answer (code "Ok") for `points` with `params`; raises otherwise."""
        # OSRM wants lon,lat (not lat,lon) and separates points with ';'.
        coords = ";".join(f"{lon:.6f},{lat:.6f}" for lat, lon in points)
        url = f"{self.base_url}/table/v1/{self.profile}/{coords}"
        if self.client is not None:
            response = self.client.get(url, params=params, timeout=self.timeout_s)
        else:
            with httpx.Client(timeout=self.timeout_s) as client:
                response = client.get(url, params=params)
        response.raise_for_status()
        body = response.json()
        if body.get("code") != "Ok":
            raise ValueError(f"OSRM answered code {body.get('code')!r}")
        return body
