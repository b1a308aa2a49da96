"""The one canonical form of an e-mail address (issue #28, fault 2).

The database compared addresses case-insensitively (`email__iexact`, PostgreSQL's UPPER), which
maps the dotless `ı` to `I`, while the lockout counted the Python case-fold, which does not:
after five wrong passwords, `krıstin@…` logged in with five fresh attempts. Now one function
says what an address is, computed in Python, stored with the account (`User.email_canonical`)
and matched exactly by login, lockout and password reset alike.

Rule: the entered text normalised as all text entering the app (core.text.normalize_line:
trimmed, invisible characters removed), then Unicode NFKC (full-width letters, the Kelvin sign
K, ligatures and decomposed umlauts become their plain forms), then case-folded (capitals, `ſ`
→ `s`, `ß` → `ss`), then NFKC again (folding can un-normalise). Unicode's "NFKC_Casefold"
identifier matching (UAX #31, UTS #39) is the model. The dotless `ı` folds to itself, so an
address spelled with it is another, unknown address.
"""

import unicodedata

from praevention.core.text import normalize_line


def canonical_email(value: object) -> str:
    """The canonical form of an e-mail address as text; "" for None or blank input.

    Idempotent: canonical_email(canonical_email(x)) == canonical_email(x). No validation: an
    invalid address keeps its canonical form (forms validate separately).
    """
    text = normalize_line(str(value or ""))
    folded = unicodedata.normalize("NFKC", text).casefold()
    return unicodedata.normalize("NFKC", folded)
