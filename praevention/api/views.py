"""The HSDS 3.0 endpoints under /api/hsds/: thin wrappers around `pages` (see `http.endpoint`
for what every answer has in common)."""

from typing import Any

from django.conf import settings
from django.http import HttpRequest

from praevention.api import pages, params, spec
from praevention.api.errors import ApiError
from praevention.api.http import endpoint
from praevention.catalog import districts


@endpoint
def info(request: HttpRequest) -> dict[str, Any]:
    """GET /: which HSDS version, where the API description is, what a client must know."""
    params.only(request.GET, ())
    return {
        "version": pages.HSDS_VERSION,
        "openapi_url": request.build_absolute_uri("openapi.json"),
        "x_praeventionsnetz": {
            "district": districts.current_name(),
            "description": spec.API_DESCRIPTION,
            "removals": "Maßnahmen, die nicht mehr öffentlich sind, verschwinden ohne Meldung; "
            "um das zu bemerken, die Liste vollständig neu lesen.",
            "rate_limit": {
                "requests": settings.HSDS_RATE_LIMIT,
                "window_seconds": settings.HSDS_RATE_WINDOW_S,
            },
            "max_per_page": params.MAX_PER_PAGE,
            "data_license": settings.HSDS_DATA_LICENSE_URL,
        },
    }


@endpoint
def openapi(request: HttpRequest) -> bytes:
    params.only(request.GET, ())
    return spec.openapi_json(request.build_absolute_uri(".").rstrip("/"))


@endpoint
def services(request: HttpRequest) -> dict[str, Any]:
    return pages.service_list(request.GET)


@endpoint
def service(request: HttpRequest, id: str) -> dict[str, Any]:
    params.only(request.GET, ())
    return pages.service(id)


@endpoint
def organizations(request: HttpRequest) -> dict[str, Any]:
    return pages.organization_list(request.GET)


@endpoint
def organization(request: HttpRequest, id: str) -> dict[str, Any]:
    return pages.organization(id, request.GET)


@endpoint
def taxonomies(request: HttpRequest) -> dict[str, Any]:
    return pages.taxonomy_list(request.GET)


@endpoint
def taxonomy(request: HttpRequest, id: str) -> dict[str, Any]:
    params.only(request.GET, ())
    return pages.taxonomy(id)


@endpoint
def taxonomy_terms(request: HttpRequest) -> dict[str, Any]:
    return pages.term_list(request.GET)


@endpoint
def taxonomy_term(request: HttpRequest, id: str) -> dict[str, Any]:
    params.only(request.GET, ())
    return pages.term(id)


@endpoint
def not_found(request: HttpRequest, rest: str) -> dict[str, Any]:
    """Anything else under the prefix: a JSON 404, not the HTML page."""
    raise ApiError(404, "not_found", "Diesen Pfad gibt es in der Schnittstelle nicht.")
