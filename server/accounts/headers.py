"""Matching a file's column headers to fields, whatever their case, accents, spaces and
punctuation, in French or in English ("Raison sociale", "Code postal", "Tél.", "Phone"…).

`header_key("Téléphone ")` → "telephone"; ALIASES maps such keys to the fields of
imports.py (ACCOUNT_COLUMNS, `owner_email`); contact_imports.py uses the same keys.
"""
from __future__ import annotations

import re
import unicodedata

_NON_ALNUM = re.compile(r"[^a-z0-9.]+")

# Keys (as header_key gives them) → field. What French CRMs and Excel files call them.
ALIASES = {
    # external_ref
    "ref": "external_ref", "reference": "external_ref", "ref_client": "external_ref", "code": "external_ref",
    "code_client": "external_ref", "numero_client": "external_ref", "n_client": "external_ref",
    "no_client": "external_ref", "id_client": "external_ref", "client_id": "external_ref",
    "customer_id": "external_ref", "account_id": "external_ref", "identifiant": "external_ref",
    # name
    "nom": "name", "raison_sociale": "name", "societe": "name", "entreprise": "name", "client": "name",
    "nom_client": "name", "denomination": "name", "company": "name", "company_name": "name",
    "account_name": "name", "enseigne": "name",
    # address
    "adresse": "address", "adresse_1": "address", "adresse1": "address", "rue": "address", "voie": "address",
    "street": "address", "address_1": "address", "address1": "address", "adresse_postale": "address",
    # postcode
    "code_postal": "postcode", "cp": "postcode", "c_p": "postcode", "postal_code": "postcode",
    "zip": "postcode", "zip_code": "postcode", "zipcode": "postcode", "post_code": "postcode",
    # city
    "ville": "city", "commune": "city", "localite": "city", "town": "city",
    # phone
    "telephone": "phone", "tel": "phone", "tel_fixe": "phone", "telephone_fixe": "phone",
    "phone_number": "phone", "standard": "phone", "portable": "phone", "mobile": "phone",
    # email
    "e_mail": "email", "mail": "email", "courriel": "email", "adresse_e_mail": "email", "adresse_mail": "email",
    # status, tags, notes, coordinates
    "statut": "status", "etat": "status", "etiquettes": "tags", "mots_cles": "tags", "remarques": "notes",
    "commentaire": "notes", "commentaires": "notes", "observations": "notes", "note": "notes",
    "latitude": "lat", "longitude": "lon", "lng": "lon",
    # owner
    "owner": "owner_email", "commercial": "owner_email", "email_commercial": "owner_email",
    "e_mail_commercial": "owner_email", "representant": "owner_email", "responsable": "owner_email",
    "sales_rep": "owner_email", "rep": "owner_email", "owner_e_mail": "owner_email",
    "rep_e_mail": "owner_email", "commercial_e_mail": "owner_email", "sales_rep_e_mail": "owner_email",
    # SIRET: kept as a company field (criteria and duplicates read it there)
    "siret": "custom.siret", "n_siret": "custom.siret", "numero_siret": "custom.siret", "siren": "custom.siren",
}


# The header a report suggests for a missing owner: an English msgid, "Commercial (e-mail)" in
# French; both spellings are aliases above, so a column headed as the report says is read.
OWNER_COLUMN = "Rep (e-mail)"
# …and for missing names: "Raison sociale" in French; both are aliases of `name` above.
NAME_COLUMN = "Company name"
# Column names a report may suggest rather than quote from the file: translated like messages
# (server/i18n.py → translate_report), unlike a file's own headers.
SUGGESTED_COLUMNS = frozenset({OWNER_COLUMN, NAME_COLUMN})


def header_key(name: str) -> str:
    """Lower-case ASCII, words joined by "_": "  Code Postal " → "code_postal", "Tél." → "tel"."""
    text = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode().lower().strip()
    if text.startswith("custom."):
        return "custom." + _NON_ALNUM.sub("_", text[7:]).strip("_.")
    return _NON_ALNUM.sub("_", text.replace(".", " ")).strip("_")


def field_for(name: str) -> str:
    """The field a header names: an alias, or its key (a field or criterion key spelled as is)."""
    key = header_key(name)
    return ALIASES.get(key, key)
