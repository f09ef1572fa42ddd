"""The demo company's own fields (API.md → Custom fields): what its reps fill in on the tablet."""
from __future__ import annotations

from server.customfields.models import CustomField
from server.quotes.product_lines import BUILT_IN
from server.segmentation.defaults import SECTORS

DEMO_FIELDS = (
    {"key": "siret", "entity": "account", "label": {"fr": "SIRET", "en": "SIRET"}, "type": "text", "position": 0},
    {"key": "parc_machines", "entity": "account", "label": {"fr": "Parc machines", "en": "Machine fleet"},
     "type": "number", "position": 1},
    # The lines of interest are the company's product lines (server/quotes/product_lines.py),
    # those a quote request names: one list, not two that differ.
    {"key": "gamme_interet", "entity": "account", "label": {"fr": "Gammes d’intérêt", "en": "Product lines of interest"},
     "type": "choices", "options": [line["key"] for line in BUILT_IN], "position": 2,
     "option_labels": {line["key"]: line["label"] for line in BUILT_IN}},
    # The default model's "sector" criterion reads this field: a choice, so the rep picks one
    # of the model's categories, and every screen names it in the reader's language.
    {"key": "sector", "entity": "account", "label": {"fr": "Secteur d’activité", "en": "Industry"},
     "type": "choice", "options": list(SECTORS), "position": 3,
     "option_labels": {"aéronautique": {"fr": "Aéronautique", "en": "Aerospace"},
                       "transport": {"fr": "Transport", "en": "Transport"},
                       "industrie": {"fr": "Industrie", "en": "Manufacturing"},
                       "agroalimentaire": {"fr": "Agroalimentaire", "en": "Food industry"},
                       "agriculture": {"fr": "Agriculture", "en": "Agriculture"},
                       "btp": {"fr": "BTP", "en": "Construction"},
                       "négoce": {"fr": "Négoce", "en": "Wholesale trade"},
                       "collectivité": {"fr": "Collectivité", "en": "Local authority"}}},
    {"key": "linkedin", "entity": "contact", "label": {"fr": "Profil LinkedIn", "en": "LinkedIn profile"},
     "type": "text", "position": 0},
)


def make_fields(session) -> None:
    session.add_all(CustomField(**field) for field in DEMO_FIELDS)
