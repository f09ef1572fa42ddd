"""What a chosen password must be (invitation, reset, change): said in words on the form too.

Rules, after NIST SP 800-63B §5.1.1.2 and ANSSI's guide on passwords: at least 12
characters, or a passphrase of at least 4 words; not the user's e-mail (nor its part
before the @), nor too close to it or to the user's name (`too_close`, after Django's
UserAttributeSimilarityValidator), nor made of them among other words (`contains_name`: "Keller
Marc Strasbourg 2026" for Marc Keller, which no similarity ratio catches); not one of the 30,000 most common passwords of the
list that the `zxcvbn` package ships (Dropbox's zxcvbn, from leaked-password corpora).
"""
from __future__ import annotations

import re
import unicodedata
from difflib import SequenceMatcher
from functools import lru_cache

MIN_LENGTH = 12
MIN_WORDS = 4
MAX_LENGTH = 1024
MAX_SIMILARITY = 0.7  # Django's default


@lru_cache(maxsize=1)
def _common() -> frozenset[str]:
    from zxcvbn.frequency_lists import FREQUENCY_LISTS
    return frozenset(FREQUENCY_LISTS["passwords"])


def problems(password: str, *, email: str, name: str) -> list[str]:
    """The rules `password` breaks, as sentences (empty when it is acceptable); `email` and
    `name` are the user's, as stored. The sentences are msgids: the problem document is
    translated as it is rendered (server/i18n.py)."""
    found = []
    words = [w for w in re.split(r"[\s\-_.,;:]+", password) if len(w) >= 2]
    if len(password) > MAX_LENGTH:
        found.append(f"At most {MAX_LENGTH} characters.")
    if len(password) < MIN_LENGTH and len(words) < MIN_WORDS:
        found.append(f"At least {MIN_LENGTH} characters, or a passphrase of {MIN_WORDS} words.")
    folded, address = password.strip().casefold(), email.strip().casefold()
    local = address.split("@")[0]
    if folded and (folded == address or folded == local):
        found.append("Not your e-mail address.")
    elif too_close(password, address) or too_close(password, local):
        found.append("Too close to your e-mail address: an attacker tries it first.")
    elif contains_name(password, local, shortest_alone=6):
        found.append("Contains your e-mail address: an attacker tries it first.")
    if too_close(password, name):
        found.append("Too close to your name: an attacker tries it first.")
    elif contains_name(password, name):
        found.append("Contains your name: an attacker tries it first.")
    if folded in _common() or re.sub(r"\d+$", "", folded) in _common() and len(folded) < 16:
        found.append("Too common: it is in the lists that attackers try first.")
    return found


def too_close(password: str, value: str) -> bool:
    """Whether `password` is as similar as MAX_SIMILARITY (0 to 1) to `value` (an e-mail
    address, a name) or to one of its parts split on non-word characters ("jean-pierre.
    lemoine@acme.fr" → "jean", "pierre", "lemoine", "acme", "fr"), case and accents aside.

    Source: Django's `UserAttributeSimilarityValidator` (django/contrib/auth/
    password_validation.py): difflib's SequenceMatcher against the value and its parts,
    0.7, and its `exceeds_maximum_length_ratio` skip of a part so short beside the password
    that no ratio could reach the bound. Two departures, both said here:
    - Django decides on `quick_ratio()` alone, an upper bound of `ratio()` that counts
      shared letters in any order; on French passphrases it refuses sentences that only
      share letters with a long name ("la neige tombe en janvier" for Jean-Pierre Lemoine,
      0.73, while `ratio()` is 0.27). `quick_ratio()` is kept as the cheap first test and
      `ratio()` decides.
    - `ratio()` follows letter order, so the words of the value in another order ("lemoine
      jean pierre") would pass: the words of both, sorted, are compared as well.
    """
    password, value = _folded(password), _folded(value)
    if not password or not value:
        return False
    parts = [p for p in re.split(r"\W+", value) if p] + [value]
    return (any(_similar(password, part) for part in parts)
            or _similar(_sorted_words(password), _sorted_words(value)))


def contains_name(password: str, value: str, *, shortest_alone: int = 3) -> bool:
    """Whether `password` holds two of the words of `value` (a name, an e-mail's local part), or
    its only word when that has `shortest_alone` letters or more, anywhere and in any order,
    case and accents aside: "Keller Marc Strasbourg 2026" holds "Marc Keller", "xmarc.keller!"
    holds "marc.keller". One given name among other words ("dole nina 39 jura" for Nina Neuve,
    nina@…) stays a passphrase, as `too_close` has it. Words of fewer than 3 letters are left out."""
    text = re.sub(r"\W+", "", _folded(password))
    parts = {p for p in re.split(r"\W+", _folded(value)) if len(p) >= 3}
    if len(parts) == 1 and len(next(iter(parts))) < shortest_alone:
        return False
    found = sum(1 for p in parts if p in text)
    return bool(parts) and found >= min(2, len(parts))


def _similar(password: str, value: str) -> bool:
    if len(password) >= 10 * len(value) and len(value) < MAX_SIMILARITY / 2 * len(password):
        return False  # Django's exceeds_maximum_length_ratio
    matcher = SequenceMatcher(a=password, b=value)
    return matcher.quick_ratio() >= MAX_SIMILARITY and matcher.ratio() >= MAX_SIMILARITY


def _folded(text: str) -> str:
    """Lower case without accents: "Émilie" and "emilie" are one name."""
    return "".join(c for c in unicodedata.normalize("NFKD", text.strip().casefold()) if not unicodedata.combining(c))


def _sorted_words(text: str) -> str:
    return " ".join(sorted(w for w in re.split(r"\W+", text) if w))
