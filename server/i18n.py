"""The server's words: gettext catalogues (Flask-Babel), French by default (API.md → Language).

- The catalogues are `server/translations/<fr|en>/LC_MESSAGES/messages.po`, committed;
  `init_app` compiles each into its `.mo` when that is missing or older, so `make run`
  and `make test` need no manual step (the `.mo` files are not committed).
- The language of a response: the signed-in user's `locale` when it has one, else the
  request's `Accept-Language` (`fr` or `en`), else French.
- The code writes its messages in English, as msgids. Problem documents are
  translated in one place, as they are rendered (server/errors.py →
  `translate_problem`): `title`, `detail`, field messages and import report reasons; a
  push's rejected results as the push route answers them (`translate_results`).
  A message built with values (`f"No rep {rep_id}."`) is found through its catalogue
  template (`"No rep %(rep_id)s."`): each template becomes a pattern, the values are
  taken back from the text, translated when the catalogue knows them (`account` →
  `compte`), and put into the translation.
"""
from __future__ import annotations

import os
import re
from functools import lru_cache
from pathlib import Path
from typing import Any

from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from flask import Flask, g, has_request_context, request
from flask_babel import Babel, get_locale, gettext, refresh

from server.accounts.headers import SUGGESTED_COLUMNS

LANGUAGES = ("fr", "en")
DEFAULT = "fr"
CATALOGUES = Path(__file__).resolve().parent / "translations"
_PLACEHOLDER = re.compile(r"%\((\w+)\)s")

babel = Babel()


def select_locale() -> str:
    """The user's `locale`, else the best of `Accept-Language`, else French."""
    if not has_request_context():
        return DEFAULT
    # The signed-in user's language; a request without credentials has no user (and `g`
    # may outlive a request where an app context is shared, as in the tests).
    actor = g.get("actor") if request.headers.get("Authorization") else None
    chosen = getattr(actor, "locale", None)
    if chosen in LANGUAGES:
        return chosen
    return request.accept_languages.best_match(LANGUAGES, default=DEFAULT)


def language() -> str:
    """The response's language, "fr" or "en" (select_locale's choice, kept by flask-babel for the
    request); French outside a request."""
    locale = get_locale() if has_request_context() else None
    return locale.language if locale else DEFAULT


def localized(label: str | dict[str, str] | None) -> str:
    """A label that people named (the commercial model's criteria) in the response's language.

    `label` is one text, shown to every reader as it is, or an object of languages
    (`{"fr": "…", "en": "…"}`): the reader's language, else the other one of French and
    English, else any language it has. None or an empty object gives "". Never raises."""
    if not isinstance(label, dict):
        return label if isinstance(label, str) else ""
    mine = language()
    for code in (mine, *(c for c in LANGUAGES if c != mine), *label):
        text = label.get(code)
        if isinstance(text, str) and text:
            return text
    return ""


def compile_catalogues(folder: Path = CATALOGUES) -> None:
    """Write each `messages.mo` from its `messages.po` when it is missing or older."""
    for po in folder.glob("*/LC_MESSAGES/messages.po"):
        mo = po.with_suffix(".mo")
        if mo.exists() and mo.stat().st_mtime >= po.stat().st_mtime:
            continue
        with po.open("rb") as source:
            catalog = read_po(source, locale=po.parts[-3])
        tmp = mo.with_suffix(f".mo.{os.getpid()}.tmp")
        with tmp.open("wb") as target:
            write_mo(target, catalog)
        tmp.replace(mo)  # atomic: several workers may start at once


def init_app(app: Flask) -> None:
    folder = CATALOGUES
    try:
        compile_catalogues(folder)
    except OSError:  # installed read-only: compile a copy under the instance folder
        import shutil
        folder = Path(app.instance_path) / "translations"
        shutil.copytree(CATALOGUES, folder, dirs_exist_ok=True)
        compile_catalogues(folder)
    app.config.setdefault("BABEL_DEFAULT_LOCALE", DEFAULT)
    app.config.setdefault("BABEL_TRANSLATION_DIRECTORIES", str(folder))
    babel.init_app(app, locale_selector=select_locale)
    # Flask-Babel keeps the chosen locale in `g`, which lives as long as the app context:
    # forget it at each request so that a context shared by several requests (tests,
    # CLI) does not answer in the language of the first.
    app.before_request(refresh)


@lru_cache(maxsize=1)
def _templates() -> tuple[tuple[re.Pattern, str], ...]:
    """The catalogue's msgids with placeholders, as patterns; the most literal first."""
    with (CATALOGUES / "en" / "LC_MESSAGES" / "messages.po").open("rb") as source:
        ids = [m.id for m in read_po(source) if isinstance(m.id, str) and _PLACEHOLDER.search(m.id)]
    patterns = []
    for msgid in sorted(ids, key=lambda i: -len(_PLACEHOLDER.sub("", i))):
        parts, last = [], 0
        for match in _PLACEHOLDER.finditer(msgid):
            parts.append(re.escape(msgid[last:match.start()].replace("%%", "%")))
            parts.append(f"(?P<{match.group(1)}>.*?)")
            last = match.end()
        parts.append(re.escape(msgid[last:].replace("%%", "%")))
        patterns.append((re.compile("".join(parts) + r"\Z", re.S), msgid))
    return tuple(patterns)


def translate(text: Any) -> Any:
    """`text` in the response's language: an exact msgid, else a template filled back."""
    if not isinstance(text, str) or not text:
        return text
    found = gettext(text)
    if found != text or language() == "en":
        return found
    for pattern, msgid in _templates():
        match = pattern.match(text)
        if match:
            values = {k: _value(v) for k, v in match.groupdict().items()}
            return gettext(msgid, **values)
    return text


def _value(value: str) -> str:
    bare = value.strip("'\"")
    translated = gettext(bare) if bare else bare
    return translated if translated != bare else value


def translate_problem(doc: dict[str, Any]) -> dict[str, Any]:
    """A problem document with its words in the response's language (title, detail, fields, report, warnings)."""
    out = dict(doc)
    for key in ("title", "detail"):
        out[key] = translate(out.get(key))
    if isinstance(out.get("errors"), dict):
        out["errors"] = {field: [translate(m) for m in messages] if isinstance(messages, list) else messages
                         for field, messages in out["errors"].items()}
    for key in ("report", "warnings"):  # an import's refusal: its problems, and its warnings beside them
        if isinstance(out.get(key), list):
            out[key] = translate_report(out[key])
    return out


def translate_results(results: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """A push's results (`[{mutation_id, status, id, …, error?}]`, sync/PROTOCOL.md) with each
    rejected one's `error` in the response's language (translate_problem), in place: a result
    with an error is replaced by a copy, so the ledger's stored result keeps its English msgids
    and a replay is translated again; the others are left as they are, at no cost but a look.
    The list itself, for the caller's convenience."""
    for i, result in enumerate(results):
        if "error" in result:
            results[i] = {**result, "error": translate_problem(result["error"])}
    return results


def translate_report(report: list[Any]) -> list[Any]:
    """An import report's items (`{line, column, message, field, reason}`) with `message` and
    `reason` in the response's language, and `column` too when the report suggests it
    (`suggested`, one of headers.SUGGESTED_COLUMNS) rather than quotes the file: a file headed
    "Rep (e-mail)" is quoted as it is, in French too. `suggested` is dropped; other keys as they are."""
    return [{**{k: v for k, v in item.items() if k != "suggested"},
             **{key: translate(item[key]) for key in ("message", "reason") if key in item},
             # a column the report suggests (not one of the file's headers) is in the reader's words
             **({"column": translate(item["column"])}
                if item.get("suggested") and item.get("column") in SUGGESTED_COLUMNS else {})}
            if isinstance(item, dict) else item for item in report]
