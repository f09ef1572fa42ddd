"""Criterion labels in the reader's language: one text (as models stored before) or
`{"fr", "en"}`; the definition keeps them as given for editing, the explanation and the
coverage show each in the reader's language (its `locale`, else Accept-Language)."""
from __future__ import annotations

import pytest
from sqlalchemy import select

from server.segmentation.defaults import default_definition
from server.segmentation.models import CommercialModel
from tests.segmentation.conftest import definition

REVENUE = {"fr": "CA de l'an dernier", "en": "Last year's revenue"}


def with_labels(**labels):
    """The default definition with some criteria relabelled (key → label)."""
    d = definition()
    for criterion in d["criteria"]:
        criterion["label"] = labels.get(criterion["key"], criterion["label"])
    return d


def labels_of(criteria) -> dict:
    return {c["key"]: c["label"] for c in criteria}


def explanation_labels(client, headers, account_id, who="rep", **extra):
    response = client.get(f"/api/accounts/{account_id}/segment-explanation", headers={**headers(who), **extra})
    assert response.status_code == 200
    return labels_of(response.get_json()["criteria"])


@pytest.mark.parametrize(("chooser", "language"), [("accept-language", "fr"), ("accept-language", "en"),
                                                   ("locale", "fr"), ("locale", "en")])
def test_labels_are_one_text_or_per_language_and_shown_in_the_readers_language(
        client, headers, session, world, accounts, chooser, language):
    body = with_labels(revenue_last_year=REVENUE, orders_last_year="Commandes passées")
    response = client.put("/api/commercial-model", json=body, headers=headers("manager"))
    assert response.status_code == 200, response.get_json()
    # Read for editing: each label as it was given, both languages of the one that has them.
    for doc in (response.get_json(), client.get("/api/commercial-model", headers=headers("rep")).get_json()):
        kept = labels_of(doc["criteria"])
        assert (kept["revenue_last_year"], kept["orders_last_year"]) == (REVENUE, "Commandes passées")

    extra = {"Accept-Language": language}
    if chooser == "locale":  # the user's own language wins over its request's (API.md → Language)
        world.rep.locale = world.manager.locale = language
        session.commit()
        extra = {"Accept-Language": "en" if language == "fr" else "fr"}
    shown = explanation_labels(client, headers, accounts.gold.id, **extra)
    assert (shown["revenue_last_year"], shown["orders_last_year"]) == (REVENUE[language], "Commandes passées")
    assert shown["employees"] == {"fr": "Effectif", "en": "Headcount"}[language]
    coverage = client.get("/api/commercial-model/coverage", headers={**headers("manager"), **extra}).get_json()
    assert labels_of(coverage["criteria"])["revenue_last_year"] == REVENUE[language]


@pytest.mark.parametrize(("label", "language", "shown"), [({"en": "Orders"}, "fr", "Orders"),
                                                          ({"fr": "Commandes"}, "en", "Commandes")])
def test_a_label_missing_in_the_readers_language_shows_the_other(client, headers, accounts, label, language, shown):
    body = with_labels(orders_last_year=label)
    assert client.put("/api/commercial-model", json=body, headers=headers("manager")).status_code == 200
    labels = explanation_labels(client, headers, accounts.gold.id, **{"Accept-Language": language})
    assert labels["orders_last_year"] == shown


def test_a_model_stored_with_the_french_default_labels_reads_in_english_too(client, headers, session, accounts):
    """A model stored before the defaults had English (labels as French texts) keeps scoring, and
    its default labels read in both languages; a label the company wrote stays its own."""
    old = default_definition()
    for criterion in old["criteria"]:
        criterion["label"] = criterion["label"]["fr"]
    old["criteria"][3]["label"] = "Salariés sur site"  # employees, renamed by the company
    session.add(CommercialModel(version=1, active=True, definition=old, note="older release"))
    session.commit()
    english = explanation_labels(client, headers, accounts.gold.id, **{"Accept-Language": "en"})
    assert english["revenue_last_year"] == "Revenue last year (€)"
    assert english["employees"] == "Salariés sur site"
    assert labels_of(client.get("/api/commercial-model", headers=headers("manager")).get_json()["criteria"])[
        "sector"] == {"fr": "Secteur d'activité", "en": "Industry"}


@pytest.mark.parametrize(("label", "field", "message"), [
    ("   ", "criteria.0.label", "La longueur doit être comprise entre 1 et 200."),
    (12, "criteria.0.label", "Un texte ou un objet de langues est attendu."),
    ({}, "criteria.0.label", "Un libellé demande le français ou l'anglais."),
    ({"de": "Umsatz"}, "criteria.0.label", "Un libellé demande le français ou l'anglais."),
    ({"fr": "CA", "en": ""}, "criteria.0.label.en", "La longueur doit être comprise entre 1 et 200."),
    ({"fr": "CA", "en": "x" * 201}, "criteria.0.label.en", "La longueur doit être comprise entre 1 et 200."),
    ({"fr": "CA", "EN": "Revenue"}, "criteria.0.label.EN", "Un code de langue à deux lettres est attendu."),
    ({"fr": "CA", "en": ["Revenue"]}, "criteria.0.label.en", "Ce n'est pas un texte."),
], ids=["blank", "number", "no-language", "neither-fr-nor-en", "empty-en", "long-en", "upper-case-code", "list-en"])
def test_a_bad_label_is_a_422_naming_its_field_and_nothing_is_stored(client, headers, session, label, field, message):
    response = client.put("/api/commercial-model", json=with_labels(revenue_last_year=label), headers=headers("manager"))
    assert response.status_code == 422
    assert response.content_type == "application/problem+json"
    assert response.get_json()["errors"] == {field: [message]}
    assert session.scalar(select(CommercialModel.id)) is None
    dry = client.post("/api/commercial-model/dry-run", json=with_labels(revenue_last_year=label),
                      headers=headers("manager"))
    assert dry.status_code == 422 and field in dry.get_json()["errors"]


@pytest.mark.parametrize(("language", "overlap", "axis"), [
    ("fr", "Des tranches numériques se chevauchent.", "L'axe potentiel demande au moins un critère."),
    ("en", "Number bands overlap.", "The potential axis needs at least one criterion."),
])
def test_the_models_own_rules_answer_in_the_readers_language(client, headers, language, overlap, axis):
    """The rules a model breaks (bands that overlap, an axis left empty) read in the reader's
    language, not in the English the code writes them in."""
    overlapping = definition()
    revenue = next(c for c in overlapping["criteria"] if c["key"] == "revenue_last_year")
    revenue["bands"] = [{"min": 0, "max": 100, "points": 1}, {"min": 50, "max": 200, "points": 2}]
    no_potential = definition()
    no_potential["criteria"] = [c for c in no_potential["criteria"] if c["axis"] == "weight"]
    for body, expected in ((overlapping, overlap), (no_potential, axis)):
        response = client.put("/api/commercial-model", json=body,
                              headers={**headers("manager"), "Accept-Language": language})
        assert response.status_code == 422
        messages = [m for ms in response.get_json()["errors"].values() for m in ms]
        assert expected in messages, messages
