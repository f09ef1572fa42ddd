"""The address geocoder over HTTP against a local server speaking the BAN API's documented
format (https://adresse.data.gouv.fr/outils/api-doc/adresse): GeoJSON for /search/, CSV for
/search/csv/; and what happens when it is slow, says 429 or fails (the gazetteer takes over)."""
from __future__ import annotations

import csv
import io
import json
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from server.geo import ban
from server.geo.gazetteer import warm
from server.geo.locate import locate, locate_many
from tests.live import free_port

KNOWN = {"8 boulevard du port": (46.99, 4.94, "housenumber", 0.93)}


class FakeBan(BaseHTTPRequestHandler):
    mode = "ok"  # "ok" | "slow" | "429" | "500"
    calls: list[str] = []

    def log_message(self, *args):
        pass

    def _refuse(self) -> bool:
        FakeBan.calls.append(self.path)
        if FakeBan.mode == "slow":
            time.sleep(1.5)
        if FakeBan.mode in ("429", "500"):
            self.send_response(int(FakeBan.mode))
            self.end_headers()
            return True
        return False

    def do_GET(self):  # noqa: N802
        if self._refuse():
            return
        from urllib.parse import parse_qs, urlsplit
        query = parse_qs(urlsplit(self.path).query)["q"][0].lower()
        features = [{"type": "Feature", "geometry": {"type": "Point", "coordinates": [lon, lat]},
                     "properties": {"type": kind, "score": score, "label": address}}
                    for address, (lat, lon, kind, score) in KNOWN.items() if address in query]
        self._send("application/json", json.dumps({"type": "FeatureCollection", "features": features}))

    def do_POST(self):  # noqa: N802
        if self._refuse():
            return
        body = self.rfile.read(int(self.headers["Content-Length"])).decode()
        start = body.index("n,adresse")
        sent = body[start:body.index("\r\n--", start)]
        out = io.StringIO()
        writer = csv.writer(out)
        writer.writerow(["n", "adresse", "postcode", "ville", "latitude", "longitude", "result_label", "result_score",
                         "result_type"])
        for record in csv.DictReader(io.StringIO(sent)):
            lat, lon, kind, score = KNOWN.get(record["adresse"].lower(), ("", "", "", ""))
            writer.writerow([*record.values(), lat, lon, record["adresse"], score, kind])
        self._send("text/csv", out.getvalue())

    def _send(self, kind: str, text: str):
        data = text.encode()
        self.send_response(200)
        self.send_header("Content-Type", kind)
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)


@pytest.fixture
def fake_ban(app):
    FakeBan.mode, FakeBan.calls = "ok", []
    server = ThreadingHTTPServer(("127.0.0.1", free_port()), FakeBan)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    app.config.update(GEOCODER_URL=f"http://127.0.0.1:{server.server_port}", GEOCODER_TIMEOUT_S=0.5, GEOCODER_BATCH_TIMEOUT_S=0.5,
                      GEOCODER_MIN_INTERVAL_S=0)
    ban.geocode_one.cache_clear()
    yield FakeBan
    server.shutdown()
    server.server_close()


def test_a_known_address_is_located_at_the_address(fake_ban):
    found = locate(address="8 boulevard du Port", postcode="21200", city="Meursanges")
    assert (found.lat, found.lon, found.precision) == (46.99, 4.94, "address")
    locate(address="8 boulevard du Port", postcode="21200", city="Meursanges")
    assert len(fake_ban.calls) == 1  # cached


def test_an_unknown_address_falls_back_to_its_commune(fake_ban):
    found = locate(address="1 impasse inconnue", postcode="21200", city="Meursanges")
    assert found.precision == "commune" and fake_ban.calls


@pytest.mark.parametrize("mode", ["slow", "429", "500"])
def test_a_geocoder_down_or_slow_never_blocks_the_gazetteer_answers(fake_ban, mode):
    fake_ban.mode = mode
    warm()
    # "slow" answers with the address after 1.5 s: a client that waited past its 0.5 s
    # timeout would get the address, so the commune proves it gave up (no clock asserted).
    found = locate(address="8 boulevard du Port", postcode="21200", city="Meursanges")
    assert found.precision == "commune"
    many = locate_many([("8 boulevard du Port", "21200", "Meursanges"), ("", "39100", "Dole")])
    assert [p.precision for p in many] == ["commune", "commune"]


def test_a_batch_uses_the_csv_endpoint_once(fake_ban):
    rows = [("8 boulevard du Port", "21200", "Meursanges"), ("2 rue nulle", "39100", "Dole"), ("", "99999", "X")]
    found = locate_many(rows)
    assert [p.precision if p else None for p in found] == ["address", "commune", None]
    assert fake_ban.calls == ["/search/csv/"]


def test_an_import_is_located_through_the_batch(app, client, session, fake_ban):
    from sqlalchemy import select

    from server.accounts.models import Account
    from tests.factories import make_team, make_user, token_headers
    team = make_team(session)
    manager = make_user(session, "manager", team=team)
    make_user(session, "rep", team=team, email="rep@test.example")
    session.commit()
    data = ("Code;Nom;Adresse;CP;Ville;Commercial\n"
            "C-1;Garage;8 boulevard du Port;21200;Meursanges;rep@test.example\n").encode("cp1252")
    response = client.post("/api/accounts/import", data={"file": (io.BytesIO(data), "a.csv")},
                           headers=token_headers(app, manager), content_type="multipart/form-data")
    assert response.status_code == 200, response.get_json()
    assert response.get_json()["located"]["address"] == 1
    assert session.scalar(select(Account.geo_precision).where(Account.external_ref == "C-1")) == "address"


def test_tournee_geocode_tries_commune_level_accounts_again_and_leaves_manual_ones(app, runner, session, fake_ban):
    from server.accounts.models import Account
    from tests.factories import make_account, make_user
    rep = make_user(session, "rep")
    waiting = make_account(session, rep, address="8 boulevard du Port", postcode="21200", city="Meursanges",
                           lat=47.0, lon=4.9, geo_precision="commune")
    placed = make_account(session, rep, address="8 boulevard du Port", postcode="21200", city="Meursanges",
                          lat=47.5, lon=5.5, geo_precision="manual")
    session.commit()
    version = waiting.version
    result = runner.invoke(args=["geocode"])
    assert result.exit_code == 0, result.output
    assert "1 account tried, 1 located" in result.output
    session.expire_all()
    again = session.get(Account, waiting.id)
    assert (again.lat, again.lon, again.geo_precision) == (46.99, 4.94, "address") and again.version > version
    assert (session.get(Account, placed.id).lat, session.get(Account, placed.id).geo_precision) == (47.5, "manual")
