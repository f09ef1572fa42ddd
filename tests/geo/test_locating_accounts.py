"""Every account located, or said not to be (API.md → Account files and locations):
through sync and REST, an address without lat/lon is located by the server; a position
set by a person is "manual" and never overwritten by geocoding."""
from __future__ import annotations

import pytest

from server.db import new_id
from server.geo.gazetteer import locate_commune, normalise_commune
from tests.factories import make_team, make_user, token_headers
from tests.sync.helpers import Tablet, mutation


@pytest.fixture
def tablet(app, client, session):
    rep = make_user(session, "rep", team=make_team(session))
    session.commit()
    return Tablet(client, token_headers(app, rep))


def account(tablet, record_id):
    response = tablet.client.get(f"/api/accounts/{record_id}", headers=tablet.headers)
    assert response.status_code == 200
    return response.get_json()


def test_a_new_prospect_with_an_address_is_located_at_its_commune(tablet):
    record_id = new_id()
    tablet.push(mutation("account", "create", record_id, {"name": "Fromagerie", "address": "2 place du Marché",
                                                           "postcode": "21200", "city": "Meursanges"}))
    found = account(tablet, record_id)
    assert found["geo_precision"] == "commune"
    assert found["lat"] == pytest.approx(46.991, abs=0.01) and found["lon"] == pytest.approx(4.944, abs=0.01)


def test_an_unknown_commune_has_no_position_and_says_so(tablet):
    record_id = new_id()
    tablet.push(mutation("account", "create", record_id, {"name": "Nulle part", "postcode": "99999",
                                                           "city": "Atlantide"}))
    found = account(tablet, record_id)
    assert (found["lat"], found["lon"], found["geo_precision"]) == (None, None, None)


def test_a_manual_position_is_never_overwritten_by_geocoding(tablet):
    record_id = new_id()
    tablet.push(mutation("account", "create", record_id, {"name": "Chez Paul", "lat": 47.1, "lon": 4.9}))
    assert account(tablet, record_id)["geo_precision"] == "manual"
    version = account(tablet, record_id)["version"]
    tablet.push(mutation("account", "update", record_id, {"postcode": "21000", "city": "Dijon"},
                         base_version=version))
    found = account(tablet, record_id)
    assert (found["lat"], found["lon"], found["geo_precision"]) == (47.1, 4.9, "manual")


def test_rest_patch_of_an_address_relocates_a_geocoded_account(tablet):
    record_id = new_id()
    tablet.push(mutation("account", "create", record_id, {"name": "Garage", "postcode": "21200",
                                                           "city": "Meursanges"}))
    before = account(tablet, record_id)
    response = tablet.client.patch(f"/api/accounts/{record_id}", headers=tablet.headers,
                                   json={"changes": {"postcode": "39100", "city": "Dole"},
                                         "base_version": before["version"]})
    assert response.status_code == 200, response.get_json()
    after = response.get_json()
    assert after["geo_precision"] == "commune" and after["lat"] == pytest.approx(47.09, abs=0.05)


@pytest.mark.parametrize(("postcode", "city"), [("1000", "Bourg-en-Bresse"), ("21200", "MEURSANGES"),
                                                ("21200", "Ruffey lès Beaune"), (None, "Meursanges")])
def test_the_gazetteer_reads_names_and_postcodes_as_offices_write_them(postcode, city):
    assert locate_commune(postcode, city) is not None


def test_saint_abbreviations_are_read():
    assert normalise_commune("ST-JEAN-DE-LOSNE") == normalise_commune("Saint-Jean-de-Losne")
    assert locate_commune("21170", "St Jean de Losne") == locate_commune("21170", "Saint-Jean-de-Losne")


def test_a_city_of_several_communes_is_placed_only_when_the_postcodes_departement_leaves_one():
    calvados, ardennes = locate_commune("14700", "Falaise"), locate_commune("08400", "Falaise")
    assert None not in (calvados, ardennes) and calvados != ardennes
    # a postcode that serves no commune: the city, told apart by the postcode's first two digits
    assert locate_commune("14XYZ", "Falaise") == calvados and locate_commune("08 XYZ", "Falaise") == ardennes
    assert locate_commune("14999", "Falaise") == calvados
    # nothing tells them apart: no position rather than a guess
    assert locate_commune(None, "Falaise") is None and locate_commune("XYZ14", "Falaise") is None
    assert locate_commune("75XYZ", "Falaise") is None  # a département with no Falaise
