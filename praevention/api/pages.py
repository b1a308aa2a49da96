"""What each API endpoint answers, as dicts in the shapes of the official HSDS 3.0
`openapi.json` (vendored in `api/hsds/`, served by `spec.openapi_document`).

Which measures: `Measure.objects.public()` only (marked "öffentlich" by a coordinator, not
archived). Which of their fields: `exchange.public.public_service` only. Organizations are the
departments that lead at least one public measure; taxonomies are the network's catalogues
(target groups, life phases, fields of action, strategic goals; `HSDS_TAXONOMIES`).

Queries: a page of services costs a fixed number, whatever its size (count, the page, seven
prefetches of its relations; a search or a filter by term or organization one or four more).
"""

import datetime
import math
import uuid
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from django.db import models
from django.db.models import Q
from django.http import QueryDict

from praevention.api import params
from praevention.api.errors import not_found
from praevention.core.dataversion import current_version
from praevention.exchange.exporting import (
    HSDS_TAXONOMIES,
    hsds_taxonomy_id,
    hsds_taxonomy_term,
    hsds_uuid,
    service_facts,
)
from praevention.exchange.public import public_organization, public_service
from praevention.measures.models import Measure, MeasureQuerySet, Participation
from praevention.measures.search import search as search_measures
from praevention.network.models import Department

HSDS_VERSION = "3.0"
# The one-to-one fields of a service in a list (the official compiled `service_list.json`).
SERVICE_LIST_FIELDS = (
    "id",
    "organization_id",
    "name",
    "alternate_name",
    "description",
    "url",
    "email",
    "status",
    "eligibility_description",
    "minimum_age",
    "maximum_age",
    "assured_date",
    "last_modified",
    "organization",
)
# What `minimal=true` leaves of a service (HSDS requires id, name and status).
MINIMAL_FIELDS = ("id", "name", "status", "last_modified")

SERVICE_PARAMETERS = (
    "page",
    "per_page",
    "search",
    "format",
    "taxonomy_term_id",
    "taxonomy_id",
    "organization_id",
    "modified_after",
    "minimal",
    "full",
)
ORGANIZATION_LIST_PARAMETERS = ("page", "per_page", "search", "format", "full", "full_service")
TAXONOMY_PARAMETERS = ("page", "per_page", "search", "format")
TERM_PARAMETERS = (*TAXONOMY_PARAMETERS, "taxonomy_id", "top_only", "parent_id")


def page(
    items: Sequence[Any] | Callable[[int, int], list[Any]], total: int, number: int, size: int
) -> dict[str, Any]:
    """The HSDS `Page` object with `contents`: `items` is the page's items or a function
    (offset, limit) -> items, called only for a page that exists."""
    total_pages = max(1, math.ceil(total / size))
    offset = (number - 1) * size
    if callable(items):
        contents = items(offset, size) if offset < total else []
    else:
        contents = list(items[offset : offset + size])
    return {
        "total_items": total,
        "total_pages": total_pages,
        "page_number": number,
        "size": len(contents),
        "first_page": number == 1,
        "last_page": number >= total_pages,
        "empty": total == 0,
        "contents": contents,
    }


# --- catalogues as taxonomies -------------------------------------------------------------


@dataclass(frozen=True)
class Term:
    taxonomy: str  # code of HSDS_TAXONOMIES
    relation: str  # the measure's relation (Measure.M2M_FIELDS)
    entry: Any  # the catalogue entry
    json: dict[str, Any]


def taxonomies() -> list[dict[str, Any]]:
    """The network's four catalogues as HSDS taxonomies (no query)."""
    return [
        {
            "id": hsds_taxonomy_id(code),
            "name": name,
            "description": f"{name}: Katalog des Präventionsnetzes, mit dem Maßnahmen "
            "eingeordnet werden.",
            "version": HSDS_VERSION,
        }
        for code, _relation, name in HSDS_TAXONOMIES
    ]


def terms() -> list[Term]:
    """Every entry of the four catalogues (archived ones too: public measures may still carry
    them), in catalogue order. One query per catalogue."""
    result = []
    for code, relation, name in HSDS_TAXONOMIES:
        model: Any = Measure._meta.get_field(relation).related_model
        for entry in model.objects.all():
            result.append(Term(code, relation, entry, hsds_taxonomy_term(code, name, entry)))
    return result


def _taxonomy_code(taxonomy_id: uuid.UUID) -> str | None:
    for code, _relation, _name in HSDS_TAXONOMIES:
        if hsds_taxonomy_id(code) == str(taxonomy_id):
            return code
    return None


def taxonomy(taxonomy_id: str) -> dict[str, Any]:
    wanted = str(params.identifier(taxonomy_id))
    for item in taxonomies():
        if item["id"] == wanted:
            return item
    raise not_found("Diese Taxonomie")


def taxonomy_list(query: QueryDict) -> dict[str, Any]:
    given = params.only(query, TAXONOMY_PARAMETERS)
    params.json_format(given)
    number, size = params.page_and_size(given)
    text = params.text(given, "search").casefold()
    items = [t for t in taxonomies() if text in t["name"].casefold()]
    return page(items, len(items), number, size)


def term(term_id: str) -> dict[str, Any]:
    wanted = str(params.identifier(term_id))
    for item in terms():
        if item.json["id"] == wanted:
            return item.json
    raise not_found("Diesen Begriff")


def term_list(query: QueryDict) -> dict[str, Any]:
    """Taxonomy terms; `top_only` keeps all (no term has a parent), `parent_id` finds none."""
    given = params.only(query, TERM_PARAMETERS)
    params.json_format(given)
    number, size = params.page_and_size(given)
    text = params.text(given, "search").casefold()
    taxonomy_id = params.optional_identifier(given, "taxonomy_id")
    params.boolean(given, "top_only")
    parent = params.optional_identifier(given, "parent_id")
    code = _taxonomy_code(taxonomy_id) if taxonomy_id else None
    items = [
        t.json
        for t in terms()
        if (taxonomy_id is None or t.taxonomy == code)
        and parent is None
        and text in t.json["name"].casefold()
    ]
    return page(items, len(items), number, size)


# --- services ---------------------------------------------------------------------------

# {data version token: {service UUID: measure id}} for the public measures, one slot: HSDS
# ids are UUIDs derived from our ids (uuid5), which cannot be turned back, so the map is made
# once per data version and process (20,000 measures: ~40 ms).
_ids: tuple[str | None, dict[str, int]] = (None, {})


def _public_ids() -> dict[str, int]:
    global _ids
    version = current_version()
    token = version[0] if version else None
    if token is None or _ids[0] != token:
        pks = Measure.objects.public().values_list("pk", flat=True)
        mapping = {hsds_uuid("measure", pk): pk for pk in pks}
        if token is None:
            return mapping
        _ids = (token, mapping)
    return _ids[1]


def _services(
    queryset: MeasureQuerySet, offset: int = 0, limit: int | None = None, *, full: bool = True
) -> Iterable[tuple[Measure, dict[str, Any]]]:
    """(measure, its public service) for `queryset[offset:offset + limit]`; fully nested or
    the one-to-one fields only (`full=False`, fewer relations read)."""
    rows = (queryset.with_relations() if full else queryset.for_service_list()).with_changed_at()
    if limit is not None:
        rows = rows[offset : offset + limit]
    for measure in rows:
        # `changed_at` is the annotation of `with_changed_at` above.
        yield (
            measure,
            public_service(measure, full=full, changed_at=getattr(measure, "changed_at", None)),
        )


def service(service_id: str) -> dict[str, Any]:
    """One public measure, fully nested; 404 when it does not exist or is not public."""
    wanted = str(params.identifier(service_id))
    pk = _public_ids().get(wanted)
    found = list(_services(Measure.objects.public().filter(pk=pk))) if pk else []
    if not found:
        raise not_found("Diese Maßnahme")
    return found[0][1]


def _department_for(organization_id: uuid.UUID) -> Department | None:
    wanted = str(organization_id)
    for department in _public_departments():
        if hsds_uuid("department", department.pk) == wanted:
            return department
    return None


def _public_departments() -> models.QuerySet[Department]:
    """Departments leading at least one public measure, by name."""
    leads = Participation.objects.filter(
        department=models.OuterRef("pk"),
        role=Participation.Role.LEAD,
        measure__in=Measure.objects.public(),
    )
    return Department.objects.filter(models.Exists(leads)).order_by("name")


def public_services(
    *,
    text: str = "",
    term_id: uuid.UUID | None = None,
    taxonomy_id: uuid.UUID | None = None,
    organization_id: uuid.UUID | None = None,
    modified_after: datetime.datetime | None = None,
) -> MeasureQuerySet:
    """The public measures matching the filters, by id (stable paging)."""
    found = Measure.objects.public()
    if term_id is not None:
        wanted = str(term_id)
        match = next((t for t in terms() if t.json["id"] == wanted), None)
        if match is None:
            return found.none()
        found = found.linked_to(match.relation, pk=match.entry.pk)
    if taxonomy_id is not None:
        code = _taxonomy_code(taxonomy_id)
        relation = next((r for c, r, _n in HSDS_TAXONOMIES if c == code), None)
        if relation is None:
            return found.none()
        links = getattr(Measure, relation).through.objects.filter(measure=models.OuterRef("pk"))
        found = found.filter(models.Exists(links))
    if organization_id is not None:
        department = _department_for(organization_id)
        if department is None:
            return found.none()
        found = found.for_department(department, role=Participation.Role.LEAD)
    if modified_after is not None:
        found = found.changed_since(modified_after)
    if text:
        found = search_measures(found, text)
    return found.order_by("pk")


def service_list(query: QueryDict) -> dict[str, Any]:
    """A page of public services: the one-to-one fields (`service_list.json`), or fully nested
    with `full=true`, or id, name, status and last_modified with `minimal=true`."""
    given = params.only(query, SERVICE_PARAMETERS)
    params.json_format(given)
    number, size = params.page_and_size(given)
    minimal = params.boolean(given, "minimal")
    full = params.boolean(given, "full")
    found = public_services(
        text=params.text(given, "search"),
        term_id=params.optional_identifier(given, "taxonomy_term_id"),
        taxonomy_id=params.optional_identifier(given, "taxonomy_id"),
        organization_id=params.optional_identifier(given, "organization_id"),
        modified_after=params.moment(given, "modified_after"),
    )
    fields = MINIMAL_FIELDS if minimal else SERVICE_LIST_FIELDS

    def contents(offset: int, limit: int) -> list[dict[str, Any]]:
        if full:
            return [item for _measure, item in _services(found, offset, limit)]
        # One-to-one fields only: from plain rows, no model instance per measure.
        items = (public_service(f, full=False) for f in service_facts(found, offset, limit))
        return [{k: item[k] for k in fields if k in item} for item in items]

    return page(contents, found.count(), number, size)


# --- organizations ----------------------------------------------------------------------


def organization_list(query: QueryDict) -> dict[str, Any]:
    """Departments leading public measures (`organization_list.json`); with `full=true` each
    with its services (id, name, status; fully nested with `full_service=true`)."""
    given = params.only(query, ORGANIZATION_LIST_PARAMETERS)
    params.json_format(given)
    number, size = params.page_and_size(given)
    full = params.boolean(given, "full")
    full_service = params.boolean(given, "full_service")
    text = params.text(given, "search")
    departments = _public_departments()
    if text:
        departments = departments.filter(Q(name__icontains=text) | Q(short_name__icontains=text))

    def contents(offset: int, limit: int) -> list[dict[str, Any]]:
        chosen = list(departments[offset : offset + limit])
        if not full:
            return [public_organization(d) for d in chosen]
        return _with_services(chosen, full_service)

    return page(contents, departments.count(), number, size)


def _with_services(departments: list[Department], full_service: bool) -> list[dict[str, Any]]:
    measures = Measure.objects.public().filter(
        participations__role=Participation.Role.LEAD,
        participations__department__in=departments,
    )
    by_department: dict[int, list[dict[str, Any]]] = {d.pk: [] for d in departments}
    for measure, item in _services(measures.order_by("pk"), full=full_service):
        lead = measure.lead_department
        if lead is None or lead.pk not in by_department:
            continue
        by_department[lead.pk].append(
            item if full_service else {k: item[k] for k in ("id", "name", "status")}
        )
    result = []
    for department in departments:
        organization = public_organization(department)
        organization["services"] = by_department[department.pk]
        result.append(organization)
    return result


def organization(organization_id: str, query: QueryDict) -> dict[str, Any]:
    """One department leading public measures, with its services (id, name, status; fully
    nested with `full_service=true`)."""
    given = params.only(query, ("full_service",))
    full_service = params.boolean(given, "full_service")
    department = _department_for(params.identifier(organization_id))
    if department is None:
        raise not_found("Diese Organisation")
    return _with_services([department], full_service)[0]
