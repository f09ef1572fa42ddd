"""Plain-text rendering of a quote request (e-mail body and subject)."""

from sync.channels.text import render_quote_subject, render_quote_text

QUOTE = {
    "id": "0b7e6f1c-3d1a-4c61-9d2e-5f0a8e2b4c11",
    "product_line": "Compresseurs",
    "urgency": "urgent",
    "notes": "Accès par le quai n°3.\nLivraison avant fin mars.",
    "created_at": "2025-03-04T09:30:00Z",
    "items": [
        {"label": "Compresseur à vis 7,5 kW", "quantity": 2, "unit": "pièce"},
        {"label": "Flexible", "quantity": 12.5, "unit": "m"},
    ],
    "account": {
        "name": "Aéro-Maintenance", "address": "12 rue des Hangars", "postcode": "31700",
        "city": "Blagnac", "phone": "05 61 00 00 00", "email": "achats@aero.example",
    },
    "contact": {"name": "Marie Curie", "roles": ["decision maker"], "phone": "06 12 34 56 78"},
    "rep": {"name": "Jean Martin"},
}


def test_french_rendering_shows_everything_the_technical_team_needs():
    text = render_quote_text(QUOTE)

    lines = text.splitlines()
    assert lines[:2] == ["Demande de devis URGENTE", "========================"]
    assert "Client      : Aéro-Maintenance" in lines
    assert "Adresse     : 12 rue des Hangars, 31700 Blagnac" in lines
    assert "Contact     : Marie Curie (decision maker) — 06 12 34 56 78" in lines
    assert "Commercial  : Jean Martin" in lines
    assert "Gamme       : Compresseurs" in lines
    assert "Urgence     : urgente" in lines
    assert "Accès par le quai n°3.\nLivraison avant fin mars." in text
    assert lines[-1] == "Référence : 0b7e6f1c-3d1a-4c61-9d2e-5f0a8e2b4c11"


def test_items_are_an_aligned_table():
    lines = render_quote_text(QUOTE).splitlines()

    start = lines.index("Articles") + 2
    assert lines[start:start + 4] == [
        "  Désignation               Quantité  Unité",
        "  ------------------------  --------  -----",
        "  Compresseur à vis 7,5 kW         2  pièce",
        "  Flexible                      12,5  m",
    ]


def test_english_rendering():
    text = render_quote_text({**QUOTE, "urgency": "normal"}, lang="en")

    assert text.startswith("Quote request\n=============\n")
    assert "Sales rep    : Jean Martin" in text
    assert "Urgency      : normal" in text
    assert "  Flexible                      12.5  m" in text.splitlines()


def test_missing_fields_show_a_dash():
    text = render_quote_text({"items": [], "rep_name": "Jean Martin"})

    assert "Client      : —" in text
    assert "Commercial  : Jean Martin" in text
    assert "(aucun article)" in text
    assert "Notes" not in text


def test_subject_lines():
    assert render_quote_subject(QUOTE) == (
        "[Tournée] Demande de devis URGENTE — Aéro-Maintenance — Compresseurs")
    assert render_quote_subject({**QUOTE, "urgency": "normal"}, lang="en") == (
        "[Tournée] Quote request — Aéro-Maintenance — Compresseurs")
    assert render_quote_subject({"account": {"name": "A\nB"}}) == "[Tournée] Demande de devis — A B"
