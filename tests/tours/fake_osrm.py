"""A tiny OSRM look-alike on 127.0.0.1 for the travel-model tests: it answers the table
service (`/table/v1/driving/{lon,lat;…}`) with the body a test builds from the points asked
(as (lat, lon)) and the query, and records every path asked."""
from __future__ import annotations

import json
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, HTTPServer
from urllib.parse import parse_qs, urlsplit

Point = tuple[float, float]
Answer = Callable[[list[Point], dict[str, list[str]]], dict]


@contextmanager
def osrm_server(answer: Answer) -> Iterator[tuple[str, list[str]]]:
    """(base URL, paths asked so far) of a server answering `answer(points, query)` as JSON."""
    seen: list[str] = []

    class Table(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            url = urlsplit(self.path)  # not urlparse: it would cut the path at ";"
            seen.append(self.path)
            points = []
            for pair in url.path.rsplit("/", 1)[-1].split(";"):
                lon, lat = map(float, pair.split(","))
                points.append((lat, lon))
            data = json.dumps(answer(points, parse_qs(url.query))).encode()
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

        def log_message(self, *args) -> None:
            pass

    server = HTTPServer(("127.0.0.1", 0), Table)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_port}", seen
    finally:
        server.shutdown()
        server.server_close()
        thread.join()


def durations(seconds: Callable[[Point, Point], float | None]) -> Answer:
    """An answer of drive `seconds(a, b)` between the points, for the sources and destinations asked
    (all when not named), as OSRM gives them with `annotations=duration`."""
    def answer(points: list[Point], query: dict[str, list[str]]) -> dict:
        def picked(name: str) -> list[int]:
            return [int(i) for i in query[name][0].split(";")] if name in query else list(range(len(points)))
        return {"code": "Ok", "durations": [[seconds(points[i], points[j]) for j in picked("destinations")]
                                            for i in picked("sources")]}
    return answer
