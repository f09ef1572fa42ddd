"""Set-up shared by the search specs (tests/records/test_search.py, tests/accounts/test_search_table.py):
a rep and its manager in one team, the names a list answers, and a CSV import by the manager."""
from __future__ import annotations

import io

from tests.factories import make_team, make_user, token_headers


def rep_and_manager(session, *, email: str) -> tuple:
    """(rep with `email`, its manager), of a new team, committed."""
    team = make_team(session)
    rep = make_user(session, "rep", team=team, email=email)
    manager = make_user(session, "manager", team=team)
    session.commit()
    return rep, manager


def names(client, headers, path: str) -> list[str]:
    """The `name`s of the items `GET path` lists (status 200 checked), sorted."""
    response = client.get(path, headers=headers)
    assert response.status_code == 200, response.get_json()
    return sorted(item["name"] for item in response.get_json()["items"])


def import_accounts(app, client, manager, csv: str):
    """POST /api/accounts/import of `csv` by `manager`; the response, its status checked (200)."""
    response = client.post("/api/accounts/import", data={"file": (io.BytesIO(csv.encode()), "a.csv")},
                           headers=token_headers(app, manager), content_type="multipart/form-data")
    assert response.status_code == 200, response.get_json()
    return response
