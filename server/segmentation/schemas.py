"""The commercial model's definition, validated and normalised (unknown keys refused).

A definition has these sections (the default is in defaults.py):

- `criteria`: `{key, label, axis: "weight"|"potential", source: "custom"|"answer"|"field",
  field, type: "number"|"category"|"boolean", bands, max_points, weight}`.
  `label` is one text, shown as it is to every reader (the only form before labels had
  languages), or an object of languages, `{"fr": "…", "en": "…"}`, with French or English at
  least; it is kept as given, and resolved for the reader where a person reads it
  (server/i18n.py → localized).
  `source` says where the value is read: `custom[field]` (default), `custom["answers"][field]`
  (qualitative answers a rep gives on the tablet) or an account column (`field` ∈ FIELD_SOURCES).
  `field` defaults to `key`. `bands` is a list of `{min, max, points}` (number: `min`
  inclusive, `max` exclusive, null = open end, no overlap), `{values: [...], points}`
  (category) or `{value: true|false, points}` (boolean), or `{"categories": {value: points}}`,
  which is stored as category bands. `type` is inferred from the bands when left out.
  `max_points` defaults to the best band's points and may not be lower than it.
- `thresholds`: `{weight, potential}`, 0–100; `mapping`: `high_high`, `high_low`,
  `low_high`, `low_low` (weight first) → "A"|"B"|"C".
- `cadence`: per segment `{visits_per_year, calls_per_year, visit_minutes}`.
- `time_split`: `{A, B, C}`, shares that sum to 1.
- `follow_ups`: `[{after_outcome, task, due_in_days, kind}]`: tasks created after a visit.
- `recurring_visits`: `{segments: ["A"], horizon_days: 28}` (see followups.py).
"""
from __future__ import annotations

import copy
import re
from typing import Any

from marshmallow import Schema, ValidationError, fields, post_load, validate, validates_schema

from server.accounts.models import SEGMENTS
from server.common.fields import UUID
from server.segmentation.defaults import LABELS
from server.visits.models import OUTCOMES

AXES = ("weight", "potential")
SOURCES = ("custom", "answer", "field")
TYPES = ("number", "category", "boolean")
# Account columns a criterion may read directly (source "field").
FIELD_SOURCES = ("status", "postcode", "city", "tags")
MAPPING_KEYS = ("high_high", "high_low", "low_high", "low_low")
SECTIONS = ("criteria", "thresholds", "mapping", "cadence", "time_split", "follow_ups", "recurring_visits")
# Fields of GET /api/commercial-model that a client may send back unchanged in a PUT.
READ_ONLY = ("version", "active", "created_at", "created_by", "id")

_points = fields.Float(required=True, validate=validate.Range(min=0, max=1000))
# Any two-letter code, not only fr and en: a label written in a third language is kept for
# the day the app speaks it (i18n.localized already falls back to it).
_LANGUAGE = re.compile(r"^[a-z]{2}$")


class Label(fields.Field):
    """A label that people read: a text of 1–200 characters, or an object of languages
    (two-letter codes, at most 10) holding `fr` or `en` at least, each a text of 1–200
    characters. Loaded as given; an error names the language it is about (`label.en`)."""

    def _deserialize(self, value, attr, data, **kwargs):
        if isinstance(value, str):
            _check_text(value)
            return value
        if not isinstance(value, dict):
            raise ValidationError("Expected a text or an object of languages.")
        errors: dict[str, list[str]] = {}
        for code, text in value.items():
            try:
                if not isinstance(code, str) or not _LANGUAGE.match(code):
                    raise ValidationError("Expected a two-letter language code.")
                _check_text(text)
            except ValidationError as exc:
                errors[str(code)] = exc.messages
        if errors:
            raise ValidationError(errors)
        if "fr" not in value and "en" not in value:
            raise ValidationError("A label needs French or English.")
        if len(value) > 10:
            raise ValidationError("At most 10 languages.")
        return dict(value)


def _check_text(text: Any) -> None:
    if not isinstance(text, str):
        raise ValidationError("Not a valid string.")
    if not text.strip() or len(text) > 200:  # only spaces would show as nothing
        raise ValidationError("Length must be between 1 and 200.")


class NumberBand(Schema):
    min = fields.Float(allow_none=True, load_default=None)
    max = fields.Float(allow_none=True, load_default=None)
    points = _points

    @validates_schema
    def _ordered(self, data, **_kwargs):
        if data["min"] is not None and data["max"] is not None and data["min"] >= data["max"]:
            raise ValidationError("min must be lower than max.", "max")


class CategoryBand(Schema):
    values = fields.List(fields.Raw(), required=True, validate=validate.Length(min=1))
    points = _points


class BooleanBand(Schema):
    value = fields.Raw(required=True, validate=lambda v: isinstance(v, bool))  # JSON true/false only
    points = _points


class Criterion(Schema):
    key = fields.String(required=True, validate=validate.Regexp(r"^[a-z][a-z0-9_]{0,59}$"))
    label = Label(required=True)
    axis = fields.String(required=True, validate=validate.OneOf(AXES))
    source = fields.String(load_default="custom", validate=validate.OneOf(SOURCES))
    field = fields.String(load_default=None, validate=validate.Length(1, 60))
    type = fields.String(load_default=None, validate=validate.OneOf(TYPES))
    bands = fields.Raw(required=True)
    max_points = fields.Float(load_default=None, validate=validate.Range(min=0, min_inclusive=False))
    weight = fields.Float(required=True, validate=validate.Range(min=0, min_inclusive=False, max=1000))

    @post_load
    def _normalise(self, data, **_kwargs):
        data["field"] = data["field"] or data["key"]
        if data["source"] == "field" and data["field"] not in FIELD_SOURCES:
            raise ValidationError(f"Must be one of: {', '.join(FIELD_SOURCES)}.", "field")
        bands = data["bands"]
        if isinstance(bands, dict):
            if set(bands) != {"categories"} or not isinstance(bands["categories"], dict) or not bands["categories"]:
                raise ValidationError('Expected a list of bands or {"categories": {value: points}}.', "bands")
            bands = [{"values": [value], "points": points} for value, points in bands["categories"].items()]
            data["type"] = data["type"] or "category"
        if not isinstance(bands, list) or not bands:
            raise ValidationError("Expected a non-empty list of bands.", "bands")
        kind = data["type"] or _infer_type(bands)
        band_schema = {"number": NumberBand, "category": CategoryBand, "boolean": BooleanBand}[kind]
        try:
            data["bands"] = band_schema(many=True).load(bands)
        except ValidationError as exc:
            raise ValidationError(exc.messages, "bands") from None
        data["type"] = kind
        if kind == "number":
            _check_no_overlap(data["bands"])
        best = max(band["points"] for band in data["bands"])
        if data["max_points"] is None:
            data["max_points"] = best or 1.0  # all-zero bands: the criterion never scores
        elif data["max_points"] < best:
            raise ValidationError("max_points is lower than a band's points.", "max_points")
        return data


def _infer_type(bands: list) -> str:
    first = bands[0] if isinstance(bands[0], dict) else {}
    if "values" in first:
        return "category"
    if "value" in first:
        return "boolean"
    return "number"


def _check_no_overlap(bands: list[dict[str, Any]]) -> None:
    low = float("-inf")
    for band in sorted(bands, key=lambda b: float("-inf") if b["min"] is None else b["min"]):
        start = float("-inf") if band["min"] is None else band["min"]
        if start < low:
            raise ValidationError("Number bands overlap.", "bands")
        low = float("inf") if band["max"] is None else band["max"]


class Thresholds(Schema):
    weight = fields.Float(required=True, validate=validate.Range(0, 100))
    potential = fields.Float(required=True, validate=validate.Range(0, 100))


_segment = fields.String(required=True, validate=validate.OneOf(SEGMENTS))
Mapping = Schema.from_dict({key: _segment for key in MAPPING_KEYS}, name="Mapping")


class SegmentCadence(Schema):
    visits_per_year = fields.Float(required=True, validate=validate.Range(0, 365))
    calls_per_year = fields.Float(required=True, validate=validate.Range(0, 365))
    visit_minutes = fields.Integer(required=True, validate=validate.Range(5, 600))


Cadence = Schema.from_dict({s: fields.Nested(SegmentCadence, required=True) for s in SEGMENTS}, name="Cadence")
_share = fields.Float(required=True, validate=validate.Range(0, 1))
TimeSplit = Schema.from_dict({s: _share for s in SEGMENTS}, name="TimeSplit")


class FollowUp(Schema):
    after_outcome = fields.String(required=True, validate=validate.OneOf(OUTCOMES))
    task = fields.String(required=True, validate=validate.Length(1, 300))
    due_in_days = fields.Integer(load_default=2, validate=validate.Range(0, 365))
    kind = fields.String(load_default="todo", validate=validate.OneOf(("todo", "call", "email", "visit")))


class RecurringVisits(Schema):
    segments = fields.List(fields.String(validate=validate.OneOf(SEGMENTS)), load_default=lambda: ["A"])
    horizon_days = fields.Integer(load_default=28, validate=validate.Range(1, 180))


class Definition(Schema):
    criteria = fields.List(fields.Nested(Criterion), required=True, validate=validate.Length(min=2, max=100))
    thresholds = fields.Nested(Thresholds, required=True)
    mapping = fields.Nested(Mapping, required=True)
    cadence = fields.Nested(Cadence, required=True)
    time_split = fields.Nested(TimeSplit, required=True)
    follow_ups = fields.List(fields.Nested(FollowUp), load_default=list, validate=validate.Length(max=50))
    recurring_visits = fields.Nested(RecurringVisits, load_default=lambda: RecurringVisits().load({}))

    @validates_schema
    def _whole(self, data, **_kwargs):
        criteria = data.get("criteria") or []
        keys = [c["key"] for c in criteria]
        if len(keys) != len(set(keys)):
            raise ValidationError("Criterion keys must be unique.", "criteria")
        for axis in AXES:
            if criteria and not any(c["axis"] == axis for c in criteria):
                raise ValidationError(f"The {axis} axis needs at least one criterion.", "criteria")
        split = data.get("time_split")
        if split and abs(sum(split.values()) - 1.0) > 0.001:
            raise ValidationError("The shares must add up to 1.", "time_split")


definition_schema = Definition()


def load_definition(body: dict[str, Any], *, base: dict[str, Any] | None = None) -> dict[str, Any]:
    """A validated, normalised definition; raises ValidationError (→ 422).

    Sections left out of `body` are taken from `base` (the active definition), so a
    client may PUT only the thresholds; the read-only fields that GET adds are ignored.
    """
    if not isinstance(body, dict):
        raise ValidationError("Expected an object.", "_schema")
    body = {k: v for k, v in body.items() if k not in READ_ONLY}
    if base is not None:
        body = {**{k: copy.deepcopy(v) for k, v in base.items() if k in SECTIONS}, **body}
    return definition_schema.load(body)


# A definition stored without `follow_ups` (the demo's, an older release's) gets this one;
# an explicit empty list means no automatic task.
DEFAULT_FOLLOW_UPS = [{"after_outcome": "interested", "task": "Envoyer la fiche produit", "due_in_days": 2,
                       "kind": "email"}]


def normalise(definition: dict[str, Any]) -> dict[str, Any]:
    """A stored definition (maybe written by an older release or the demo) in today's shape.

    A default criterion whose label is still the default's French text (stored before the
    defaults had English) gets the default's labels in both languages (defaults.LABELS)."""
    definition = copy.deepcopy(definition)
    definition.setdefault("follow_ups", copy.deepcopy(DEFAULT_FOLLOW_UPS))
    for criterion in definition.get("criteria") or []:
        known = LABELS.get(str(criterion.get("key"))) if isinstance(criterion, dict) else None
        if known and criterion.get("label") == known["fr"]:
            criterion["label"] = dict(known)
    try:
        return definition_schema.load(definition)
    except ValidationError:
        return _lenient(definition)


def _lenient(definition: dict[str, Any]) -> dict[str, Any]:
    """Fill what the scorer needs without rejecting: a stored model must always score."""
    out = copy.deepcopy(definition)
    for criterion in out.get("criteria", []):
        criterion.setdefault("source", "custom")
        criterion["field"] = criterion.get("field") or criterion["key"]
        criterion["type"] = criterion.get("type") or _infer_type(criterion["bands"])
        criterion.setdefault("max_points", max(b["points"] for b in criterion["bands"]) or 1.0)
    out.setdefault("follow_ups", copy.deepcopy(DEFAULT_FOLLOW_UPS))
    out.setdefault("recurring_visits", {"segments": ["A"], "horizon_days": 28})
    return out


# --- request and response shapes of the routes ----------------------------------------

class ImportArgs(Schema):
    dry_run = fields.Boolean(load_default=False)
    kind = fields.String(load_default="accounts", validate=validate.OneOf(("accounts", "contacts")))
    mapping = fields.String(load_default=None)
    # accounts only: the rep new accounts go to when their line names none
    default_owner_id = UUID(load_default=None)
