"""Travel-time models for tour planning.

Owns one small interface, :class:`TravelModel`: given a list of (lat, lon) points it
returns two square matrices, driving minutes and driving kilometres, indexed like the
points. Two models implement it: :class:`HaversineTravel` (offline, no dependency) and
:class:`OsrmTravel` (an OSRM server's table service, falling back to haversine).
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


class OsrmTravel:
    """Driving times from an OSRM server's table service.

    Any failure (server down, timeout, bad answer) falls back to ``fallback`` for the
    whole matrix; a single unreachable pair (OSRM answers ``null``) falls back for that
    pair only. A plan with estimated times beats no plan for a rep in the car.
    """

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

    def _table(self, points: Sequence[Point]) -> tuple[list[list[float | None]], ...]:
        # OSRM wants lon,lat (not lat,lon) and separates points with ';'.
        coords = ";".join(f"{lon:.6f},{lat:.6f}" for lat, lon in points)
        url = f"{self.base_url}/table/v1/{self.profile}/{coords}"
        params = {"annotations": "duration,distance"}
        if self.client is not None:
            response = self.client.get(url, params=params, timeout=self.timeout_s)
        else:
            with httpx.Client(timeout=self.timeout_s) as client:
                response = client.get(url, params=params)
        response.raise_for_status()
        body = response.json()
        if body.get("code") != "Ok":
            raise ValueError(f"OSRM answered code {body.get('code')!r}")
        durations, distances = body["durations"], body["distances"]
        n = len(points)
        if len(durations) != n or len(distances) != n or any(
            len(row) != n for row in (*durations, *distances)
        ):
            raise ValueError("OSRM table has the wrong shape")
        return durations, distances
