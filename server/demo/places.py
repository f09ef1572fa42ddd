"""Where the demo happens: the reps' home towns and real communes around each.

Postcodes and town-centre coordinates are the real ones (rounded to ~100 m);
accounts are placed near a commune's centre with a jitter of at most 2 km, so
points stay on land, in the commune's neighbourhood, and within an easy drive of
the rep's home base.
"""
from __future__ import annotations

import math
import random
from dataclasses import dataclass


@dataclass(frozen=True)
class Commune:
    name: str
    postcode: str
    lat: float
    lon: float


@dataclass(frozen=True)
class Town:
    """A rep's home base, its telephone area prefix and the communes of its portfolio.

    The home's address comes as a company's files give it, in three fields: `street`,
    `postcode`, and the town's `name` as the city."""

    name: str
    street: str
    postcode: str
    lat: float
    lon: float
    phone_prefix: str  # "3 80": the first digits after +33
    communes: tuple[Commune, ...]


def _c(name: str, postcode: str, lat: float, lon: float) -> Commune:
    return Commune(name, postcode, lat, lon)


TOWNS: tuple[Town, ...] = (
    Town("Dijon", "Place de la Libération", "21000", 47.3220, 5.0415, "3 80", (
        _c("Dijon", "21000", 47.3220, 5.0415), _c("Chenôve", "21300", 47.2917, 5.0083),
        _c("Talant", "21240", 47.3367, 5.0050), _c("Fontaine-lès-Dijon", "21121", 47.3417, 5.0200),
        _c("Quetigny", "21800", 47.3133, 5.1067), _c("Chevigny-Saint-Sauveur", "21800", 47.3000, 5.1333),
        _c("Longvic", "21600", 47.2883, 5.0633), _c("Saint-Apollinaire", "21850", 47.3333, 5.0833),
        _c("Marsannay-la-Côte", "21160", 47.2717, 4.9900), _c("Plombières-lès-Dijon", "21370", 47.3383, 4.9667),
        _c("Genlis", "21110", 47.2417, 5.2233), _c("Is-sur-Tille", "21120", 47.5217, 5.1067),
        _c("Nuits-Saint-Georges", "21700", 47.1367, 4.9500), _c("Gevrey-Chambertin", "21220", 47.2267, 4.9683),
        _c("Auxonne", "21130", 47.1933, 5.3883),
    )),
    Town("Beaune", "Place Carnot", "21200", 47.0250, 4.8397, "3 80", (
        _c("Beaune", "21200", 47.0250, 4.8397), _c("Savigny-lès-Beaune", "21420", 47.0633, 4.8183),
        _c("Chorey-les-Beaune", "21200", 47.0467, 4.8717), _c("Pommard", "21630", 47.0083, 4.7917),
        _c("Meursault", "21190", 46.9783, 4.7700), _c("Ladoix-Serrigny", "21550", 47.0667, 4.8867),
        _c("Aloxe-Corton", "21420", 47.0650, 4.8650), _c("Chagny", "71150", 46.9100, 4.7533),
        _c("Seurre", "21250", 47.0000, 5.1500), _c("Bligny-sur-Ouche", "21360", 47.1067, 4.6633),
        _c("Nolay", "21340", 46.9517, 4.6333), _c("Santenay", "21590", 46.9083, 4.6967),
        _c("Arnay-le-Duc", "21230", 47.1333, 4.4833), _c("Corgoloin", "21700", 47.0867, 4.9000),
    )),
    Town("Dole", "Place Grévy", "39100", 47.0925, 5.4897, "3 84", (
        _c("Dole", "39100", 47.0925, 5.4897), _c("Tavaux", "39500", 47.0333, 5.4000),
        _c("Damparis", "39500", 47.0750, 5.4167), _c("Choisey", "39100", 47.0650, 5.4600),
        _c("Foucherans", "39100", 47.0883, 5.4550), _c("Authume", "39100", 47.1250, 5.5000),
        _c("Saint-Aubin", "39410", 47.0317, 5.3283), _c("Sampans", "39100", 47.1283, 5.4500),
        _c("Mont-sous-Vaudrey", "39380", 46.9767, 5.6000), _c("Chaussin", "39120", 46.9667, 5.4083),
        _c("Rochefort-sur-Nenon", "39700", 47.1000, 5.5617), _c("Orchamps", "39700", 47.1467, 5.6583),
        _c("Montmirey-le-Château", "39290", 47.2217, 5.5317),
    )),
    Town("Auxerre", "Place de l'Hôtel de Ville", "89000", 47.7986, 3.5672, "3 86", (
        _c("Auxerre", "89000", 47.7986, 3.5672), _c("Monéteau", "89470", 47.8483, 3.5817),
        _c("Appoigny", "89380", 47.8750, 3.5267), _c("Saint-Georges-sur-Baulche", "89000", 47.8000, 3.5250),
        _c("Perrigny", "89000", 47.8267, 3.5367), _c("Chevannes", "89240", 47.7483, 3.4933),
        _c("Champs-sur-Yonne", "89290", 47.7350, 3.6000), _c("Vincelles", "89290", 47.7033, 3.6333),
        _c("Chablis", "89800", 47.8147, 3.7989), _c("Seignelay", "89250", 47.9067, 3.6017),
        _c("Saint-Florentin", "89600", 47.9983, 3.7283), _c("Migennes", "89400", 47.9650, 3.5183),
        _c("Toucy", "89130", 47.7350, 3.2950), _c("Irancy", "89290", 47.7133, 3.6533),
    )),
    Town("Chalon-sur-Saône", "Place de l'Hôtel de Ville", "71100", 46.7806, 4.8539, "3 85", (
        _c("Chalon-sur-Saône", "71100", 46.7806, 4.8539), _c("Saint-Rémy", "71100", 46.7633, 4.8350),
        _c("Châtenoy-le-Royal", "71880", 46.7950, 4.8117), _c("Saint-Marcel", "71380", 46.7767, 4.8883),
        _c("Champforgeuil", "71530", 46.8200, 4.8350), _c("Givry", "71640", 46.7817, 4.7433),
        _c("Crissey", "71530", 46.8167, 4.8867), _c("Lux", "71100", 46.7533, 4.8667),
        _c("Saint-Loup-de-Varennes", "71240", 46.7233, 4.8617), _c("Sennecey-le-Grand", "71240", 46.6417, 4.8667),
        _c("Mercurey", "71640", 46.8400, 4.7200), _c("Verdun-sur-le-Doubs", "71350", 46.8967, 5.0200),
        _c("Ouroux-sur-Saône", "71370", 46.7217, 4.9500), _c("Buxy", "71390", 46.7150, 4.6983),
    )),
)

TIMEZONE = "Europe/Paris"
WORKING_HOURS = {day: ["08:30", "18:00"] for day in ("mon", "tue", "wed", "thu", "fri")} | {"lunch": ["12:00", "14:00", 60]}


def distance_km(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    """Great-circle distance (haversine)."""
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp, dl = p2 - p1, math.radians(lon2 - lon1)
    a = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 6371.0 * 2 * math.asin(math.sqrt(a))


def place_near(rng: random.Random, town: Town) -> tuple[Commune, float, float]:
    """A commune of the town's table, the main town weighted up, and a point ≤ 2 km from its centre."""
    weights = [4.0] + [1.0] * (len(town.communes) - 1)
    commune = rng.choices(town.communes, weights=weights)[0]
    radius_km = 2.0 * math.sqrt(rng.random())  # uniform over the disc
    bearing = rng.uniform(0, 2 * math.pi)
    dlat = radius_km * math.cos(bearing) / 111.2
    dlon = radius_km * math.sin(bearing) / (111.2 * math.cos(math.radians(commune.lat)))
    return commune, round(commune.lat + dlat, 6), round(commune.lon + dlon, 6)
