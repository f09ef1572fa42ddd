"""Technical teams and routing rules (admins only) and the routing table itself."""
from __future__ import annotations

import itertools
from datetime import UTC, datetime

import pytest

from server.quotes.models import RoutingRule
from sync.routing import RoutingInput, choose_team_id
from tests.factories import make_account, make_tech_team, make_user
from tests.quotes.helpers import dispatch, quote, submit

HOOK = {"name": "Atelier moteurs", "channel": "webhook", "webhook_url": "https://tech.example/hooks/quotes"}


def test_only_admins_reach_the_admin_endpoints(client, session, headers):
    users = [make_user(session, role) for role in ("rep", "manager", "backoffice", "telemarketer")]
    session.commit()
    endpoints = [("post", "/api/admin/technical-teams"), ("get", "/api/admin/technical-teams"),
                 ("post", "/api/admin/routing-rules"), ("get", "/api/admin/routing-rules"),
                 ("delete", "/api/admin/routing-rules/0190a0b0-0000-7000-8000-000000000001")]
    for user, (method, path) in itertools.product(users, endpoints):
        response = getattr(client, method)(path, json=HOOK if method == "post" else None, headers=headers(user))
        assert response.status_code == 404, (user.role, method, path)
        assert response.mimetype == "application/problem+json"


def test_a_webhook_team_gets_a_secret_shown_once(client, world, headers):
    created = client.post("/api/admin/technical-teams", json=HOOK, headers=headers(world.admin))
    assert created.status_code == 201, created.get_json()
    team = created.get_json()
    assert team["webhook_secret"].startswith("whsec_") and team["has_secret"] and team["enabled"]
    listed = client.get("/api/admin/technical-teams", headers=headers(world.admin)).get_json()
    assert [t["id"] for t in listed] == [team["id"]]
    assert "webhook_secret" not in listed[0] and listed[0]["has_secret"] is True
    given = client.post("/api/admin/technical-teams", json={**HOOK, "webhook_secret": "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"},
                        headers=headers(world.admin))
    assert given.status_code == 201 and given.get_json()["webhook_secret"] == "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"


@pytest.mark.parametrize(("body", "field"), [
    ({"name": "x", "channel": "webhook"}, "webhook_url"),
    ({"name": "x", "channel": "webhook", "webhook_url": "ftp://tech.example/in"}, "webhook_url"),
    ({"name": "x", "channel": "webhook", "webhook_url": "not a url"}, "webhook_url"),
    ({**HOOK, "webhook_secret": "hunter2"}, "webhook_secret"),
    ({**HOOK, "webhook_secret": "whsec_c2hvcnQ="}, "webhook_secret"),
    ({"name": "x", "channel": "email"}, "email"),
    ({"name": "x", "channel": "email", "email": "not-an-address"}, "email"),
    ({"name": "x", "channel": "fax"}, "channel"),
    ({"channel": "inbox"}, "name"),
])
def test_team_settings_are_validated(client, world, headers, body, field):
    response = client.post("/api/admin/technical-teams", json=body, headers=headers(world.admin))
    assert response.status_code == 422, response.get_json()
    assert field in response.get_json()["errors"]


def test_a_disabled_endpoint_is_re_enabled_and_members_are_set(client, session, world, headers):
    team = make_tech_team(session, channel="webhook", webhook_url="https://tech.example/h",
                          webhook_secret="whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw",
                          disabled_at=datetime.now(UTC), disabled_reason="HTTP 410 Gone")
    desk_user = make_user(session, "backoffice")
    session.commit()
    patched = client.patch(f"/api/admin/technical-teams/{team.id}", json={"enabled": True, "member_ids": [desk_user.id]},
                           headers=headers(world.admin))
    assert patched.status_code == 200, patched.get_json()
    assert (patched.get_json()["enabled"], patched.get_json()["disabled_at"]) == (True, None)
    assert patched.get_json()["member_ids"] == [desk_user.id]
    wrong = client.patch(f"/api/admin/technical-teams/{team.id}", json={"member_ids": [world.rep.id]},
                         headers=headers(world.admin))
    assert wrong.status_code == 422 and "member_ids" in wrong.get_json()["errors"]
    unreachable = client.patch(f"/api/admin/technical-teams/{team.id}", json={"channel": "email"},
                               headers=headers(world.admin))
    assert unreachable.status_code == 422 and "email" in unreachable.get_json()["errors"]


def test_routing_rules_are_created_listed_by_priority_and_deleted(client, session, world, headers):
    team = make_tech_team(session)
    session.commit()
    admin = headers(world.admin)
    late = client.post("/api/admin/routing-rules", json={"team_id": team.id, "urgency": "urgent", "priority": 50},
                       headers=admin)
    early = client.post("/api/admin/routing-rules", json={"team_id": team.id, "product_line": "moteurs",
                                                          "postcode_prefix": "21", "urgency": None, "priority": 10},
                        headers=admin)
    assert (late.status_code, early.status_code) == (201, 201), (late.get_json(), early.get_json())
    listed = client.get("/api/admin/routing-rules", headers=admin).get_json()
    assert [r["id"] for r in listed] == [early.get_json()["id"], late.get_json()["id"]]
    assert client.post("/api/admin/routing-rules", json={"team_id": world.rep.id, "priority": 1},
                       headers=admin).status_code == 422
    assert client.post("/api/admin/routing-rules", json={"team_id": team.id, "urgency": "asap"},
                       headers=admin).status_code == 422
    assert client.delete(f"/api/admin/routing-rules/{late.get_json()['id']}", headers=admin).status_code == 204
    assert client.delete(f"/api/admin/routing-rules/{late.get_json()['id']}", headers=admin).status_code == 404
    assert len(client.get("/api/admin/routing-rules", headers=admin).get_json()) == 1


def rule(team_id, priority, product_line=None, postcode_prefix=None, urgency=None, n=0):
    return RoutingRule(id=f"r{n}", team_id=team_id, priority=priority, product_line=product_line,
                       postcode_prefix=postcode_prefix, urgency=urgency, created_at=datetime(2026, 1, 1, 0, n, tzinfo=UTC))


RULES = [
    rule("urgent-team", 1, urgency="urgent", n=1),
    rule("engines-21", 10, product_line="Moteurs", postcode_prefix="21", n=2),
    rule("engines", 20, product_line="moteurs", n=3),
    rule("burgundy", 30, postcode_prefix="21", n=4),
    rule("tie-older", 40, postcode_prefix="39", n=5),
    rule("tie-newer", 40, postcode_prefix="39", n=6),
]


@pytest.mark.parametrize(("product_line", "postcode", "urgency", "team"), [
    ("moteurs", "21000", "urgent", "urgent-team"),  # lowest priority number first
    ("MOTEURS", "21 200", "normal", "engines-21"),  # case and spaces ignored
    ("moteurs", "71100", "normal", "engines"),
    ("hélices", "21000", "normal", "burgundy"),
    ("hélices", "39100", "normal", "tie-older"),  # same priority: the older rule
    ("hélices", "89000", "normal", "default"),  # nothing matches: the default team
    (None, None, "normal", "default"),
])
def test_routing_table(product_line, postcode, urgency, team):
    quote_in = RoutingInput(product_line=product_line, postcode=postcode, urgency=urgency)
    assert choose_team_id(list(reversed(RULES)), "default", quote_in) == team
    assert choose_team_id([], None, quote_in) is None


def test_the_dispatcher_routes_by_the_stored_rules(client, session, world, headers):
    default = make_tech_team(session, is_default=True)
    engines = make_tech_team(session)
    urgent = make_tech_team(session)
    session.add_all([RoutingRule(team_id=engines.id, product_line="moteurs", priority=20),
                     RoutingRule(team_id=urgent.id, urgency="urgent", postcode_prefix="21", priority=5)])
    elsewhere = make_account(session, world.rep, postcode="71100")
    session.commit()
    cases = {submit(client, headers(world.rep), world.account, product_line="moteurs", urgency="urgent"): urgent.id,
             submit(client, headers(world.rep), elsewhere, product_line="moteurs", urgency="urgent"): engines.id,
             submit(client, headers(world.rep), elsewhere, product_line="hélices"): default.id}
    assert dispatch().delivered == 3
    assert {quote_id: quote(quote_id).team_id for quote_id in cases} == cases
