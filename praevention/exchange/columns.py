"""The measure exchange format: one definition per column, used by export and import alike.

Both directions read the same `Column` objects, so a file exported here imports back into
the same measures by construction (the round-trip tests guard that promise).

The headers are a file format, not UI text: they stay German in every UI language, so a
file exported by one user imports for everyone. Labels of choices (status, roles, ja/nein)
are written and read in German for the same reason (see `german`).

Each column knows four things about its field: how it is exported (`export`), how a cell is
read (`parse`, a ValidationError in German otherwise), the measure's current value in the same
form (`current`), and a comparable key of such a value (`key`) and its display (`show`) for the
preview's "old → new".
"""

import datetime
import functools
import re
import zoneinfo
from decimal import Decimal

from dateutil import parser as dateutil_parser
from django.core.exceptions import ValidationError
from django.utils import formats, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from rapidfuzz import fuzz, process, utils

from praevention.catalog.models import (
    EvidenceLevel,
    FieldOfAction,
    GoodPracticeCriterion,
    LifePhase,
    SocialSpace,
    StrategicGoal,
    TargetGroup,
)
from praevention.core.text import match_key, normalize_line, normalize_text
from praevention.exchange import amounts, periods
from praevention.measures.models import FIRST_YEAR, LAST_YEAR, Measure, Participation
from praevention.network.models import Department, Person

SEPARATOR = "; "
YES, NO = "ja", "nein"
TRUE_WORDS = {"ja", "j", "yes", "y", "true", "wahr", "1", "x"}
FALSE_WORDS = {"nein", "n", "no", "false", "falsch", "0", ""}
BERLIN = zoneinfo.ZoneInfo("Europe/Berlin")
# Excel's day 0 for serial numbers (the 1900 system with its leap-year bug folded in).
EXCEL_EPOCH = datetime.date(1899, 12, 30)

# The template's example row: the import skips a row with exactly this title, so a template
# filled in below it does not create the example as a measure.
EXAMPLE_TITLE = "Beispiel: Sprachcafé für Eltern im Kiez (Zeile löschen oder überschreiben)"

# Excel runs a CSV cell starting with one of these as a formula, so the CSV export prefixes
# "'" (OWASP's advice against CSV injection) and the CSV import removes exactly that one.
FORMULA_START = ("=", "+", "-", "@", "\t", "\r", "'")


def csv_escape(text):
    """The CSV export's guard: one "'" before a text that Excel would run as a formula."""
    return "'" + text if text.startswith(FORMULA_START) else text


def csv_unescape(text):
    """Undo `csv_escape` and nothing else: "'=x" → "=x", "''s" → "'s", but "'s Kinderhaus"
    and "'Kiezdetektive'" stay as written (field case 08a)."""
    if text.startswith("'") and text[1:2] and text[1] in FORMULA_START:
        return text[1:]
    return text


def german():
    """Labels in files are German whatever language the user's UI speaks."""
    return translation.override("de")


@functools.lru_cache(maxsize=20_000)
def _norm(value: str) -> str:
    return match_key(value)


def norm(value):
    """Names match by `match_key`: NFC, invisible characters gone, case and spaces ignored.
    Cached: a 5,000-row file names the same few hundred catalogue entries again and again."""
    return _norm(str(value))


def as_text(raw):
    """A cell as text: CSV cells are text already, XLSX cells may be numbers or dates."""
    if raw is None:
        return ""
    if isinstance(raw, bool):
        return YES if raw else NO
    if isinstance(raw, float) and raw.is_integer():
        return str(int(raw))
    if isinstance(raw, datetime.datetime):
        raw = raw.date()
    if isinstance(raw, datetime.date):
        return german_date(raw)
    return str(raw)


def german_date(value: datetime.date) -> str:
    """31.12.2025, always with a four-digit year (strftime writes year 1 as "1")."""
    return f"{value.day:02d}.{value.month:02d}.{value.year:04d}"


def invalid(message, **params):
    return ValidationError(message % params if params else message)


# Entries of a list cell: line breaks (Alt+Enter) and ";" always separate; ",", "/", "+",
# " und " and " & " separate only where the text on both sides is no known name as a whole
# (issue #26, item 1), so a name that itself contains such a character still matches whole.
HARD_SEPARATORS = re.compile(r"\s*(?:\r\n|\r|\n|;)\s*")
SOFT_SEPARATORS = re.compile(r"\s*(?:,|/|\+)\s*|\s+(?:und|&)\s+", re.IGNORECASE)


def split_items(text):
    """The entries of a list cell split at every separator, hard or soft (for messages)."""
    pieces = HARD_SEPARATORS.split(as_text(text))
    return [
        item.strip() for piece in pieces for item in SOFT_SEPARATORS.split(piece) if item.strip()
    ]


def has_several(text):
    """Whether a cell's text is written as several entries (any separator). Such a text is
    never offered or stored as one name (a value mapping for it would drop the others)."""
    text = as_text(text).strip()
    return bool(HARD_SEPARATORS.search(text) or SOFT_SEPARATORS.search(text))


def split_entries(text, lookup):
    """[(entry text, what `lookup` found for it or None)] of a list cell, in order.

    Rule (one place for every list column): line breaks and ";" always separate; within
    such a piece, from each token between ",", "/", "+", " und ", " & " on, the longest run
    of tokens whose text `lookup` knows as a whole is one entry ("Kinder, Jugendliche und
    Familien" stays one name when it is one); where some tokens of a piece are known, each
    other token is one unknown entry by itself; a piece with no known token stays one
    unknown entry (it may be one name). Unknown entries with separators are never offered
    or stored as a value mapping (`has_several`).
    """
    text = as_text(text)
    entries = []
    for first, last in _spans(text, HARD_SEPARATORS):
        piece = text[first:last]
        if not piece.strip():
            continue
        found = _split_piece(piece, lookup)
        if all(hit is None for _entry, hit in found):
            # No part is a known name: whether this is one name or several cannot be told,
            # so it stays one unknown entry (never mapped: see `has_several`).
            found = [(normalize_line(piece), None)]
        entries.extend(found)
    return entries


def _split_piece(text, lookup):
    """`split_entries` within one piece between hard separators."""
    spans = [(a, b) for a, b in _spans(text, SOFT_SEPARATORS) if text[a:b].strip()]
    entries, i = [], 0
    while i < len(spans):
        for j in range(len(spans), i, -1):
            candidate = normalize_line(text[spans[i][0] : spans[j - 1][1]])
            hit = lookup(candidate)
            if hit is not None:
                entries.append((candidate, hit))
                i = j
                break
        else:
            entries.append((normalize_line(text[spans[i][0] : spans[i][1]]), None))
            i += 1
    return entries


def _spans(text, separators):
    """[(start, end)] of the parts of `text` between matches of `separators`."""
    spans, start = [], 0
    for match in separators.finditer(text):
        spans.append((start, match.start()))
        start = match.end()
    spans.append((start, len(text)))
    return spans


def _names(objects):
    return SEPARATOR.join(str(getattr(obj, "name", None) or obj) for obj in objects)


class Catalog:
    """Every department, catalogue entry and person a file may name: one query per table.

    `find(kind, text)` looks a name up by `match_key`, then among the value mappings a
    coordinator confirmed earlier; a name found nowhere is remembered in `unknown` with the
    columns and rows it occurred in, so the preview can ask once per distinct value.
    """

    KINDS = {
        "departments": gettext_lazy("Fachbereich"),
        "target_groups": gettext_lazy("Zielgruppe"),
        "life_phases": gettext_lazy("Lebensphase"),
        "social_spaces": gettext_lazy("Sozialraum"),
        "fields_of_action": gettext_lazy("Handlungsfeld"),
        "strategic_goals": gettext_lazy("Strategisches Ziel"),
        "evidence_levels": gettext_lazy("Evidenzstufe"),
        "good_practice_criteria": gettext_lazy("Good-Practice-Kriterium"),
    }

    def __init__(self, value_mappings=None):
        departments = list(Department.objects.all())
        self.entries = {"departments": departments}
        self.index = {"departments": {}}
        for department in departments:
            self.index["departments"][norm(department.name)] = department
        for department in departments:
            # A short name wins over someone else's full name that happens to be equal.
            self.index["departments"][norm(department.short_name)] = department
        for kind, model in (
            ("target_groups", TargetGroup),
            ("life_phases", LifePhase),
            ("fields_of_action", FieldOfAction),
            ("good_practice_criteria", GoodPracticeCriterion),
        ):
            self.entries[kind] = list(model.objects.all())
            self.index[kind] = {norm(o.name): o for o in self.entries[kind]}
        self.entries["social_spaces"] = list(SocialSpace.objects.all())
        self.spaces_by_number = {}
        self.spaces_by_name = {}
        for space in self.entries["social_spaces"]:
            self.spaces_by_number[space.lor_number] = space
            self.spaces_by_name.setdefault(norm(space.name), []).append(space)
        self.index["social_spaces"] = {
            key: found[0] for key, found in self.spaces_by_name.items() if len(found) == 1
        }
        goals = {}
        self.entries["strategic_goals"] = list(StrategicGoal.objects.all())
        for goal in self.entries["strategic_goals"]:
            goals.setdefault(norm(goal.title), []).append(goal)
        self.index["strategic_goals"] = {
            title: found[0] for title, found in goals.items() if len(found) == 1
        }
        # A title used under two fields of action cannot be told apart by title alone.
        self.ambiguous_goals = {title for title, found in goals.items() if len(found) > 1}
        self.entries["evidence_levels"] = list(EvidenceLevel.objects.all())
        self.index["evidence_levels"] = {}
        for level in self.entries["evidence_levels"]:
            self.index["evidence_levels"][norm(level.name)] = level
            self.index["evidence_levels"][str(level.level)] = level
        self.persons = {
            norm(person.user.email): person for person in Person.objects.select_related("user")
        }
        with german():
            self.roles = {norm(label): value for value, label in Participation.Role.choices}
            self.roles.update({norm(value): value for value, _label in Participation.Role.choices})
        self.mapped = {kind: {} for kind in self.KINDS}
        by_id = {kind: {o.pk: o for o in objects} for kind, objects in self.entries.items()}
        if value_mappings is None:
            from praevention.exchange.models import ValueMapping

            value_mappings = ValueMapping.objects.filter(kind__in=list(self.KINDS))
        for mapping in value_mappings:
            target = by_id.get(mapping.kind, {}).get(mapping.target_id)
            if target is not None:
                self.mapped[mapping.kind][mapping.value_key] = target
        # (kind, match key) → {"value", "column", "rows"}: names found nowhere.
        self.unknown = {}
        self.row = None
        self.column = None
        # The unit the current column's header names (exchange/amounts.py), and the rules
        # applied per row, for the preview: {row: ["Budget (EUR): 12,5 T€ → 12.500,00 €"]}.
        self.unit = None
        self.notes = {}

    def note(self, text):
        """Remember for the current row that a rule turned a cell into a value."""
        if self.row is not None:
            prefix = f"{self.column}: " if self.column else ""
            self.notes.setdefault(self.row, []).append(prefix + text)

    def find(self, kind, text):
        """The catalogue entry named `text` (or confirmed for it), else None (remembered)."""
        key = norm(text)
        found = self.index[kind].get(key) or self.mapped[kind].get(key)
        if found is None and key:
            entry = self.unknown.setdefault(
                (kind, key), {"value": text.strip(), "column": self.column, "rows": []}
            )
            if self.row is not None and self.row not in entry["rows"]:
                entry["rows"].append(self.row)
        return found

    def label(self, kind, obj):
        if kind == "departments":
            return f"{obj.name} ({obj.short_name})"
        if kind == "social_spaces":
            return f"{obj.lor_number} {obj.name}"
        if kind == "strategic_goals":
            return obj.title
        return obj.name

    def suggestion(self, kind, text):
        """The catalogue entry most like `text` ("meinten Sie …?"), or None (rapidfuzz)."""
        choices = {}
        for obj in self.entries[kind]:
            choices[obj.pk] = norm(self.label(kind, obj))
            if kind == "departments":
                choices[obj.pk] = norm(obj.name)
        key = norm(text)
        # token_set_ratio on words without punctuation: "Kita-Kinder 3-6" finds "Kinder von
        # 3–6 Jahren ohne Kitaplatz" (80) well ahead of other groups of children (57).
        best = process.extractOne(
            key,
            choices,
            scorer=fuzz.token_set_ratio,
            processor=utils.default_process,
            score_cutoff=60,
        )
        if kind == "departments":
            # Short names ("Jug") are matched by their start: "JugA", "Jugend".
            for obj in self.entries[kind]:
                short = norm(obj.short_name)
                if key.startswith(short) or short.startswith(key):
                    return obj
        if best is None:
            return None
        pk = best[2]
        return next(o for o in self.entries[kind] if o.pk == pk)

    def unknown_message(self, kind, text):
        """Row error for a name found nowhere, with the suggestion and what to do."""
        params = {"kind": self.KINDS[kind], "name": text.strip()[:80]}
        if has_several(text):
            return (
                _(
                    "%(kind)s „%(name)s“ ist unbekannt. Stehen hier mehrere Einträge, bitte "
                    "jeden mit „; “ trennen und die Namen aus den Stammdaten verwenden; sonst "
                    "den Namen in der Datei korrigieren."
                )
                % params
            )
        hint = self.suggestion(kind, text)
        if hint is not None:
            params["hint"] = self.label(kind, hint)
            return (
                _(
                    "%(kind)s „%(name)s“ ist unbekannt – meinten Sie „%(hint)s“? Bitte unter "
                    "„Unbekannte Werte zuordnen“ wählen oder in der Datei korrigieren."
                )
                % params
            )
        return (
            _(
                "%(kind)s „%(name)s“ ist unbekannt. Bitte unter „Unbekannte Werte zuordnen“ "
                "einen Eintrag wählen oder den Namen in der Datei korrigieren."
            )
            % params
        )


def match_names(text, catalog, kind):
    """Resolve a list cell of catalogue names of one kind (`split_entries`' rule).

    Names are looked up by `match_key`, then among the confirmed value mappings; every
    unknown entry is remembered once (for "Unbekannte Werte") and raised as a German error.
    """
    index, mapped = catalog.index[kind], catalog.mapped[kind]

    def lookup(candidate):
        key = norm(candidate)
        return index.get(key) or mapped.get(key)

    found, errors = [], []
    for entry, hit in split_entries(text, lookup):
        if hit is None:
            catalog.find(kind, entry)
            errors.append(catalog.unknown_message(kind, entry))
        else:
            found.append(hit)
    if errors:
        raise ValidationError(errors)
    # Keep the order, drop repeats: a name written twice is still one relation.
    return list(dict.fromkeys(found))


def show_value(value):
    """A parsed or current value as the preview shows it (German formats)."""
    if value is None or value == "" or value == [] or value == ():
        return "—"
    if isinstance(value, bool):
        return YES if value else NO
    if isinstance(value, datetime.date):
        return german_date(value)
    if isinstance(value, Decimal):
        return formats.number_format(value, decimal_pos=2, force_grouping=True) + " €"
    if isinstance(value, int):
        return formats.number_format(value, force_grouping=True)
    if isinstance(value, list):
        return _names(value)
    if isinstance(value, SocialSpace):
        return f"{value.lor_number} {value.name}"
    return str(value)


class Column:
    """One column: its German header, the row key it fills and how it is written and read.

    `export(measure)` returns a Python value (text, date, int, Decimal or None); the CSV and
    XLSX writers format it. `parse(raw, catalog)` turns a cell back into that value or raises
    a ValidationError with a German message. `aliases` are other exact headers read without
    asking; `synonyms` are headers that suggest this column on the mapping page.
    """

    width = 24
    hint = gettext_lazy("Text")
    # Only the title and the lead are needed for a new measure (issue #13).
    required = False
    # Columns whose value is a model field of the same name.
    scalar = True

    def __init__(self, header, key, *, width=None, aliases=(), synonyms=(), hint=None):
        self.header = header
        self.key = key
        self.aliases = aliases
        self.synonyms = synonyms
        if width:
            self.width = width
        if hint:
            self.hint = hint

    def __reduce__(self):
        # Pickled (in a cached import plan) as a reference to the one module-level column.
        return (column_by_key, (self.key,))

    def export(self, measure):
        raise NotImplementedError

    def parse(self, raw, catalog):
        raise NotImplementedError

    def current(self, measure):
        """The measure's value in the form `parse` returns."""
        return getattr(measure, self.key)

    def key_of(self, value):
        """A comparable form of a parsed value (objects by primary key)."""
        return getattr(value, "pk", value)

    def show(self, value):
        return show_value(value)


class TextColumn(Column):
    def __init__(self, header, key, *, multiline=False, **kwargs):
        super().__init__(header, key, **kwargs)
        self.multiline = multiline

    def export(self, measure):
        return getattr(measure, self.key)

    def parse(self, raw, catalog):
        text = as_text(raw)
        return normalize_text(text) if self.multiline else normalize_line(text)

    def show(self, value):
        text = show_value(value)
        return text if len(text) <= 120 else text[:119] + "…"


class TitleColumn(TextColumn):
    required = True


class IdColumn(Column):
    """The measure's id: re-imports find their measure by it first, whatever its title."""

    width = 8
    hint = gettext_lazy(
        "Kennung der Maßnahme aus dem Export; leer lassen für neue Maßnahmen, nicht ändern"
    )
    scalar = False

    def export(self, measure):
        return measure.pk

    def current(self, measure):
        return measure.pk

    def parse(self, raw, catalog):
        if isinstance(raw, int) and not isinstance(raw, bool) and raw > 0:
            return raw
        if isinstance(raw, float) and raw.is_integer() and raw > 0:
            return int(raw)
        text = as_text(raw).strip()
        if not text:
            return None
        if re.fullmatch(r"\d{1,18}", text) and int(text) > 0:
            return int(text)
        raise invalid(
            _("„%(value)s“ ist keine ID. Bitte die ID aus dem Export nicht ändern oder leeren."),
            value=text[:40],
        )


class VersionColumn(IdColumn):
    """The measure's version at export: an older file cannot silently undo newer edits."""

    hint = gettext_lazy("Stand der Maßnahme beim Export; nicht ändern")

    def export(self, measure):
        return measure.version

    def current(self, measure):
        return measure.version

    def parse(self, raw, catalog):
        try:
            return super().parse(raw, catalog)
        except ValidationError:
            raise invalid(
                _("„%(value)s“ ist keine Version. Bitte den Wert aus dem Export nicht ändern."),
                value=as_text(raw)[:40],
            ) from None


class LinksColumn(Column):
    """Stored one per line, written "; "-separated so a row stays one line in Excel."""

    hint = gettext_lazy("Webadressen (http/https), mehrere mit „; “ getrennt")

    def export(self, measure):
        return SEPARATOR.join(measure.link_list())

    def parse(self, raw, catalog):
        # A URL may contain ";" itself, so only "; ", line breaks or a trailing ";" separate.
        links = re.split(r";(?=\s|$)|\n", normalize_text(as_text(raw)))
        return "\n".join(normalize_line(link) for link in links if link.strip())

    def show(self, value):
        return show_value(value.replace("\n", SEPARATOR))


class ChoiceColumn(Column):
    """A TextChoices field, written as its German label; the code, a short label or one of the
    `words` ({code: other words for it}) is read too."""

    def __init__(self, header, key, choices, *, words=None, **kwargs):
        super().__init__(header, key, **kwargs)
        self.choices = choices
        self.words = words or {}

    def labels(self):
        """The short German labels, e.g. ["Idee", "geplant", …]."""
        if not hasattr(self, "_labels"):
            with german():
                self._labels = [str(label).split(" (")[0] for _v, label in self.choices.choices]
        return self._labels

    def options(self):
        """{match key of a code, label or short label: code}, built once (labels are German
        in every UI language)."""
        if not hasattr(self, "_options"):
            options = {}
            with german():
                for value, label in self.choices.choices:
                    options[norm(value)] = value
                    options[norm(label)] = value
                    options[norm(str(label).split(" (")[0])] = value
                    for word in self.words.get(value, ()):
                        options[norm(word)] = value
            self._options = options
        return self._options

    @property
    def hint(self):
        return _("eins von: %(labels)s") % {"labels": ", ".join(self.labels())}

    def export(self, measure):
        with german():
            return str(dict(self.choices.choices)[getattr(measure, self.key)])

    def show(self, value):
        codes = [code for code, _label in self.choices.choices]
        return self.labels()[codes.index(value)] if value in codes else str(value)

    def parse(self, raw, catalog):
        text = normalize_line(as_text(raw))
        options = self.options()
        allowed = ", ".join(self.labels())
        if not text:
            # New measures get the default; an update cannot clear it (see importing).
            return None
        try:
            return options[norm(text)]
        except KeyError:
            raise invalid(
                _("„%(value)s“ ist kein zulässiger Wert. Bitte einen davon angeben: %(allowed)s."),
                value=text[:80],
                allowed=allowed,
            ) from None


def _plausible(value: datetime.date, text: str) -> datetime.date:
    # The measure's own window (measures.models, as in the form): anything else is a slip
    # ("13.01.0025", "31.12.2205") and an error, never stored (field case 06).
    low, high = FIRST_YEAR, LAST_YEAR
    if not low <= value.year <= high:
        raise invalid(
            _(
                "„%(value)s“: das Jahr %(year)s ist nicht plausibel (erlaubt %(low)s–%(high)s). "
                "Bitte das Datum prüfen (TT.MM.JJJJ)."
            ),
            value=text[:40],
            year=f"{value.year:04d}",
            low=low,
            high=high,
        )
    return value


def berlin_date(value: datetime.datetime) -> datetime.date:
    """The Berlin calendar date of a moment: an aware time is converted with the zone's own
    rules (summer time included), a naive one is taken as Berlin time already."""
    if value.tzinfo is not None:
        value = value.astimezone(BERLIN)
    return value.date()


def excel_serial_date(serial: float) -> datetime.date:
    """A date from Excel's serial day number (1900 date system, as German Excel writes)."""
    return EXCEL_EPOCH + datetime.timedelta(days=int(serial))


# 01.09.2024, 01.09.24, 01.09.2024 00:00 (Excel's date cells saved as text).
GERMAN_DATE = re.compile(
    r"(\d{1,2})\.\s?(\d{1,2})\.\s?(\d{4}|\d{2})"
    r"(?:[ ,T]+(\d{1,2}):(\d{2})(?::(\d{2})(?:[.,]\d+)?)?(?:\s*Uhr)?)?"
)
# 2024-08-31, 2024-08-31T22:00:00Z, 2024-09-01T00:00:00+02:00 (other systems' exports).
ISO_DATE = re.compile(
    r"\d{4}-\d{2}-\d{2}(?:[T ]\d{2}:\d{2}(?::\d{2}(?:[.,]\d+)?)?)?(?:Z|[+-]\d{2}:?\d{2})?"
)


class DateColumn(Column):
    width = 13
    hint = gettext_lazy("Datum TT.MM.JJJJ (Jahr 1990–2100)")

    def export(self, measure):
        return getattr(measure, self.key)

    def parse(self, raw, catalog):
        text = as_text(raw).strip() if not isinstance(raw, datetime.date) else str(raw)
        if isinstance(raw, datetime.datetime):
            return _plausible(berlin_date(raw), text)
        if isinstance(raw, datetime.date):
            return _plausible(raw, german_date(raw))
        if isinstance(raw, int | float) and not isinstance(raw, bool):
            return self._serial(raw, text)
        text = normalize_line(text)
        if not text:
            return None
        if re.fullmatch(r"\d{5}(?:[.,]\d+)?", text):
            return self._serial(float(text.replace(",", ".")), text)
        found = GERMAN_DATE.fullmatch(text)
        if found:
            day, month, year = (int(part) for part in found.groups()[:3])
            if len(found.group(3)) == 2:
                # Two-digit years as Excel reads them: 00–29 → 20xx, 30–99 → 19xx.
                year += 2000 if year < 30 else 1900
            try:
                return _plausible(datetime.date(year, month, day), text)
            except ValueError:
                pass
        elif ISO_DATE.fullmatch(text):
            try:
                moment = dateutil_parser.isoparse(text)
            except (ValueError, OverflowError):
                moment = None
            if moment is not None:
                return _plausible(berlin_date(moment), text)
        raise invalid(_("„%(value)s“ ist kein gültiges Datum (TT.MM.JJJJ)."), value=text[:40])

    def _serial(self, number, text):
        if not 0 < number < 2_958_466:  # Excel's last day is 31.12.9999
            raise invalid(_("„%(value)s“ ist kein gültiges Datum (TT.MM.JJJJ)."), value=text[:40])
        return _plausible(excel_serial_date(number), text)


class IntegerColumn(Column):
    width = 14
    hint = gettext_lazy("ganze Zahl")

    def export(self, measure):
        return getattr(measure, self.key)

    def parse(self, raw, catalog):
        if isinstance(raw, bool):
            raise invalid(_("Bitte eine ganze Zahl angeben."))
        if isinstance(raw, int):
            return raw
        if isinstance(raw, float) and raw.is_integer():
            return int(raw)
        text = as_text(raw).strip().replace(" ", "").replace("\u00a0", "").replace("\u202f", "")
        if not text:
            return None
        if re.fullmatch(r"-?\d{1,3}(\.\d{3})+", text):
            text = text.replace(".", "")
        if re.fullmatch(r"-?\d+", text):
            return int(text)
        raise invalid(_("„%(value)s“ ist keine ganze Zahl."), value=text[:40])


class DecimalColumn(Column):
    """Euro amounts; CSV writes a German decimal comma, XLSX a real number."""

    width = 14
    hint = gettext_lazy("Betrag in Euro, z. B. 12500,50")

    def export(self, measure):
        return getattr(measure, self.key)

    def parse(self, raw, catalog):
        """Euros from a number or a text as people write amounts (exchange/amounts.py: units
        in the header or cell, "ca.", "k. A." …); the rule applied is noted for the row."""
        if isinstance(raw, bool):
            raise invalid(_("Bitte einen Betrag angeben."))
        factor, label = getattr(catalog, "unit", None) or (Decimal(1), "")
        if isinstance(raw, (int, float)):
            # Spreadsheet arithmetic leaves binary fractions: cents are what is meant.
            number = Decimal(raw) if isinstance(raw, int) else Decimal(str(round(raw, 6)))
            value = (number * factor).quantize(Decimal("0.01"))
            if factor != 1 and catalog is not None:
                shown = formats.number_format(number.normalize(), force_grouping=True)
                catalog.note(f"{shown} {label} → {amounts.euros(value)}")
            return value
        text = as_text(raw).strip()
        if not text:
            return None
        value, note = amounts.read_amount(text, (factor, label))
        if note and catalog is not None:
            catalog.note(note)
        return value

    def key_of(self, value):
        return None if value is None else Decimal(value).quantize(Decimal("0.01"))


class BooleanColumn(Column):
    width = 11
    hint = gettext_lazy("ja oder nein")

    def export(self, measure):
        return YES if getattr(measure, self.key) else NO

    def parse(self, raw, catalog):
        if isinstance(raw, bool):
            return raw
        text = norm(as_text(raw))
        if text in TRUE_WORDS:
            return True
        if text in FALSE_WORDS:
            return False
        raise invalid(_("Bitte „ja“ oder „nein“ angeben, nicht „%(value)s“."), value=text[:40])


class LeadColumn(Column):
    """The lead department, by short name (written) or full name (also read)."""

    width = 14
    hint = gettext_lazy("Pflichtfeld für neue Maßnahmen: Kurzname oder Name eines Fachbereichs")
    required = True
    scalar = False

    def export(self, measure):
        lead = measure.lead_department
        return lead.short_name if lead else ""

    def current(self, measure):
        return measure.lead_department

    def show(self, value):
        return value.short_name if value is not None else "—"

    # "Ges (FF)": the lead marked as such in its own cell.
    MARK = re.compile(r"\s*\((?:ff|federführung|federführend|lead|leitung)\)$", re.IGNORECASE)

    def parse(self, raw, catalog):
        text = normalize_line(as_text(raw))
        if not text:
            raise invalid(_("Die Federführung fehlt: bitte einen Fachbereich angeben."))

        def lookup(candidate):
            key = norm(self.MARK.sub("", candidate))
            return catalog.index["departments"].get(key) or catalog.mapped["departments"].get(key)

        entries = split_entries(as_text(raw), lookup)
        known = [hit for _entry, hit in entries if hit is not None]
        if len(entries) > 1 and known:
            raise invalid(
                _(
                    "„%(value)s“ nennt mehrere Fachbereiche. Eine Maßnahme hat genau eine "
                    "Federführung: bitte hier einen Fachbereich eintragen und die anderen "
                    "unter „Beteiligte“ (z. B. „Ges (Partner)“)."
                ),
                value=text[:120],
            )
        if known:
            return known[0]
        errors = []
        for entry, _hit in entries:
            catalog.find("departments", self.MARK.sub("", entry))
            errors.append(catalog.unknown_message("departments", self.MARK.sub("", entry)))
        raise ValidationError(errors)


class PartnersColumn(Column):
    """The other participations, e.g. "Ges (Partner); Soz (Finanzierung)"."""

    width = 34
    hint = gettext_lazy(
        "Fachbereiche mit Rolle, z. B. „Ges (Partner); Soz (Finanzierung)“; "
        "Rollen: Partner, Finanzierung, Beratung (ohne Angabe: Partner)"
    )
    PATTERN = re.compile(r"(.+?)\s*\(([^()]*)\)")
    scalar = False

    def export(self, measure):
        with german():
            return SEPARATOR.join(
                f"{p.department.short_name} ({p.get_role_display()})"
                for p in measure.participations.all()
                if p.role != Participation.Role.LEAD
            )

    def current(self, measure):
        return [
            (p.department, p.role)
            for p in measure.participations.all()
            if p.role != Participation.Role.LEAD
        ]

    def key_of(self, value):
        return frozenset((department.pk, role) for department, role in value or [])

    def show(self, value):
        with german():
            roles = dict(Participation.Role.choices)
            return (
                SEPARATOR.join(
                    f"{d.short_name} ({roles[r]})"
                    for d, r in sorted(value, key=lambda item: item[0].short_name)
                )
                or "—"
            )

    def _lookup(self, catalog, item):
        """(department, role) an entry names, or None."""
        departments, mapped = catalog.index["departments"], catalog.mapped["departments"]
        department = departments.get(norm(item)) or mapped.get(norm(item))
        if department is not None:
            return department, Participation.Role.PARTNER
        match = self.PATTERN.fullmatch(item)
        if match is None:
            return None
        name, role_text = match.groups()
        department = departments.get(norm(name)) or mapped.get(norm(name))
        role = catalog.roles.get(norm(role_text))
        if department is None or role is None:
            return None
        return department, role

    def parse(self, raw, catalog):
        found, errors = [], []
        for item, hit in split_entries(as_text(raw), lambda c: self._lookup(catalog, c)):
            if hit is not None:
                # A second lead is refused by measures.rules, in the words the form uses.
                found.append(hit)
                continue
            match = self.PATTERN.fullmatch(item)
            name = match.group(1) if match else item
            role_text = match.group(2) if match else None
            if role_text is not None and catalog.roles.get(norm(role_text)) is None:
                with german():
                    allowed = ", ".join(
                        str(label)
                        for value, label in Participation.Role.choices
                        if value != Participation.Role.LEAD
                    )
                errors.append(
                    _(
                        "Unbekannte Rolle „%(role)s“ bei „%(name)s“. Bitte eine davon "
                        "angeben: %(allowed)s."
                    )
                    % {"role": role_text, "name": name, "allowed": allowed}
                )
                continue
            catalog.find("departments", name)
            errors.append(catalog.unknown_message("departments", name))
        if errors:
            raise ValidationError(errors)
        return found


class CatalogColumn(Column):
    """An M2M to a catalogue with unique names (target groups, life phases, …)."""

    width = 40
    hint = gettext_lazy("Bezeichnungen aus den Stammdaten, mehrere mit „; “ getrennt")
    scalar = False

    def export(self, measure):
        return SEPARATOR.join(obj.name for obj in getattr(measure, self.key).all())

    def current(self, measure):
        return list(getattr(measure, self.key).all())

    def key_of(self, value):
        return frozenset(obj.pk for obj in value or [])

    def parse(self, raw, catalog):
        return match_names(as_text(raw), catalog, self.key)


class SocialSpaceColumn(CatalogColumn):
    """Written as "LOR number name"; read by LOR number, by name, or both."""

    hint = gettext_lazy(
        "LOR-Nummer und/oder Name, z. B. „041001 Charlottenburg Nord“; mehrere mit „; “ getrennt"
    )
    PATTERN = re.compile(r"(\d{3,8})(?:\s+(.+))?")

    def export(self, measure):
        return SEPARATOR.join(f"{s.lor_number} {s.name}" for s in measure.social_spaces.all())

    def show(self, value):
        return SEPARATOR.join(f"{s.lor_number} {s.name}" for s in value) or "—"

    def _lookup(self, catalog, item):
        """The space an entry names by LOR number (with its name, if given) or name."""
        match = self.PATTERN.fullmatch(item)
        if match:
            number, name = match.groups()
            space = catalog.spaces_by_number.get(self._number(number))
            if space is not None and (not name or norm(name) == norm(space.name)):
                return space
            return None
        key = norm(item)
        return catalog.index["social_spaces"].get(key) or catalog.mapped["social_spaces"].get(key)

    @staticmethod
    def _number(number):
        # A spreadsheet turned "041001" into the number 41001.
        return "0" + number if len(number) % 2 else number

    def parse(self, raw, catalog):
        found, errors = [], []
        for item, hit in split_entries(as_text(raw), lambda c: self._lookup(catalog, c)):
            if hit is not None:
                found.append(hit)
                continue
            match = self.PATTERN.fullmatch(item)
            if match:
                number, name = match.groups()
                number = self._number(number)
                space = catalog.spaces_by_number.get(number)
                if space is None:
                    errors.append(
                        _("Unbekannte LOR-Nummer „%(number)s“. Bitte die Nummer prüfen.")
                        % {"number": number}
                    )
                else:
                    errors.append(
                        _(
                            "LOR-Nummer %(number)s gehört zu „%(name)s“, nicht zu „%(given)s“. "
                            "Bitte Nummer oder Name korrigieren."
                        )
                        % {"number": number, "name": space.name, "given": name}
                    )
                continue
            spaces = catalog.spaces_by_name.get(norm(item), [])
            if len(spaces) > 1:
                errors.append(
                    _("„%(name)s“ ist mehrdeutig (%(numbers)s): bitte die LOR-Nummer angeben.")
                    % {"name": item, "numbers": ", ".join(s.lor_number for s in spaces)}
                )
                continue
            catalog.find("social_spaces", item)
            errors.append(catalog.unknown_message("social_spaces", item))
        if errors:
            raise ValidationError(errors)
        return list(dict.fromkeys(found))


class StrategicGoalColumn(CatalogColumn):
    """Goals by title; a title used under two fields of action cannot be told apart."""

    width = 50
    hint = gettext_lazy("Ziele aus den Stammdaten, mehrere mit „; “ getrennt")

    def export(self, measure):
        return SEPARATOR.join(goal.title for goal in measure.strategic_goals.all())

    def show(self, value):
        return SEPARATOR.join(goal.title for goal in value) or "—"

    def parse(self, raw, catalog):
        text = as_text(raw)
        clashes = [item for item in split_items(text) if norm(item) in catalog.ambiguous_goals]
        if clashes:
            raise ValidationError(
                [
                    _(
                        "Das strategische Ziel „%(name)s“ gibt es in mehreren Handlungsfeldern. "
                        "Bitte in der App zuordnen."
                    )
                    % {"name": item}
                    for item in clashes
                ]
            )
        return match_names(text, catalog, "strategic_goals")


class EvidenceColumn(Column):
    width = 28
    hint = gettext_lazy("Bezeichnung oder Stufe 0–3, leer: keine Angabe")

    def export(self, measure):
        return measure.evidence_level.name if measure.evidence_level else ""

    def parse(self, raw, catalog):
        text = normalize_line(as_text(raw))
        if not text:
            return None
        found = catalog.find("evidence_levels", text)
        if found is None:
            raise ValidationError(catalog.unknown_message("evidence_levels", text))
        return found


class ContactColumn(Column):
    """The contact person by the e-mail address of their login."""

    width = 34
    hint = gettext_lazy("E-Mail-Adresse eines Kontos im Präventionsnetz")

    def export(self, measure):
        person = measure.shown_contact
        return person.user.email if person else ""

    def show(self, value):
        return value.user.email if value is not None else "—"

    def parse(self, raw, catalog):
        text = normalize_line(as_text(raw))
        if not text:
            return None
        try:
            return catalog.persons[norm(text)]
        except KeyError:
            raise invalid(
                _(
                    "Keine Person mit der E-Mail-Adresse „%(email)s“. Bitte die Adresse eines "
                    "Kontos im Präventionsnetz angeben oder die Zelle leeren."
                ),
                email=text[:120],
            ) from None


class PeriodColumn(Column):
    """A "Zeitraum" column of a department's own list: fills Beginn and Ende by the rules of
    exchange/periods.py (import only; the export writes Beginn and Ende)."""

    hint = gettext_lazy("Zeitraum, z. B. „2023–2027“, „seit 03/2024“, „SJ 2024/25“, „laufend“")
    scalar = False

    def export(self, measure):
        return None

    def current(self, measure):
        return None

    def parse(self, raw, catalog):
        found = periods.read_period(raw)
        if found is not None and catalog is not None:
            dates = ", ".join(
                f"{label} {german_date(value)}"
                for label, value in ((_("Beginn"), found.start), (_("Ende"), found.end))
                if value is not None
            )
            written = as_text(raw).strip()
            catalog.note(f"„{written}“ → {dates or _('ohne Daten')} ({found.rule})")
        return found


# The words departments' own lists use for a measure's status (besides the labels "Idee",
# "geplant", "laufend", "pausiert", "abgeschlossen"); only words that mean one status.
STATUS_WORDS = {
    Measure.Status.IDEA: ("Projektidee", "Vorschlag"),
    Measure.Status.PLANNED: ("in Planung", "Planung", "in Vorbereitung"),
    Measure.Status.RUNNING: ("läuft", "aktiv", "in Umsetzung", "in Durchführung", "laufende"),
    Measure.Status.PAUSED: ("ruht", "unterbrochen", "ausgesetzt", "pausiert"),
    Measure.Status.COMPLETED: ("beendet", "ausgelaufen", "abgeschlossen", "eingestellt"),
}

COLUMNS = [
    IdColumn("ID", "id", aliases=("Maßnahmen-ID",)),
    TitleColumn(
        "Titel",
        "title",
        width=45,
        synonyms=(
            "Maßnahme",
            "Name",
            "Bezeichnung",
            "Projekt",
            "Angebot",
            "Maßnahmentitel",
            "Projektname",
            "Titel der Maßnahme",
        ),
        hint=gettext_lazy(
            "Pflichtfeld für neue Maßnahmen. Mit ID wird die Maßnahme umbenannt; ohne ID "
            "aktualisiert ein vorhandener Titel diese Maßnahme."
        ),
    ),
    TextColumn("Kurzbeschreibung", "summary", width=50, synonyms=("Kurztext", "Zusammenfassung")),
    TextColumn(
        "Beschreibung",
        "description",
        width=60,
        multiline=True,
        synonyms=("Inhalt", "Details", "Erläuterung", "Beschreibung der Maßnahme"),
    ),
    ChoiceColumn(
        "Status", "status", Measure.Status, width=14, synonyms=("Stand",), words=STATUS_WORDS
    ),
    DateColumn(
        "Beginn",
        "start_date",
        synonyms=("Start", "Laufzeit von", "von", "Startdatum", "Beginn am", "Laufzeitbeginn"),
    ),
    DateColumn(
        "Ende",
        "end_date",
        synonyms=("Laufzeit bis", "bis", "Enddatum", "Ende am", "befristet bis", "Laufzeitende"),
    ),
    LeadColumn(
        "Federführung",
        "lead",
        synonyms=(
            "Träger/Amt",
            "Amt",
            "Fachbereich",
            "federführend",
            "zuständig",
            "Zuständigkeit",
            "verantwortlich",
            "Organisationseinheit",
            "Träger",
            "federführendes Amt",
        ),
    ),
    PartnersColumn(
        "Beteiligte",
        "partners",
        synonyms=("Partner", "Kooperation", "beteiligte Fachbereiche", "beteiligte Ämter"),
    ),
    CatalogColumn("Zielgruppen", "target_groups", synonyms=("Zielgruppe", "Adressaten")),
    CatalogColumn("Lebensphasen", "life_phases", synonyms=("Lebensphase", "Alter", "Altersgruppe")),
    SocialSpaceColumn(
        "Sozialräume",
        "social_spaces",
        synonyms=("Sozialraum", "Region", "Planungsraum", "LOR", "Kiez", "Bezirksregion"),
    ),
    CatalogColumn("Handlungsfelder", "fields_of_action", synonyms=("Handlungsfeld", "Themenfeld")),
    StrategicGoalColumn("Strategische Ziele", "strategic_goals", synonyms=("Ziele", "Ziel")),
    ChoiceColumn("Armutsbezug", "poverty_focus", Measure.PovertyFocus, width=30),
    IntegerColumn(
        "Teilnehmende geplant",
        "reach_planned",
        synonyms=("geplante Teilnehmende", "Plätze", "Zielzahl"),
    ),
    IntegerColumn(
        "Teilnehmende erreicht",
        "reach_actual",
        synonyms=("erreichte Teilnehmende", "Teilnehmende", "Teilnehmerzahl", "Reichweite"),
    ),
    DecimalColumn(
        "Budget (EUR)",
        "budget_eur",
        aliases=("Budget",),
        synonyms=(
            "Kosten",
            "Kosten pro Jahr",
            "Jahreskosten",
            "Kosten (EUR)",
            "Mittel",
            "Fördersumme",
            "Betrag",
            "Budget pro Jahr",
        ),
    ),
    TextColumn(
        "Finanzierungsquelle",
        "funding_source",
        width=40,
        synonyms=("Finanzierung", "Fördermittelgeber", "Mittelherkunft", "Förderprogramm"),
    ),
    DateColumn(
        "Finanzierung endet am",
        "funding_ends_on",
        synonyms=("Förderung bis", "Finanzierung bis", "Förderende", "Förderzeitraum bis"),
    ),
    ContactColumn(
        "Ansprechperson (E-Mail)",
        "contact_person",
        aliases=("Ansprechperson",),
        synonyms=("Kontakt", "E-Mail", "Ansprechpartner", "Ansprechpartnerin"),
    ),
    TextColumn(
        "Externe Partner",
        "external_partners",
        width=40,
        multiline=True,
        synonyms=("freie Träger", "externe Kooperationspartner", "Kooperationspartner"),
    ),
    EvidenceColumn("Evidenzstufe", "evidence_level", synonyms=("Evidenz",)),
    CatalogColumn(
        "Good-Practice-Kriterien",
        "good_practice_criteria",
        width=50,
        synonyms=("Good Practice", "Qualitätskriterien"),
    ),
    TextColumn(
        "Evaluation",
        "evaluation_notes",
        width=50,
        multiline=True,
        synonyms=("Wirkung", "Bewertung", "Evaluierung"),
    ),
    LinksColumn("Links", "links", width=40, synonyms=("Link", "Webseite", "Website", "URL")),
    BooleanColumn("Archiviert", "is_archived"),
    VersionColumn("Version", "version"),
]
HEADERS = [column.header for column in COLUMNS]
# Columns a file may have that the export does not write: they fill export columns.
IMPORT_ONLY = [
    PeriodColumn(
        "Zeitraum (Beginn und Ende)",
        "period",
        synonyms=(
            "Zeitraum",
            "Laufzeit",
            "Projektlaufzeit",
            "Dauer",
            "Zeitraum der Maßnahme",
            "Projektzeitraum",
            "Durchführungszeitraum",
        ),
    )
]
ORDER = COLUMNS + IMPORT_ONLY
M2M_KEYS = list(Measure.M2M_FIELDS)
SCALAR_KEYS = [c.key for c in COLUMNS if c.scalar]
BY_KEY = {column.key: column for column in ORDER}
# Fields resolved from the catalogue already: the model's own validation would cost a query.
PREVALIDATED = ["contact_person", "evidence_level", "created_by"]


def column_by_key(key: str) -> Column:
    """The exchange format's column for a row key ("title", "lead", …); KeyError otherwise."""
    return BY_KEY[key]


def header_index():
    """{match key of a header or alias: column}: headers read without asking."""
    index = {}
    for column in COLUMNS:
        for name in (column.header, *column.aliases):
            index[norm(name)] = column
    return index


def synonym_index():
    """{match key of a synonym: column}: headers that suggest a column on the mapping page."""
    return {norm(name): column for column in ORDER for name in column.synonyms}


def known_header_keys():
    """Match keys of every header, alias and synonym: used to find the header row."""
    return set(header_index()) | set(synonym_index())


def suggest_columns(headers: list[str]) -> list[tuple[Column | None, bool]]:
    """For each file header: (suggested column or None for "ignorieren", certain?).

    Certain: the export's own header or an alias. Otherwise a known synonym, or the closest
    header or synonym by rapidfuzz's WRatio (≥ 85 of 100). A column is suggested for one file
    column only, the best match keeping it.
    """
    exact, synonyms = header_index(), synonym_index()
    names = {**{key: column for key, column in synonyms.items()}, **exact}
    result: list[tuple[Column | None, bool]] = []
    scores: dict[str, tuple[float, int]] = {}
    for position, header in enumerate(headers):
        key = norm(header)
        if not key:
            result.append((None, False))
            continue
        if key in exact:
            result.append((exact[key], True))
            score: float = 200
        elif key in synonyms:
            result.append((synonyms[key], False))
            score = 150
        else:
            best = process.extractOne(
                key,
                list(names),
                scorer=fuzz.WRatio,
                processor=utils.default_process,
                score_cutoff=85,
            )
            if best is None:
                result.append((None, False))
                continue
            result.append((names[best[0]], False))
            score = best[1]
        column = result[-1][0]
        assert column is not None  # appended just above
        previous = scores.get(column.key)
        if previous is not None:
            if previous[0] >= score:
                result[-1] = (None, False)
                continue
            result[previous[1]] = (None, False)
        scores[column.key] = (score, position)
    return result
