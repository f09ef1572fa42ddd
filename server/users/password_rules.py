"""What a chosen password must be (invitation, reset): said in words on the form too.

Rules, after NIST SP 800-63B §5.1.1.2 and ANSSI's guide on passwords: at least 12
characters, or a passphrase of at least 4 words; not the user's e-mail (nor its part
before the @); not one of the 30,000 most common passwords of the list that the
`zxcvbn` package ships (Dropbox's zxcvbn, from leaked-password corpora).
"""
from __future__ import annotations

import re
from functools import lru_cache

MIN_LENGTH = 12
MIN_WORDS = 4
MAX_LENGTH = 1024


@lru_cache(maxsize=1)
def _common() -> frozenset[str]:
    from zxcvbn.frequency_lists import FREQUENCY_LISTS
    return frozenset(FREQUENCY_LISTS["passwords"])


def problems(password: str, *, email: str) -> list[str]:
    """The rules `password` breaks, as sentences (empty when it is acceptable)."""
    found = []
    words = [w for w in re.split(r"[\s\-_.,;:]+", password) if len(w) >= 2]
    if len(password) > MAX_LENGTH:
        found.append(f"At most {MAX_LENGTH} characters.")
    if len(password) < MIN_LENGTH and len(words) < MIN_WORDS:
        found.append(f"At least {MIN_LENGTH} characters, or a passphrase of {MIN_WORDS} words.")
    folded, address = password.strip().casefold(), email.strip().casefold()
    if folded and (folded == address or folded == address.split("@")[0]):
        found.append("Not your e-mail address.")
    if folded in _common() or re.sub(r"\d+$", "", folded) in _common() and len(folded) < 16:
        found.append("Too common: it is in the lists that attackers try first.")
    return found
