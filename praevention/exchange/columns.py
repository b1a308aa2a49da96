"""The measure exchange format: one definition per column, used by export and import alike.

Both directions read the same `Column` objects, so a file exported here imports back into
the same measures by construction (the round-trip tests guard that promise).

The headers are a file format, not UI text: they stay German in every UI language, so a
file exported by one user imports for everyone. Labels of choices (status, roles, ja/nein)
are written and read in German for the same reason (see `german`).
"""

import datetime
import re
from decimal import Decimal, InvalidOperation

from django.core.exceptions import ValidationError
from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from praevention.catalog.models import (
    EvidenceLevel,
    FieldOfAction,
    GoodPracticeCriterion,
    LifePhase,
    SocialSpace,
    StrategicGoal,
    TargetGroup,
)
from praevention.measures.models import Measure, Participation
from praevention.network.models import Department, Person

SEPARATOR = "; "
YES, NO = "ja", "nein"
TRUE_WORDS = {"ja", "j", "yes", "y", "true", "wahr", "1", "x"}
FALSE_WORDS = {"nein", "n", "no", "false", "falsch", "0", ""}


# Excel runs a CSV cell starting with one of these as a formula, so the CSV export prefixes
# "'" (OWASP's advice against CSV injection) and the CSV import removes it again.
FORMULA_START = ("=", "+", "-", "@", "\t", "\r", "'")


def csv_escape(text):
    return "'" + text if text.startswith(FORMULA_START) else text


def csv_unescape(text):
    return text[1:] if text.startswith("'") else text


def german():
    """Labels in files are German whatever language the user's UI speaks."""
    return translation.override("de")


def norm(value):
    """Names match case-insensitively and ignore runs of whitespace."""
    return " ".join(str(value).split()).casefold()


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
        return raw.strftime("%d.%m.%Y")
    return str(raw)


def invalid(message, **params):
    return ValidationError(message % params if params else message)


def split_items(text):
    """Multi-valued cells are separated by ";" (the export writes "; ")."""
    return [item.strip() for item in text.split(";") if item.strip()]


def match_names(text, index, unknown_message):
    """Resolve a "; "-separated list against {norm(name): obj}.

    A name that itself contains "; " is matched by trying the longest run of items first,
    so such names survive the round trip too.
    """
    items = [item.strip() for item in text.split(";")]
    found, errors, i = [], [], 0
    while i < len(items):
        if not items[i]:
            i += 1
            continue
        for j in range(len(items), i, -1):
            candidate = norm(SEPARATOR.join(items[i:j]))
            if candidate in index:
                found.append(index[candidate])
                i = j
                break
        else:
            errors.append(unknown_message % {"name": items[i]})
            i += 1
    if errors:
        raise ValidationError(errors)
    # Keep the order, drop repeats: a name written twice is still one relation.
    return list(dict.fromkeys(found))


class Catalog:
    """Every department, catalogue entry and person a file may name: one query per table."""

    def __init__(self):
        departments = list(Department.objects.all())
        self.departments = {norm(department.name): department for department in departments}
        for department in departments:
            # A short name wins over someone else's full name that happens to be equal.
            self.departments[norm(department.short_name)] = department
        self.names = {
            "target_groups": {norm(o.name): o for o in TargetGroup.objects.all()},
            "life_phases": {norm(o.name): o for o in LifePhase.objects.all()},
            "fields_of_action": {norm(o.name): o for o in FieldOfAction.objects.all()},
            "good_practice_criteria": {
                norm(o.name): o for o in GoodPracticeCriterion.objects.all()
            },
        }
        self.spaces_by_number = {}
        self.spaces_by_name = {}
        for space in SocialSpace.objects.all():
            self.spaces_by_number[space.lor_number] = space
            self.spaces_by_name.setdefault(norm(space.name), []).append(space)
        goals = {}
        for goal in StrategicGoal.objects.all():
            goals.setdefault(norm(goal.title), []).append(goal)
        self.goals = {title: found[0] for title, found in goals.items() if len(found) == 1}
        # A title used under two fields of action cannot be told apart by title alone.
        self.ambiguous_goals = {title for title, found in goals.items() if len(found) > 1}
        self.evidence = {}
        for level in EvidenceLevel.objects.all():
            self.evidence[norm(level.name)] = level
            self.evidence[str(level.level)] = level
        self.persons = {
            norm(person.user.email): person for person in Person.objects.select_related("user")
        }
        with german():
            self.roles = {norm(label): value for value, label in Participation.Role.choices}
            self.roles.update({norm(value): value for value, _label in Participation.Role.choices})


class Column:
    """One column: its German header, the row key it fills and how it is written and read.

    `export(measure)` returns a Python value (text, date, int, Decimal or None); the CSV and
    XLSX writers format it. `parse(raw, catalog)` turns a cell back into that value or raises
    a ValidationError with a German message.
    """

    width = 24
    hint = gettext_lazy("Text")

    def __init__(self, header, key, *, width=None, aliases=(), hint=None):
        self.header = header
        self.key = key
        self.aliases = aliases
        if width:
            self.width = width
        if hint:
            self.hint = hint

    def export(self, measure):
        raise NotImplementedError

    def parse(self, raw, catalog):
        raise NotImplementedError


class TextColumn(Column):
    def export(self, measure):
        return getattr(measure, self.key)

    def parse(self, raw, catalog):
        return as_text(raw).strip()


class LinksColumn(Column):
    """Stored one per line, written "; "-separated so a row stays one line in Excel."""

    hint = gettext_lazy("Webadressen (http/https), mehrere mit „; “ getrennt")

    def export(self, measure):
        return SEPARATOR.join(measure.link_list())

    def parse(self, raw, catalog):
        # A URL may contain ";" itself, so only "; ", line breaks or a trailing ";" separate.
        links = re.split(r";(?=\s|$)|\n", as_text(raw))
        return "\n".join(link.strip() for link in links if link.strip())


class ChoiceColumn(Column):
    """A TextChoices field, written as its German label; the code or a short label is read too."""

    def __init__(self, header, key, choices, **kwargs):
        super().__init__(header, key, **kwargs)
        self.choices = choices

    @property
    def hint(self):
        with german():
            labels = [str(label).split(" (")[0] for _value, label in self.choices.choices]
        return _("eins von: %(labels)s") % {"labels": ", ".join(labels)}

    def export(self, measure):
        with german():
            return str(dict(self.choices.choices)[getattr(measure, self.key)])

    def parse(self, raw, catalog):
        text = as_text(raw).strip()
        with german():
            options = {}
            for value, label in self.choices.choices:
                options[norm(value)] = value
                options[norm(label)] = value
                options[norm(str(label).split(" (")[0])] = value
            allowed = ", ".join(str(label).split(" (")[0] for _v, label in self.choices.choices)
        if not text:
            raise invalid(_("Bitte einen Wert angeben (%(allowed)s)."), allowed=allowed)
        try:
            return options[norm(text)]
        except KeyError:
            raise invalid(
                _("„%(value)s“ ist kein zulässiger Wert (%(allowed)s)."),
                value=text,
                allowed=allowed,
            ) from None


class DateColumn(Column):
    width = 13
    hint = gettext_lazy("Datum TT.MM.JJJJ")

    def export(self, measure):
        return getattr(measure, self.key)

    def parse(self, raw, catalog):
        if isinstance(raw, datetime.datetime):
            return raw.date()
        if isinstance(raw, datetime.date):
            return raw
        text = as_text(raw).strip()
        if not text:
            return None
        for pattern, order in (
            (r"(\d{1,2})\.(\d{1,2})\.(\d{4})", (2, 1, 0)),
            (r"(\d{4})-(\d{1,2})-(\d{1,2})", (0, 1, 2)),
        ):
            found = re.fullmatch(pattern, text)
            if found:
                parts = [int(part) for part in found.groups()]
                try:
                    return datetime.date(*(parts[i] for i in order))
                except ValueError:
                    break
        raise invalid(_("„%(value)s“ ist kein gültiges Datum (TT.MM.JJJJ)."), value=text[:40])


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
        text = as_text(raw).strip().replace(" ", "").replace("\u00a0", "")
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
        if isinstance(raw, bool):
            raise invalid(_("Bitte einen Betrag angeben."))
        if isinstance(raw, int):
            return Decimal(raw)
        if isinstance(raw, float):
            # Spreadsheet arithmetic leaves binary fractions: cents are what is meant.
            return Decimal(str(round(raw, 2)))
        text = as_text(raw).strip()
        text = re.sub(r"(?i)\s|€|eur(o)?", "", text)
        if not text:
            return None
        if re.fullmatch(r"-?\d{1,3}(\.\d{3})+(,\d+)?", text) or re.fullmatch(r"-?\d+,\d+", text):
            text = text.replace(".", "").replace(",", ".")
        elif re.fullmatch(r"-?\d{1,3}(,\d{3})+(\.\d+)?", text):
            text = text.replace(",", "")
        if re.fullmatch(r"-?\d+(\.\d+)?", text):
            try:
                return Decimal(text)
            except InvalidOperation:
                pass
        raise invalid(_("„%(value)s“ ist kein gültiger Betrag (z. B. 12500,50)."), value=text[:40])


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
    hint = gettext_lazy("Pflichtfeld: Kurzname oder Name eines Fachbereichs")

    def export(self, measure):
        lead = measure.lead_department
        return lead.short_name if lead else ""

    def parse(self, raw, catalog):
        text = as_text(raw).strip()
        if not text:
            raise invalid(_("Die Federführung fehlt: bitte einen Fachbereich angeben."))
        try:
            return catalog.departments[norm(text)]
        except KeyError:
            raise invalid(_("Unbekannter Fachbereich „%(name)s“."), name=text[:80]) from None


class PartnersColumn(Column):
    """The other participations, e.g. "Ges (Partner); Soz (Finanzierung)"."""

    width = 34
    hint = gettext_lazy(
        "Fachbereiche mit Rolle, z. B. „Ges (Partner); Soz (Finanzierung)“; "
        "Rollen: Partner, Finanzierung, Beratung (ohne Angabe: Partner)"
    )
    PATTERN = re.compile(r"(.+?)\s*\(([^()]*)\)")

    def export(self, measure):
        with german():
            return SEPARATOR.join(
                f"{p.department.short_name} ({p.get_role_display()})"
                for p in measure.participations.all()
                if p.role != Participation.Role.LEAD
            )

    def parse(self, raw, catalog):
        found, errors = [], []
        for item in split_items(as_text(raw)):
            department = catalog.departments.get(norm(item))
            role = Participation.Role.PARTNER
            if department is None:
                match = self.PATTERN.fullmatch(item)
                if match:
                    name, role_text = match.groups()
                    department = catalog.departments.get(norm(name))
                    role = catalog.roles.get(norm(role_text))
                    if department is None:
                        errors.append(_("Unbekannter Fachbereich „%(name)s“.") % {"name": name})
                        continue
                    if role is None:
                        with german():
                            allowed = ", ".join(
                                str(label)
                                for value, label in Participation.Role.choices
                                if value != Participation.Role.LEAD
                            )
                        errors.append(
                            _("Unbekannte Rolle „%(role)s“ bei „%(name)s“ (erlaubt: %(allowed)s).")
                            % {"role": role_text, "name": name, "allowed": allowed}
                        )
                        continue
                else:
                    errors.append(_("Unbekannter Fachbereich „%(name)s“.") % {"name": item})
                    continue
            # A second lead is refused by measures.rules, in the words the form uses.
            found.append((department, role))
        if errors:
            raise ValidationError(errors)
        return found


class CatalogColumn(Column):
    """An M2M to a catalogue with unique names (target groups, life phases, …)."""

    width = 40
    hint = gettext_lazy("Bezeichnungen aus den Stammdaten, mehrere mit „; “ getrennt")

    def __init__(self, header, key, unknown_message, **kwargs):
        super().__init__(header, key, **kwargs)
        self.unknown_message = unknown_message

    def export(self, measure):
        return SEPARATOR.join(obj.name for obj in getattr(measure, self.key).all())

    def parse(self, raw, catalog):
        return match_names(as_text(raw), catalog.names[self.key], self.unknown_message)


class SocialSpaceColumn(Column):
    """Written as "LOR number name"; read by LOR number, by name, or both."""

    width = 40
    hint = gettext_lazy(
        "LOR-Nummer und/oder Name, z. B. „041001 Charlottenburg Nord“; mehrere mit „; “ getrennt"
    )
    PATTERN = re.compile(r"(\d{3,8})(?:\s+(.+))?")

    def export(self, measure):
        return SEPARATOR.join(f"{s.lor_number} {s.name}" for s in measure.social_spaces.all())

    def parse(self, raw, catalog):
        found, errors = [], []
        for item in split_items(as_text(raw)):
            match = self.PATTERN.fullmatch(item)
            if match:
                number, name = match.groups()
                if len(number) % 2:
                    # A spreadsheet turned "041001" into the number 41001.
                    number = "0" + number
                space = catalog.spaces_by_number.get(number)
                if space is None:
                    errors.append(_("Unbekannte LOR-Nummer „%(number)s“.") % {"number": number})
                elif name and norm(name) != norm(space.name):
                    errors.append(
                        _("LOR-Nummer %(number)s gehört zu „%(name)s“, nicht zu „%(given)s“.")
                        % {"number": number, "name": space.name, "given": name}
                    )
                else:
                    found.append(space)
                continue
            spaces = catalog.spaces_by_name.get(norm(item), [])
            if len(spaces) == 1:
                found.append(spaces[0])
            elif spaces:
                errors.append(
                    _("„%(name)s“ ist mehrdeutig (%(numbers)s): bitte die LOR-Nummer angeben.")
                    % {"name": item, "numbers": ", ".join(s.lor_number for s in spaces)}
                )
            else:
                errors.append(_("Unbekannter Sozialraum „%(name)s“.") % {"name": item})
        if errors:
            raise ValidationError(errors)
        return list(dict.fromkeys(found))


class StrategicGoalColumn(Column):
    """Goals by title; a title used under two fields of action cannot be told apart."""

    width = 50
    hint = gettext_lazy("Ziele aus den Stammdaten, mehrere mit „; “ getrennt")

    def export(self, measure):
        return SEPARATOR.join(goal.title for goal in measure.strategic_goals.all())

    def parse(self, raw, catalog):
        items = split_items(as_text(raw))
        clashes = [item for item in items if norm(item) in catalog.ambiguous_goals]
        if clashes:
            raise ValidationError(
                [
                    _("Das strategische Ziel „%(name)s“ gibt es in mehreren Handlungsfeldern.")
                    % {"name": item}
                    for item in clashes
                ]
            )
        return match_names(
            as_text(raw), catalog.goals, _("Unbekanntes strategisches Ziel „%(name)s“.")
        )


class EvidenceColumn(Column):
    width = 28
    hint = gettext_lazy("Bezeichnung oder Stufe 0–3, leer: keine Angabe")

    def export(self, measure):
        return measure.evidence_level.name if measure.evidence_level else ""

    def parse(self, raw, catalog):
        text = as_text(raw).strip()
        if not text:
            return None
        try:
            return catalog.evidence[norm(text)]
        except KeyError:
            raise invalid(_("Unbekannte Evidenzstufe „%(name)s“."), name=text[:80]) from None


class ContactColumn(Column):
    """The contact person by the e-mail address of their login."""

    width = 34
    hint = gettext_lazy("E-Mail-Adresse eines Kontos im Präventionsnetz")

    def export(self, measure):
        person = measure.contact_person
        return person.user.email if person else ""

    def parse(self, raw, catalog):
        text = as_text(raw).strip()
        if not text:
            return None
        try:
            return catalog.persons[norm(text)]
        except KeyError:
            raise invalid(
                _("Keine Person mit der E-Mail-Adresse „%(email)s“."), email=text[:120]
            ) from None


COLUMNS = [
    TextColumn(
        "Titel",
        "title",
        width=45,
        hint=gettext_lazy(
            "Pflichtfeld. Gibt es den Titel schon, wird diese Maßnahme aktualisiert."
        ),
    ),
    TextColumn("Kurzbeschreibung", "summary", width=50),
    TextColumn("Beschreibung", "description", width=60),
    ChoiceColumn("Status", "status", Measure.Status, width=14),
    DateColumn("Beginn", "start_date"),
    DateColumn("Ende", "end_date"),
    LeadColumn("Federführung", "lead"),
    PartnersColumn("Beteiligte", "partners"),
    CatalogColumn(
        "Zielgruppen", "target_groups", gettext_lazy("Unbekannte Zielgruppe „%(name)s“.")
    ),
    CatalogColumn(
        "Lebensphasen", "life_phases", gettext_lazy("Unbekannte Lebensphase „%(name)s“.")
    ),
    SocialSpaceColumn("Sozialräume", "social_spaces"),
    CatalogColumn(
        "Handlungsfelder", "fields_of_action", gettext_lazy("Unbekanntes Handlungsfeld „%(name)s“.")
    ),
    StrategicGoalColumn("Strategische Ziele", "strategic_goals"),
    ChoiceColumn("Armutsbezug", "poverty_focus", Measure.PovertyFocus, width=30),
    IntegerColumn("Teilnehmende geplant", "reach_planned"),
    IntegerColumn("Teilnehmende erreicht", "reach_actual"),
    DecimalColumn("Budget (EUR)", "budget_eur"),
    TextColumn("Finanzierungsquelle", "funding_source", width=40),
    DateColumn("Finanzierung endet am", "funding_ends_on"),
    ContactColumn("Ansprechperson (E-Mail)", "contact_person", aliases=("Ansprechperson",)),
    TextColumn("Externe Partner", "external_partners", width=40),
    EvidenceColumn("Evidenzstufe", "evidence_level"),
    CatalogColumn(
        "Good-Practice-Kriterien",
        "good_practice_criteria",
        gettext_lazy("Unbekanntes Good-Practice-Kriterium „%(name)s“."),
        width=50,
    ),
    TextColumn("Evaluation", "evaluation_notes", width=50),
    LinksColumn("Links", "links", width=40),
    BooleanColumn("Archiviert", "is_archived"),
]
HEADERS = [column.header for column in COLUMNS]
M2M_KEYS = [
    "target_groups",
    "life_phases",
    "social_spaces",
    "fields_of_action",
    "strategic_goals",
    "good_practice_criteria",
]
SCALAR_KEYS = [c.key for c in COLUMNS if c.key not in {"lead", "partners", *M2M_KEYS}]
BY_KEY = {column.key: column for column in COLUMNS}


def header_index():
    """{normalised header or alias: column}, for reading a file's first row."""
    index = {}
    for column in COLUMNS:
        for name in (column.header, *column.aliases):
            index[norm(name)] = column
    return index
