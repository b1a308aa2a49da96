"""Text that enters the app is normalised here, once, before it is compared or stored.

STYLE.md habit 14: forms, admin, import and search all call `normalize_text`; matching keys
come from `match_key`. Why: macOS and PDFs produce decomposed umlauts (NFD) that look like the
composed ones (NFC) but compare unequal, and text copied from web pages carries invisible
characters (zero-width spaces, soft hyphens, BOMs) that make two identical-looking titles differ.
"""

import re
import unicodedata

# Invisible characters that carry no meaning in our texts: zero-width space/non-joiner/joiner,
# word joiner, BOM/zero-width no-break space, soft hyphen, left-to-right/right-to-left marks
# and embeddings/isolates (Unicode category Cf, minus nothing we need).
_INVISIBLE = re.compile("[\u00ad\u180e\u200b-\u200f\u202a-\u202e\u2060-\u2064\u2066-\u2069\ufeff]")
# Control characters other than tab and newline (category Cc): never meant in a text field.
CONTROL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")


def normalize_text(value: str) -> str:
    """The canonical form of a text as stored: NFC, invisible and control characters removed,
    line ends as "\\n", leading and trailing whitespace trimmed. Inner whitespace is kept (a
    description's paragraphs matter). Idempotent: normalize_text(normalize_text(x)) == ...(x).
    """
    text = unicodedata.normalize("NFC", value)
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    text = _INVISIBLE.sub("", text)
    text = CONTROL.sub("", text)
    return text.strip()


def normalize_line(value: str) -> str:
    """A single-line text (title, name): `normalize_text` with every run of whitespace,
    line breaks included, folded to one space."""
    return " ".join(normalize_text(value).split())


def match_key(value: str) -> str:
    """The key two names are compared by: `normalize_line`, then case-folded ("Straße" and
    "STRASSE" match, "Ü" in NFC and NFD match)."""
    return normalize_line(value).casefold()
