"""One source of words on the server: gettext catalogues, French by default, English complete
(API.md → Language). Fails when a message the code can send is missing in either language."""
from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest
from babel.messages.pofile import read_po

from server.i18n import CATALOGUES, LANGUAGES
from tests.factories import make_account, make_quote, make_team, make_user, token_headers

ROOT = Path(__file__).resolve().parents[1]
PROBLEMS = {"Invalid", "NotFound", "Forbidden", "Overlap", "IdConflict", "Immutable", "IllegalTransition",
            "Unauthorized", "Gone", "TooLarge", "NotAllowed", "NoOverride", "MalformedEnvelope", "ClientMismatch",
            "WriteConflict", "Problem", "Issue", "bad",
            "ValidationError"}  # a schema's own messages reach the problem's `errors` as they are
PLACEHOLDER = re.compile(r"%\((\w+)\)s")


def catalogue(lang: str) -> dict[str, str]:
    """msgid → translation; a plural entry gives its singular (first form) and its plural (last form)."""
    out: dict[str, str] = {}
    with (CATALOGUES / lang / "LC_MESSAGES" / "messages.po").open("rb") as source:
        for m in read_po(source):
            if isinstance(m.id, tuple):
                forms = list(m.string)
                if all(forms):  # an empty form leaves its key out: the "every key translated" check fails
                    out[m.id[0]], out[m.id[1]] = forms[0], forms[-1]
            elif m.id:
                out[m.id] = m.string
    return out


def _template(node) -> str | None:
    """A string literal as its msgid; an f-string with its values as %(name)s placeholders."""
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return node.value
    if isinstance(node, ast.JoinedStr):
        return "".join(v.value if isinstance(v, ast.Constant) else "%(x)s" for v in node.values)
    return None


def _sources() -> list[tuple[Path, ast.AST]]:
    return [(path, ast.parse(path.read_text(encoding="utf-8")))
            for path in [*ROOT.glob("server/**/*.py"), *ROOT.glob("sync/**/*.py")] if "migrations" not in path.parts]


def problem_classes(sources) -> set[str]:
    """PROBLEMS and every class of the code deriving from one of them (BadLink(Problem),
    Unbounded(TooLarge)…): a domain's own problem class is checked like the shared ones."""
    bases = {node.name: {getattr(b, "id", getattr(b, "attr", None)) for b in node.bases}
             for _path, tree in sources for node in ast.walk(tree) if isinstance(node, ast.ClassDef)}
    found = set(PROBLEMS)
    while grown := {name for name, parents in bases.items() if name not in found and parents & found}:
        found |= grown
    return found


def messages_in_code() -> dict[str, str]:
    """Every title, detail and field message given to a problem in server/ and sync/ → where."""
    found: dict[str, str] = {}
    sources = _sources()
    problems = problem_classes(sources)
    for path, tree in sources:
        for node in ast.walk(tree):
            texts = []
            if isinstance(node, ast.Call):
                name = getattr(node.func, "id", getattr(node.func, "attr", None))
                if name in problems:
                    texts += node.args[2:3] if name == "Issue" else node.args[:1]
                    for kw in node.keywords:
                        if kw.arg == "errors" and isinstance(kw.value, ast.Dict):
                            texts += [e for v in kw.value.values if isinstance(v, ast.List) for e in v.elts]
            elif isinstance(node, ast.ClassDef):
                for statement in node.body:
                    if isinstance(statement, ast.Assign) and isinstance(statement.value, ast.Tuple) \
                            and len(statement.value.elts) == 3:
                        texts.append(statement.value.elts[2])  # status, kind, title = …
                    elif isinstance(statement, ast.Assign) and any(getattr(t, "id", "") == "title" for t in statement.targets):
                        texts.append(statement.value)
            for text in filter(None, map(_template, texts)):
                found.setdefault(text, f"{path.relative_to(ROOT)}:{node.lineno}")
    return found


def _shape(msgid: str) -> str:
    return PLACEHOLDER.sub("%(x)s", msgid)


def test_both_catalogues_hold_the_same_keys_each_translated():
    fr, en = catalogue("fr"), catalogue("en")
    assert set(LANGUAGES) == {"fr", "en"}
    assert sorted(set(fr) ^ set(en)) == []
    assert [k for k, v in fr.items() if not v] == [] and [k for k, v in en.items() if not v] == []
    for msgid in fr:  # a translation keeps every value of its message
        assert sorted(PLACEHOLDER.findall(fr[msgid])) == sorted(PLACEHOLDER.findall(msgid)), msgid
    untranslated = [k for k, v in fr.items() if v == k and " " in k]
    assert untranslated == [], "French side left in English"


def test_the_problem_classes_of_the_domains_are_checked_too():
    classes = problem_classes(_sources())
    assert {"BadLink", "Inactive", "Unbounded", "TooManyAttempts"} <= classes
    assert "spent, expired or unknown; ask for a new one." in " ".join(messages_in_code())


def test_every_message_the_code_sends_has_a_translation():
    known = {_shape(k) for k in catalogue("fr")}
    missing = {text: where for text, where in messages_in_code().items() if _shape(text) not in known}
    assert missing == {}


@pytest.fixture
def quote_world(app, session):
    team = make_team(session)
    rep = make_user(session, "rep", team=team)
    admin = make_user(session, "admin")
    quote = make_quote(session, make_account(session, rep), rep, status="in_progress")
    session.commit()
    return quote, token_headers(app, admin)


def test_problems_are_in_french_by_default_and_in_english_when_asked(client, quote_world):
    quote, headers = quote_world
    path = f"/api/quotes/{quote.id}/transition"
    french = client.post(path, json={"to": "quoted"}, headers=headers)
    assert french.status_code == 422
    doc = french.get_json()
    assert (doc["title"], doc["detail"]) == ("Saisie invalide", "Chiffrer un devis demande son montant.")
    assert doc["errors"] == {"amount": ["Obligatoire quand le devis est chiffré."]}
    # A user that never chose a language follows its request's Accept-Language…
    asked = client.post(path, json={"to": "quoted"}, headers={**headers, "Accept-Language": "en"}).get_json()
    assert (asked["title"], asked["detail"]) == ("Invalid input", "Quoting needs the amount.")
    from server.extensions import db
    from server.users.models import User

    def choose(locale):
        for user in db.session.scalars(db.select(User)):
            user.locale = locale
        db.session.commit()

    # …and one that chose wins over it (API.md → Language: the user's locale first).
    choose("fr")
    assert client.post(path, json={"to": "quoted"}, headers={**headers, "Accept-Language": "en"}).get_json()[
        "title"] == "Saisie invalide"
    choose("en")
    english = client.post(path, json={"to": "quoted"}, headers=headers)
    doc = english.get_json()
    assert (doc["title"], doc["detail"]) == ("Invalid input", "Quoting needs the amount.")
    assert doc["errors"] == {"amount": ["Required when the quote is quoted."]}


def test_messages_with_values_and_schema_messages_are_translated(client, quote_world):
    quote, headers = quote_world
    missing = client.get("/api/quotes/0190f0e0-0000-7000-8000-000000000000", headers=headers).get_json()
    assert missing["detail"] == "Introuvable : demande de devis 0190f0e0-0000-7000-8000-000000000000."
    bad = client.post(f"/api/quotes/{quote.id}/transition", json={"to": "nowhere", "extra": 1}, headers=headers)
    doc = bad.get_json()
    assert doc["detail"] == "La requête contient des champs invalides."
    assert doc["errors"]["to"] == ["Doit être l'une des valeurs : in_progress, quoted, won, lost."]
    assert doc["errors"]["extra"] == ["Champ inconnu."]
    assert client.get("/api/me").get_json()["title"] == "Connexion requise"
    assert client.get("/api/me", headers={"Accept-Language": "en"}).get_json()["title"] == "Authentication required"


@pytest.mark.parametrize(("language", "expected"), [("fr", "transmise par e-mail"), ("en", "delivered by e-mail")])
def test_the_dispatchers_notes_are_translated_with_their_values(app, language, expected):
    """A channel's note reads in the reader's words, not the channel's key (a user trial read
    "delivered by inbox"); a channel without a note of its own is filled in the template."""
    from server.i18n import translate
    with app.test_request_context(headers={"Accept-Language": language}):
        assert translate("delivered by email") == expected
        assert translate("delivered by inbox") == {"fr": "déposée dans la boîte de réception de l’équipe",
                                                   "en": "delivered to the team’s inbox"}[language]
        assert translate("Typed by a person.") == "Typed by a person."  # not a catalogue message: as it is


def test_no_server_message_hedges_its_plural():
    """"problem(s)", "compte(s)": a count says one or many in words (ngettext, or a message for one)."""
    lazy = re.compile(r"\w\((?:s|e|es|x)\)")
    for lang in LANGUAGES:
        assert [text for text in catalogue(lang).values() if lazy.search(text)] == [], lang
    assert [text for text in messages_in_code() if lazy.search(text)] == []


@pytest.mark.parametrize(("rows", "french", "english"), [
    (1, "1 problème trouvé ; rien n'a été importé.", "1 problem found; nothing was imported."),
    (2, "2 problèmes trouvés ; rien n'a été importé.", "2 problems found; nothing was imported."),
])
def test_a_rejected_import_counts_its_problems_in_words(client, app, session, rows, french, english):
    admin, rep = make_user(session, "admin"), make_user(session, "rep", team=make_team(session))
    session.commit()
    body = "name;postcode;owner\n" + "".join(f";2100{n};{rep.email}\n" for n in range(rows))  # no name on each line

    def send(language):
        from io import BytesIO
        return client.post("/api/accounts/import", data={"file": (BytesIO(body.encode()), "comptes.csv")},
                           headers={**token_headers(app, admin), "Accept-Language": language},
                           content_type="multipart/form-data")
    answers = {language: send(language) for language in ("fr", "en")}
    assert {k: v.status_code for k, v in answers.items()} == {"fr": 422, "en": 422}
    assert answers["fr"].get_json()["detail"] == french
    assert answers["en"].get_json()["detail"] == english


# The tablet's words, one module per language (pwa/lib/i18n/<code>.js): a tablet loads its
# language's alone, so a key missing from one would show as the key, not as the French word.
JS_TOKEN = re.compile(r"'(?:\\.|[^'\\])*'|\"(?:\\.|[^\"\\])*\"|//[^\n]*|/\*.*?\*/|[\w$.]+|\S", re.S)


def tablet_words(code: str) -> dict[str, str]:
    """key → text of pwa/lib/i18n/<code>.js (`export default { key: 'text', 'a.b': "text", … }`)."""
    tokens = [t for t in JS_TOKEN.findall((ROOT / "pwa" / "lib" / "i18n" / f"{code}.js").read_text(encoding="utf-8"))
              if not t.startswith(("//", "/*"))]
    text = lambda token: ast.literal_eval(token) if token[0] in "'\"" else token  # noqa: E731
    return {text(key): text(value) for key, colon, value in zip(tokens, tokens[1:], tokens[2:])
            if colon == ":" and value[0] in "'\""}


def test_the_tablets_words_hold_the_same_keys_in_each_language():
    languages = sorted(p.stem for p in (ROOT / "pwa" / "lib" / "i18n").glob("*.js"))
    assert languages == sorted(LANGUAGES)
    fr = tablet_words("fr")
    assert len(fr) > 200 and fr["logVisit"] == "Saisir une visite" and fr["overdue"] == "En retard de {n} j"
    for code in languages:
        words = tablet_words(code)
        assert sorted(set(words) ^ set(fr)) == [], code
        assert [k for k, v in words.items() if sorted(re.findall(r"\{\w+\}", v)) != sorted(re.findall(r"\{\w+\}", fr[k]))] == [], code
