"""Helpers to speak the sync protocol in tests: a tablet with an outbox and a cursor."""
from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

from server.db import new_id


def iso(dt: datetime) -> str:
    return dt.astimezone(UTC).isoformat().replace("+00:00", "Z")


def mutation(entity: str, op: str, record_id: str, changes: dict[str, Any] | None = None, *,
             base_version: int | None = None, client_time: datetime | None = None,
             mutation_id: str | None = None) -> dict[str, Any]:
    m = {"mutation_id": mutation_id or new_id(), "entity": entity, "op": op, "id": record_id,
         "changes": changes or {}, "client_time": iso(client_time or datetime.now(UTC))}
    if base_version is not None:
        m["base_version"] = base_version
    return m


class Tablet:
    """A client of the sync API: pushes through `client`, keeps a cursor and a replica."""

    def __init__(self, client, headers: dict[str, str], client_id: str | None = None) -> None:
        self.client, self.headers = client, headers
        self.client_id = client_id or new_id()
        self.cursor = "0"
        self.replica: dict[tuple[str, str], dict[str, Any]] = {}

    def push(self, *mutations: dict[str, Any], expect: int = 200):
        response = self.client.post("/api/sync/push", json={"client_id": self.client_id, "mutations": list(mutations)},
                                    headers=self.headers)
        assert response.status_code == expect, response.get_json()
        return response.get_json()

    def pull(self, limit: int = 500) -> list[dict[str, Any]]:
        seen = []
        while True:
            response = self.client.get(f"/api/sync/pull?since={self.cursor}&limit={limit}", headers=self.headers)
            assert response.status_code == 200, response.get_json()
            page = response.get_json()
            for change in page["changes"]:
                key = (change["entity"], change["id"])
                if change["op"] == "delete":
                    self.replica.pop(key, None)
                else:
                    self.replica[key] = change["data"]
            seen.extend(page["changes"])
            self.cursor = page["cursor"]
            if not page["has_more"]:
                return seen


def later(seconds: float = 0) -> datetime:
    return datetime.now(UTC) + timedelta(seconds=seconds)
