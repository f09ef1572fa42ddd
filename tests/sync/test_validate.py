"""sync/validate.py loads what marshmallow's Schema.load loads, and fails as it fails."""
from __future__ import annotations

import pytest
from marshmallow import ValidationError

from server.accounts.schemas import AccountChangesSchema, ContactChangesSchema
from server.syncapi.schemas import PushSchema
from server.visits.schemas import TaskChangesSchema, VisitChangesSchema
from sync import validate

UUID_A = "018e0000-0000-7000-8000-000000000001"
VISIT = {"account_id": UUID_A, "started_at": "2026-11-24T09:30:00Z", "kind": "onsite", "outcome": "quote-requested",
         "notes": "RAS", "maturity": 3, "lat": 47.3, "lon": 5.0}
MUTATION = {"mutation_id": UUID_A, "entity": "visit", "op": "create", "id": UUID_A, "changes": VISIT,
            "client_time": "2026-11-24T09:31:00.120Z"}

CASES = [
    (VisitChangesSchema(), VISIT, False),
    (VisitChangesSchema(), {**VISIT, "maturity": 9}, False),
    (VisitChangesSchema(), {**VISIT, "ended_at": "2026-11-24T08:00:00Z"}, False),  # the schema's own validator
    (VisitChangesSchema(), {k: v for k, v in VISIT.items() if k != "started_at"}, False),
    (VisitChangesSchema(), {**VISIT, "colour": "bleu"}, False),
    (VisitChangesSchema(), {"notes": None}, True),
    # date-times: naive (taken as UTC), with an offset, a bare date, not a date, not a string
    (VisitChangesSchema(), {**VISIT, "started_at": "2026-11-24T09:30:00"}, False),
    (VisitChangesSchema(), {**VISIT, "started_at": "2026-11-24T09:30:00.250+01:00"}, False),
    (VisitChangesSchema(), {**VISIT, "started_at": "2026-11-24"}, False),
    (VisitChangesSchema(), {**VISIT, "started_at": "2026-13-24T09:30:00Z"}, False),
    (VisitChangesSchema(), {**VISIT, "started_at": 1764000000}, False),
    (VisitChangesSchema(), {"started_at": None}, True),
    (AccountChangesSchema(), {"phone": "+33 3 80 00 00 00", "tags": {"add": ["or"], "remove": []}}, True),
    (AccountChangesSchema(), {"custom": {"parc_machines": 3}, "name": "Garage"}, True),
    (AccountChangesSchema(), {"segment_override": {"segment": "A"}}, True),  # nested: its reason stays required
    (AccountChangesSchema(), {"email": "pas un e-mail"}, True),
    (ContactChangesSchema(), {"account_id": UUID_A, "name": "Mme Roy", "roles": ["billing"]}, False),
    (TaskChangesSchema(), {"title": ""}, False),
    (TaskChangesSchema(), {"title": "Rappeler", "due_at": "2026-11-25T10:00:00+01:00"}, False),
    (PushSchema(), {"client_id": "tablet", "mutations": [MUTATION, {**MUTATION, "base_version": 4}]}, False),
    (PushSchema(), {"client_id": "tablet", "mutations": [MUTATION, {**MUTATION, "op": "upsert"}]}, False),
    (PushSchema(), {"client_id": "tablet", "mutations": [MUTATION, "not a mutation"]}, False),
    (PushSchema(), {"client_id": "tablet", "mutations": [{**MUTATION, "extra": 1}], "sent_at": None}, False),
    (PushSchema(), {"mutations": []}, False),
]


@pytest.mark.parametrize(("schema", "data", "partial"), CASES)
def test_load_gives_what_schema_load_gives(schema, data, partial):
    try:
        expected = schema.load(data, partial=tuple(schema.fields) if partial else False)
    except ValidationError as error:
        with pytest.raises(ValidationError) as caught:
            validate.load(schema, data, partial=partial)
        assert caught.value.messages == error.messages
        return
    loaded = validate.load(schema, data, partial=partial)
    assert loaded == expected
    assert list(loaded) == list(expected)  # same order: field_meta and conflicts follow it
    assert repr(loaded) == repr(expected)  # the same types too (a date-time's zone object included)
    # and a valid document took the shortcut (the push's schemas are all simple enough)
    assert validate._fast(schema, data, partial=partial) is not None
