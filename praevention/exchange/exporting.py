"""Writers for the filtered measure list: CSV and XLSX from the shared columns, and HSDS JSON.

The writers take measures loaded with `with_relations()`. The exports read them with
`in_chunks`: CHUNK_SIZE measures at a time with their relations (a fixed number of queries
per chunk), so a worker holds one chunk, never the whole list, and CSV and JSON leave the
server row by row (issue #28, item 6).
"""

import csv
import datetime
import functools
import hashlib
import io
import json
import uuid
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from decimal import Decimal
from itertools import islice
from typing import Any

from django.core.serializers.json import DjangoJSONEncoder
from django.db import models
from django.db.models import ManyToManyField, QuerySet
from django.http import QueryDict
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy
from openpyxl import Workbook
from openpyxl.comments import Comment
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation

from praevention.catalog import districts
from praevention.catalog.linked_data import lor_uri
from praevention.catalog.models import EvidenceLevel, SocialSpace
from praevention.core import jobs
from praevention.core.exporters import Exporter, InvalidSelection
from praevention.core.spreadsheets import set_cell, text_safe_cell
from praevention.exchange import policy
from praevention.exchange.columns import (
    BY_KEY,
    COLUMNS,
    EXAMPLE_TITLE,
    HEADERS,
    SEPARATOR,
    csv_escape,
    german,
    german_date,
)
from praevention.measures.filters import MeasureFilter
from praevention.measures.models import Measure, Participation
from praevention.network.models import Department, Person

SHEET_TITLE = "Maßnahmen"
XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
# Measures read (with their relations) per round trip while exporting: about 2 MB of objects.
CHUNK_SIZE = 500


def in_chunks(measures: QuerySet[Measure]) -> Iterator[list[Measure]]:
    """`measures` as lists of at most CHUNK_SIZE, in the QuerySet's order.

    On PostgreSQL a server-side cursor; the QuerySet's prefetches run once per chunk, so
    the queries grow with the number of chunks, not of measures.
    """
    rows = measures.iterator(chunk_size=CHUNK_SIZE)
    while chunk := list(islice(rows, CHUNK_SIZE)):
        yield chunk
        jobs.advance(len(chunk))


def each(measures: QuerySet[Measure]) -> Iterator[Measure]:
    """`measures` one by one, read in chunks (`in_chunks`)."""
    for chunk in in_chunks(measures):
        yield from chunk


class _Echo:
    """csv.writer writes into this and hands the line back, so rows can be streamed."""

    def write(self, value):
        return value


def csv_cell(value: object) -> str:
    """German spreadsheet conventions: 31.12.2025, 12500,50; text guarded against formulas."""
    if value is None:
        return ""
    if isinstance(value, datetime.date):
        return german_date(value)
    if isinstance(value, Decimal):
        return f"{value:.2f}".replace(".", ",")
    if isinstance(value, int):
        return str(value)
    return csv_escape(str(value))


def csv_lines(measures: Iterable[Measure]) -> Iterator[str]:
    """The CSV as lines: UTF-8 BOM and ";" so a double click opens it cleanly in Excel."""
    writer = csv.writer(_Echo(), delimiter=";", lineterminator="\r\n")
    yield "\ufeff" + writer.writerow(HEADERS)
    with german():
        for measure in measures:
            yield writer.writerow([csv_cell(column.export(measure)) for column in COLUMNS])


def xlsx_bytes(measures: Iterable[Measure]) -> bytes:
    """An XLSX with a bold, frozen header row, an autofilter and readable column widths."""
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(SHEET_TITLE)
    sheet.freeze_panes = "A2"
    for position, column in enumerate(COLUMNS, start=1):
        width = max(column.width, len(column.header) + 4)
        sheet.column_dimensions[get_column_letter(position)].width = width
    header_font = Font(bold=True)
    header_fill = PatternFill("solid", fgColor="DCE6F0")
    header_alignment = Alignment(vertical="top", wrap_text=True)
    header = []
    for title in HEADERS:
        cell = text_safe_cell(sheet, title)
        cell.font = header_font
        cell.fill = header_fill
        cell.alignment = header_alignment
        header.append(cell)
    sheet.append(header)
    count = 0
    with german():
        for measure in measures:
            sheet.append([text_safe_cell(sheet, column.export(measure)) for column in COLUMNS])
            count += 1
    sheet.auto_filter.ref = f"A1:{get_column_letter(len(COLUMNS))}{count + 1}"
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


# Drop-down lists reach this far down the template's sheet.
TEMPLATE_ROWS = 1000


def _template_lists():
    """{column key: [allowed values]} for the single-valued catalogue columns, read live."""
    with german():
        return {
            "status": BY_KEY["status"].labels(),
            "lead": list(
                Department.objects.order_by("short_name").values_list("short_name", flat=True)
            ),
            "poverty_focus": BY_KEY["poverty_focus"].labels(),
            "evidence_level": list(
                EvidenceLevel.objects.order_by("level").values_list("name", flat=True)
            ),
        }


def template_xlsx():
    """ "Vorlage herunterladen": an XLSX that prevents errors before they are made.

    Sheet "Maßnahmen": every column of the exchange format but ID and version (new measures
    have neither), a hint per column as a comment on its header, one example row, and
    drop-down lists (data validation) for status, lead department, poverty focus and evidence
    level, fed from the live catalogue through the hidden sheet "Listen". Every cell is
    written through core.spreadsheets (text stays text).
    """
    columns = [c for c in COLUMNS if c.key not in ("id", "version")]
    lists = _template_lists()
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = SHEET_TITLE
    values = workbook.create_sheet("Listen")
    values.sheet_state = "hidden"
    header_font = Font(bold=True)
    header_fill = PatternFill("solid", fgColor="DCE6F0")
    with german():
        example = {
            "title": EXAMPLE_TITLE,
            "summary": "Offenes Sprachcafé mit Kinderbetreuung",
            "status": lists["status"][1] if len(lists["status"]) > 1 else "",
            "start_date": datetime.date(2026, 1, 1),
            "lead": lists["lead"][0] if lists["lead"] else "",
            "poverty_focus": lists["poverty_focus"][-1] if lists["poverty_focus"] else "",
            "reach_planned": 40,
            "budget_eur": Decimal("12500.00"),
            "is_archived": "nein",
        }
        for position, column in enumerate(columns, start=1):
            cell = set_cell(sheet, 1, position, column.header)
            cell.font = header_font
            cell.fill = header_fill
            cell.comment = Comment(str(column.hint), "Präventionsnetz")
            width = max(column.width, len(column.header) + 4)
            sheet.column_dimensions[get_column_letter(position)].width = width
            set_cell(sheet, 2, position, example.get(column.key))
        sheet.freeze_panes = "A2"
        for list_position, (key, allowed) in enumerate(lists.items(), start=1):
            letter = get_column_letter(list_position)
            set_cell(values, 1, list_position, BY_KEY[key].header)
            for row, value in enumerate(allowed, start=2):
                set_cell(values, row, list_position, value)
            position = next(i for i, c in enumerate(columns, start=1) if c.key == key)
            target = get_column_letter(position)
            validation = DataValidation(
                type="list",
                formula1=f"=Listen!${letter}$2:${letter}${max(2, len(allowed) + 1)}",
                allow_blank=key not in ("lead",),
                showErrorMessage=True,
                errorTitle=BY_KEY[key].header,
                error="Bitte einen Wert aus der Liste wählen.",
            )
            validation.add(f"{target}2:{target}{TEMPLATE_ROWS}")
            sheet.add_data_validation(validation)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


# HSDS wants UUIDs; ours are stable ones derived from each row's primary key.
_NAMESPACE = uuid.uuid5(uuid.NAMESPACE_URL, "urn:praeventionsnetz:hsds")


_NAMESPACE_BYTES = _NAMESPACE.bytes


def hsds_uuid(kind: str, pk: object) -> str:
    """The stable HSDS UUID of one of our rows (`kind` e.g. "measure", "department"):
    `str(uuid.uuid5(_NAMESPACE, f"{kind}:{pk}"))`, computed without building UUID objects
    (RFC 4122 §4.3: SHA-1 of namespace and name, version 5, variant bits), three times as
    fast; a page of the public API makes a few thousand."""
    digest = bytearray(hashlib.sha1(_NAMESPACE_BYTES + f"{kind}:{pk}".encode()).digest()[:16])
    digest[6] = (digest[6] & 0x0F) | 0x50
    digest[8] = (digest[8] & 0x3F) | 0x80
    text = digest.hex()
    return f"{text[:8]}-{text[8:12]}-{text[12:16]}-{text[16:20]}-{text[20:]}"


@functools.lru_cache(maxsize=64)
def _labels(choices: type[models.Choices], language: str | None) -> dict[Any, str]:
    return {value: str(label) for value, label in choices.choices}


def choice_label(choices: type[models.Choices], value: Any) -> str:
    """The label of `value` in the active language, as `get_FOO_display` gives it, from a
    table per language (`get_FOO_display` hashes the lazy labels on every call)."""
    return _labels(choices, translation.get_language()).get(value, str(value))


HSDS_STATUS: dict[str, str] = {
    Measure.Status.IDEA: "inactive",
    Measure.Status.PLANNED: "inactive",
    Measure.Status.RUNNING: "active",
    Measure.Status.PAUSED: "temporarily closed",
    Measure.Status.COMPLETED: "defunct",
}

# The catalogues a measure is classified by, as HSDS attributes with taxonomy terms:
# (taxonomy code, the measure's relation, its German name).
HSDS_TAXONOMIES = (
    ("praeventionsnetz-zielgruppen", "target_groups", "Präventionsnetz: Zielgruppen"),
    ("praeventionsnetz-lebensphasen", "life_phases", "Präventionsnetz: Lebensphasen"),
    ("praeventionsnetz-handlungsfelder", "fields_of_action", "Präventionsnetz: Handlungsfelder"),
    (
        "praeventionsnetz-strategische-ziele",
        "strategic_goals",
        "Präventionsnetz: Strategische Ziele",
    ),
)


def hsds_taxonomy_id(code: str) -> str:
    """The UUID of one of our taxonomies (a code of HSDS_TAXONOMIES)."""
    return hsds_uuid("taxonomy", code)


def hsds_taxonomy_term(taxonomy: str, taxonomy_name: str, entry) -> dict[str, Any]:
    """A catalogue entry (target group, life phase, field of action, strategic goal) as an
    HSDS taxonomy_term of our taxonomy `taxonomy` (a code of HSDS_TAXONOMIES)."""
    return _present(
        {
            "id": hsds_uuid(taxonomy, entry.pk),
            "code": str(entry.pk),
            "name": str(entry),
            # Required by HSDS; the name where the catalogue has no description.
            "description": entry.description or str(entry),
            "taxonomy": taxonomy_name,
            "taxonomy_id": hsds_taxonomy_id(taxonomy),
            "language": "de",
        }
    )


def _present(values):
    """`values` without the absent ones: HSDS leaves out what is not known, never null.

    None, "" and empty lists or objects are absent; False and 0 are values and stay.
    """
    return {key: value for key, value in values.items() if value not in (None, "", [], {})}


def hsds_service(measure, contact_departments=None, related=None, *, contacts=True):
    """One measure as an Open Referral HSDS 3.0 `service` (a dict ready for JSON).

    Valid against the official schema (tests/exchange/hsds/, validated in
    tests/exchange/test_hsds_schema.py): what is not known is left out, never null.
    Mapped where HSDS has a field with the same meaning:
      id                      UUID derived from the measure's id (HSDS requires UUIDs)
      name                    title
      description             description, or the short summary when that is empty
      url                     first of the links
      status                  idea/planned → inactive, running → active,
                              paused → temporarily closed, completed or archived → defunct
      email                   the lead department's public function address, if any
      eligibility_description target groups, "; "-separated
      minimum_age/maximum_age the children's ages: lowest age_from / highest age_to of the
                              life phases that have numbers (pregnancy and parents have none)
      assured_date            "zuletzt bestätigt am" (the day the lead last confirmed the entry)
      last_modified           updated_at, ISO 8601 with time zone
      organization(_id)       the lead department (alternate_name = its short name; its
                              description, or its name where it has none, as HSDS requires one;
                              email = its public function address, if any)
      contacts                the contact person as the measure's page shows them: name,
                              function as title, department, phone. No e-mail address: the
                              network does not publish it (so no service e-mail either).
      funding                 funding source
      service_areas           social spaces: name "LOR number name", the LOR level and number
                              in description, the space's Linked-Data URI as uri
                              (catalog.linked_data.lor_uri)
      attributes              target groups, life phases, fields of action and strategic
                              goals as taxonomy terms of the network's own taxonomies
    Left out because nothing here means the same: alternate_name, fees, fees_description,
    accreditations (the evidence level is a rating, not an accreditation),
    interpretation_services,
    application_process, languages, schedules, locations. Everything else of ours is under
    "x_praeventionsnetz" (`_extension`).

    `contact_departments` maps a contact person's id to their department (`hsds_document`
    reads them in one query); without it the department is read from the person.
    `related`: {relation in Measure.M2M_FIELDS: the measure's entries} (`CatalogLinks`);
    without it they are read from the measure.
    `contacts=False` leaves the contact person out without reading them (the public API).
    What may leave the app without a login is decided by `exchange.public.public_service`.
    """
    if related is None:
        # Each relation read once: a related manager costs more than the rows it hands back.
        related = {name: list(getattr(measure, name).all()) for name in Measure.M2M_FIELDS}
    service = _summary(facts_of(measure, related))
    service_id = service["id"]
    nested = {
        "contacts": _hsds_contacts(measure, service_id, contact_departments) if contacts else [],
        "funding": [
            {
                "id": hsds_uuid("funding", measure.pk),
                "service_id": service_id,
                "source": measure.funding_source,
            }
        ]
        if measure.funding_source
        else [],
        "service_areas": [
            {
                "id": hsds_uuid("social_space", space.pk),
                "service_id": service_id,
                "name": f"{space.lor_number} {space.name}",
                "description": f"{choice_label(SocialSpace.Level, space.level)} "
                f"(LOR {space.lor_number})",
                "uri": lor_uri(space.level, space.lor_number),
            }
            for space in related["social_spaces"]
        ],
        "attributes": _hsds_attributes(measure, service_id, related),
        "x_praeventionsnetz": _extension(measure, related),
    }
    return _present({**service, **nested})


@dataclass
class ServiceFacts:
    """What `hsds_service_summary` maps: a measure's own fields, its lead department, the
    names of its target groups and the (age_from, age_to) of its life phases. Made from a
    loaded Measure (`facts_of`) or, for a page of a list, from plain rows (`service_facts`)."""

    pk: int
    title: str
    description: str
    summary: str
    links: list[str]
    status: str
    is_archived: bool
    confirmed_at: datetime.datetime | None
    updated_at: datetime.datetime | None
    lead: Department | None
    target_groups: list[str]
    ages: list[tuple[int | None, int | None]]
    # The last change as `MeasureQuerySet.with_changed_at` finds it, where it was read.
    changed_at: datetime.datetime | None = None


def facts_of(measure, related=None) -> ServiceFacts:
    """The facts of a Measure whose participations, target groups and life phases are loaded
    (`with_relations()`, `for_service_list()`) or read here; `related` as in `hsds_service`."""
    lead = measure.lead_participation
    target_groups = related["target_groups"] if related else measure.target_groups.all()
    phases = related["life_phases"] if related else measure.life_phases.all()
    return ServiceFacts(
        pk=measure.pk,
        title=measure.title,
        description=measure.description,
        summary=measure.summary,
        links=measure.link_list(),
        status=measure.status,
        is_archived=measure.is_archived,
        confirmed_at=measure.confirmed_at,
        updated_at=measure.updated_at,
        lead=lead.department if lead else None,
        target_groups=[g.name for g in target_groups],
        ages=[(p.age_from, p.age_to) for p in phases],
        changed_at=getattr(measure, "changed_at", None),
    )


DEPARTMENT_FIELDS = ("id", "name", "short_name", "description", "public_email", "kind")


def service_facts(measures, offset: int = 0, limit: int | None = None) -> list[ServiceFacts]:
    """The facts of `measures[offset:offset + limit]` (a MeasureQuerySet, in its order) from
    plain rows: four queries (the measures with their last change, lead departments, target
    group names, life phase ages) and no model instance but the lead departments.
    """
    page = measures.with_changed_at()
    if limit is not None:
        page = page[offset : offset + limit]
    rows = list(
        page.values(
            "pk",
            "title",
            "description",
            "summary",
            "links",
            "status",
            "is_archived",
            "confirmed_at",
            "updated_at",
            "changed_at",
        )
    )
    ids = [row["pk"] for row in rows]
    leads = {
        values["measure_id"]: Department(
            **{field: values[f"department__{field}"] for field in DEPARTMENT_FIELDS}
        )
        for values in Participation.objects.filter(
            measure_id__in=ids, role=Participation.Role.LEAD
        ).values("measure_id", *(f"department__{field}" for field in DEPARTMENT_FIELDS))
    }
    groups: dict[int, list[str]] = {pk: [] for pk in ids}
    for pk, name in (
        Measure.target_groups.through.objects.filter(measure_id__in=ids)
        .order_by("targetgroup__position", "targetgroup__name")
        .values_list("measure_id", "targetgroup__name")
    ):
        groups[pk].append(name)
    ages: dict[int, list[tuple[int | None, int | None]]] = {pk: [] for pk in ids}
    for pk, age_from, age_to in Measure.life_phases.through.objects.filter(
        measure_id__in=ids
    ).values_list("measure_id", "lifephase__age_from", "lifephase__age_to"):
        ages[pk].append((age_from, age_to))
    return [
        ServiceFacts(
            pk=row["pk"],
            title=row["title"],
            description=row["description"],
            summary=row["summary"],
            links=[line.strip() for line in row["links"].splitlines() if line.strip()],
            status=row["status"],
            is_archived=row["is_archived"],
            confirmed_at=row["confirmed_at"],
            updated_at=row["updated_at"],
            lead=leads.get(row["pk"]),
            target_groups=groups[row["pk"]],
            ages=ages[row["pk"]],
            changed_at=row["changed_at"],
        )
        for row in rows
    ]


def hsds_service_summary(measure_or_facts):
    """A measure's one-to-one HSDS fields and its organization (the shape of HSDS's
    `service_list.json`): the part of `hsds_service` that needs only the measure's own fields,
    its lead department, target groups and life phases. Takes a Measure or its ServiceFacts."""
    facts = (
        measure_or_facts
        if isinstance(measure_or_facts, ServiceFacts)
        else facts_of(measure_or_facts)
    )
    return _present(_summary(facts))


def _summary(facts: ServiceFacts):
    ages_from = [age_from for age_from, _to in facts.ages if age_from is not None]
    ages_to = [age_to for _from, age_to in facts.ages if age_to is not None]
    lead = facts.lead
    return {
        "id": hsds_uuid("measure", facts.pk),
        "name": facts.title,
        "description": facts.description or facts.summary,
        "url": facts.links[0] if facts.links else None,
        "email": lead.public_email if lead else None,
        "status": "defunct" if facts.is_archived else HSDS_STATUS[facts.status],
        "eligibility_description": SEPARATOR.join(facts.target_groups),
        "minimum_age": min(ages_from) if ages_from else None,
        "maximum_age": max(ages_to) if ages_to else None,
        "assured_date": (
            timezone.localdate(facts.confirmed_at).isoformat() if facts.confirmed_at else None
        ),
        "last_modified": facts.updated_at.isoformat() if facts.updated_at else None,
        "organization_id": hsds_uuid("department", lead.pk) if lead else None,
        "organization": _hsds_organization(lead) if lead else None,
    }


def hsds_organization(department):
    """A department as an HSDS organization (the lead of the measures it runs)."""
    return _hsds_organization(department)


def _hsds_organization(department):
    return _present(
        {
            "id": hsds_uuid("department", department.pk),
            "name": department.name,
            "alternate_name": department.short_name,
            "description": department.description or department.name,
            "email": department.public_email,
            "x_praeventionsnetz": {
                "short_name": department.short_name,
                "kind": department.kind,
                "kind_label": choice_label(Department.Kind, department.kind),
            },
        }
    )


def _hsds_contacts(measure, service_id, contact_departments):
    person = measure.shown_contact
    if person is None:
        return []
    contact_id = hsds_uuid("person", person.pk)
    if contact_departments is None:
        department = person.department
    else:
        department = contact_departments.get(person.pk)
    contact = {
        "id": contact_id,
        "service_id": service_id,
        # As the measure's page names the person (the e-mail only when there is no name).
        "name": str(person.user),
        "title": person.function,
        "department": department.name if department else None,
        "phones": [
            {
                "id": hsds_uuid("phone", person.pk),
                "contact_id": contact_id,
                "number": person.phone,
            }
        ]
        if person.phone
        else [],
    }
    return [_present(contact)]


def _hsds_attributes(measure, service_id, related):
    attributes = []
    for taxonomy, relation, taxonomy_name in HSDS_TAXONOMIES:
        for entry in related[relation]:
            term = hsds_taxonomy_term(taxonomy, taxonomy_name, entry)
            attributes.append(
                {
                    "id": hsds_uuid(f"attribute:{taxonomy}:{entry.pk}", measure.pk),
                    "link_id": service_id,
                    "link_type": taxonomy,
                    "link_entity": "service",
                    "taxonomy_term_id": term["id"],
                    "taxonomy_term": term,
                }
            )
    return attributes


def _date(value):
    return value.isoformat() if value else None


def _extension(measure, related):
    """Our fields that HSDS has no place for, with codes and German labels; absent values
    are left out like in HSDS. `related`: {relation name: its entries}."""
    extension = {
        "id": measure.pk,
        "summary": measure.summary,
        "status": measure.status,
        "status_label": choice_label(Measure.Status, measure.status),
        "start_date": _date(measure.start_date),
        "end_date": _date(measure.end_date),
        "participations": [
            {
                "department": p.department.short_name,
                "department_name": p.department.name,
                "role": p.role,
                "role_label": choice_label(Participation.Role, p.role),
            }
            for p in measure.participations.all()
        ],
        "target_groups": [g.name for g in related["target_groups"]],
        "life_phases": [
            _present({"name": p.name, "age_from": p.age_from, "age_to": p.age_to})
            for p in related["life_phases"]
        ],
        "social_spaces": [
            {"lor_number": s.lor_number, "name": s.name, "level": s.level}
            for s in related["social_spaces"]
        ],
        "fields_of_action": [f.name for f in related["fields_of_action"]],
        "strategic_goals": [g.title for g in related["strategic_goals"]],
        "poverty_focus": measure.poverty_focus,
        "poverty_focus_label": choice_label(Measure.PovertyFocus, measure.poverty_focus),
        "reach_planned": measure.reach_planned,
        "reach_actual": measure.reach_actual,
        "budget_eur": str(measure.budget_eur) if measure.budget_eur is not None else None,
        "funding_ends_on": _date(measure.funding_ends_on),
        "external_partners": measure.external_partners,
        "evidence_level": (
            {"level": measure.evidence_level.level, "name": measure.evidence_level.name}
            if measure.evidence_level
            else None
        ),
        "good_practice_criteria": [c.name for c in related["good_practice_criteria"]],
        "evaluation_notes": measure.evaluation_notes,
        "links": measure.link_list(),
        "is_archived": measure.is_archived,
        "version": measure.version,
    }
    return _present(extension)


def _contact_departments(measures: Iterable[Measure]) -> dict[int, Department]:
    """{person id: department} for the measures' contact persons, in one query."""
    person_ids = {m.contact_person_id for m in measures if m.contact_person_id}
    return {
        person.pk: person.department
        for person in Person.objects.filter(pk__in=person_ids).select_related("department")
    }


def _hsds_meta(count: int) -> dict[str, Any]:
    return {
        "hsds_version": "3.0",
        "district": districts.current_name(),
        "generated_at": timezone.now().isoformat(),
        "count": count,
        "roles": {value: str(label) for value, label in Participation.Role.choices},
    }


def hsds_document(measures: Iterable[Measure]) -> dict[str, Any]:
    """{"services": [...]} plus what the file is, under our extension key.

    One query beyond the measures' own: the contact persons' departments. Holds every
    service in memory: the download streams `hsds_chunks` instead.
    """
    measures = list(measures)
    departments = _contact_departments(measures)
    with german():
        services = [hsds_service(measure, departments) for measure in measures]
        return {"services": services, "x_praeventionsnetz": _hsds_meta(len(services))}


def _json(value: object) -> str:
    """As `JsonResponse` with ensure_ascii=False and indent=2 writes it."""
    return json.dumps(value, cls=DjangoJSONEncoder, ensure_ascii=False, indent=2)


def _link_field(name: str) -> ManyToManyField:
    field = Measure._meta.get_field(name)
    if not isinstance(field, ManyToManyField):
        raise TypeError(f"Measure.{name} is not a catalogue link")
    return field


class CatalogLinks:
    """The measures' catalogue links (Measure.M2M_FIELDS) as lists of entries, read as pairs
    of ids: the catalogue is read once (six queries), each chunk of measures in six more, and
    no ORM object is made per link (prefetching made two per link, half the JSON's time).
    Each list is in the entries' default order, as `measure.<relation>.all()` has it.
    """

    def __init__(self) -> None:
        self.entries: dict[str, dict[int, Any]] = {}
        self.rank: dict[str, dict[int, int]] = {}
        for name in Measure.M2M_FIELDS:
            catalogue: Any = _link_field(name).related_model
            ordered = list(catalogue.objects.all())
            self.entries[name] = {entry.pk: entry for entry in ordered}
            self.rank[name] = {entry.pk: position for position, entry in enumerate(ordered)}

    def of(self, measures: list[Measure]) -> dict[int, dict[str, list[Any]]]:
        """{measure id: {relation: [entries]}} for `measures`."""
        ids = [measure.pk for measure in measures]
        links: dict[int, dict[str, list[Any]]] = {
            pk: {name: [] for name in Measure.M2M_FIELDS} for pk in ids
        }
        for name in Measure.M2M_FIELDS:
            field = _link_field(name)
            source, target = field.m2m_field_name(), field.m2m_reverse_field_name()
            through: Any = field.remote_field.through
            pairs = through.objects.filter(**{f"{source}_id__in": ids}).values_list(
                f"{source}_id", f"{target}_id"
            )
            entries, rank = self.entries[name], self.rank[name]
            for measure_id, entry_id in sorted(pairs, key=lambda pair: rank[pair[1]]):
                links[measure_id][name].append(entries[entry_id])
        return links


def hsds_chunks(measures: QuerySet[Measure]) -> Iterator[str]:
    """`hsds_document` as JSON text, one service at a time: the same characters as
    `json.dumps(hsds_document(measures), ensure_ascii=False, indent=2)`, but only one chunk
    of measures is held at once. Per chunk: the measures, their participations, contact
    persons' departments and catalogue links (`CatalogLinks`).
    """
    count = 0
    yield '{\n  "services": ['
    measures = measures.prefetch_related(None).prefetch_related(Participation.lead_first_prefetch())
    with german():
        catalog = CatalogLinks()
        for chunk in in_chunks(measures):
            departments = _contact_departments(chunk)
            links = catalog.of(chunk)
            for measure in chunk:
                service = hsds_service(measure, departments, links[measure.pk])
                service = _json(service).replace("\n", "\n    ")
                yield ("\n    " if count == 0 else ",\n    ") + service
                count += 1
        # The closing part as json.dumps writes it: without the opening "{\n".
        meta = _json({"x_praeventionsnetz": _hsds_meta(count)})[2:]
    yield ("\n  ]" if count else "]") + ",\n" + meta


def select_measures(params: QueryDict) -> QuerySet[Measure]:
    """The list's measures for its filter parameters, all pages, with their relations.

    Raises InvalidSelection (German) when the filters are invalid.
    """
    filterset = MeasureFilter(params, queryset=MeasureFilter.base_queryset().with_relations())
    if filterset.errors:
        raise InvalidSelection(_("Die Filter sind ungültig; bitte in der Liste prüfen."))
    return filterset.qs


def _csv(measures: QuerySet[Measure]) -> Iterator[str]:
    return csv_lines(each(measures))


def _xlsx(measures: QuerySet[Measure]) -> bytes:
    return xlsx_bytes(each(measures))


def _template(_subject: object) -> bytes:
    return template_xlsx()


# The list's downloads (every member of the network) and the import's template; registered
# in ExchangeConfig.ready().
EXPORTERS = (
    Exporter(
        key="measures.csv",
        label=_lazy("CSV"),
        content_type="text/csv; charset=utf-8",
        extension="csv",
        render=_csv,
        allowed=policy.can_export,
        select=select_measures,
        heavy=True,
    ),
    Exporter(
        key="measures.xlsx",
        label=_lazy("Excel"),
        content_type=XLSX_TYPE,
        extension="xlsx",
        render=_xlsx,
        allowed=policy.can_export,
        select=select_measures,
        heavy=True,
    ),
    Exporter(
        key="measures.json",
        label=_lazy("JSON (HSDS)"),
        content_type="application/json",
        extension="json",
        render=hsds_chunks,
        allowed=policy.can_export,
        select=select_measures,
        heavy=True,
    ),
    Exporter(
        key="measures.template",
        label=_lazy("Vorlage herunterladen"),
        content_type=XLSX_TYPE,
        extension="xlsx",
        render=_template,
        allowed=policy.can_import,
    ),
)
