"""Amounts as people write them in their lists (issue #26, item 2): each rule in one table.

`read_amount(text, header_unit)` returns the amount in euros with the German note the
preview shows for the row, or raises a ValidationError quoting the cell as written.

Rules (the tables below):
- UNITS: a unit in the header ("Budget in T€") or in the cell ("12 T€", "1,2 Mio. €")
  multiplies the number (T€, Tsd. €, TEUR: × 1.000; Mio. €: × 1.000.000); a cell's own unit
  wins over the header's. Shown as "12,5 T€ → 12.500,00 €".
- APPROXIMATE ("ca.", "circa", "etwa", "ungefähr", "rund", "~"): the value, with the note
  that it is an estimate.
- PER_YEAR ("p. a.", "pro Jahr", "jährlich", "/Jahr"): the value (the field is per year).
- NO_VALUE ("k. A.", "keine Angabe", "-", "–", "n. b.", "offen"): empty, with a note.
- "5.000,-" (German cheque style): 5.000 euros.
- Ranges ("5.000–8.000", "5.000 bis 8.000") and anything else: an error with the fix.
"""

import re
from decimal import Decimal, InvalidOperation

from django.core.exceptions import ValidationError
from django.utils import formats
from django.utils.translation import gettext as _

# (pattern of the unit, factor, how the preview names it); longest forms first.
UNITS = [
    (r"mio\.?\s*(?:€|eur(?:o)?)?|millionen\s*(?:€|euro)?", Decimal(1_000_000), "Mio. €"),
    (
        r"t€|teur|tsd\.?\s*(?:€|eur(?:o)?)?|tausend\s*(?:€|euro)?|k€",
        Decimal(1000),
        "T€",
    ),
    (r"€|eur(?:o)?", Decimal(1), ""),
]
APPROXIMATE = r"(?:ca\.?|circa|zirka|etwa|ungefähr|rund|~)"
PER_YEAR = r"(?:p\.\s*a\.?|pro\s+jahr|jährlich|/\s*jahr|im\s+jahr)"
NO_VALUE = {"k. a.", "k.a.", "ka", "keine angabe", "-", "–", "—", "n. b.", "n.b.", "offen", "?"}
RANGE = re.compile(r"\d\s*(?:-|–|—|bis)\s*\d")


def header_unit(header: str) -> tuple[Decimal, str]:
    """(factor, unit label) a column header names, e.g. "Budget in T€" → (1000, "T€")."""
    text = header.casefold()
    for pattern, factor, label in UNITS[:2]:
        if re.search(rf"(?:^|[\s(\[]){pattern}(?:$|[\s)\]])", text):
            return factor, label
    return Decimal(1), ""


def _unit(text: str) -> tuple[str, Decimal | None, str]:
    """The text without a trailing unit, its factor (None: no unit) and label."""
    for pattern, factor, label in UNITS:
        match = re.search(rf"\s*(?:{pattern})\s*$", text, re.IGNORECASE)
        if match:
            return text[: match.start()], factor, label
    return text, None, ""


def _number(text: str) -> Decimal | None:
    """A German or English written number: "12.500,50", "12,5", "12500.5", "5.000,-"."""
    text = re.sub(r"[\s\u00a0\u202f]", "", text)
    text = re.sub(r",-+$", "", text)
    if re.fullmatch(r"\d{1,3}(\.\d{3})+(,\d+)?", text) or re.fullmatch(r"\d+,\d+", text):
        text = text.replace(".", "").replace(",", ".")
    elif re.fullmatch(r"\d{1,3}(,\d{3})+(\.\d+)?", text):
        text = text.replace(",", "")
    if not re.fullmatch(r"\d+(\.\d+)?", text):
        return None
    try:
        return Decimal(text)
    except InvalidOperation:
        return None


def euros(value: Decimal) -> str:
    return formats.number_format(value, decimal_pos=2, force_grouping=True) + " €"


def read_amount(
    written: str, unit: tuple[Decimal, str] = (Decimal(1), "")
) -> tuple[Decimal | None, str]:
    """(euros or None, German note or "") for the cell `written`; ValidationError else."""
    text = " ".join(written.split())
    if text.casefold() in NO_VALUE:
        return None, _("„%(value)s“ → leer (keine Angabe)") % {"value": text}
    notes = []
    rest = text
    if re.match(APPROXIMATE, rest, re.IGNORECASE):
        rest = re.sub(rf"^{APPROXIMATE}\s*", "", rest, flags=re.IGNORECASE)
        notes.append(_("„%(value)s“ ist ein ungefährer Wert") % {"value": text})
    rest = re.sub(rf"\s*{PER_YEAR}\s*$", "", rest, flags=re.IGNORECASE)
    if RANGE.search(rest):
        raise ValidationError(
            _(
                "„%(value)s“ ist eine Spanne. Bitte einen Betrag pro Jahr eintragen (z. B. den "
                "geplanten) und die Spanne in die Bemerkung schreiben."
            )
            % {"value": text[:60]}
        )
    rest, factor, label = _unit(rest.strip())
    if factor is None:
        factor, label = unit
    number = _number(rest.strip())
    if number is None:
        raise ValidationError(
            _(
                "„%(value)s“ ist kein Betrag. Bitte eine Zahl in Euro eintragen, z. B. "
                "„12.500,50“, „12,5 T€“ oder „1,2 Mio. €“."
            )
            % {"value": text[:60]}
        )
    value = (number * factor).quantize(Decimal("0.01"))
    if factor != 1:
        shown = formats.number_format(number, force_grouping=True)
        notes.append(
            _("%(number)s %(unit)s → %(euros)s")
            % {"number": shown, "unit": label, "euros": euros(value)}
        )
    return value, "; ".join(notes)
