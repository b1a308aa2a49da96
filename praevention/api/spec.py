"""The official HSDS 3.0 API description, vendored in `api/hsds/schema/` unchanged (CC BY-SA
4.0, see `api/hsds/README.md` and `NOTICE`), with every `$ref` resolved locally.

The official `openapi.json` refers to its schemas by their GitHub addresses
(`https://raw.githubusercontent.com/openreferral/specification/3.0/schema/…`). No request
may leave the app or its tests, so `openapi_document` reads each referenced file from the
vendored folder, puts it under `components/schemas` and points the `$ref` there: one
self-contained document, served at /api/hsds/openapi.json and used by the conformance tests.
"""

import copy
import functools
import json
from pathlib import Path
from typing import Any

from django.conf import settings

HSDS_DIR = Path(__file__).parent / "hsds" / "schema"
REMOTE = "https://raw.githubusercontent.com/openreferral/specification/3.0/schema/"
# Optional in HSDS and not offered: the app has no locations (a measure's places are its
# social spaces, sent as service_areas).
NOT_OFFERED = ("/service_at_locations", "/service_at_locations/{id}")


@functools.cache
def schema_file(relative: str) -> dict[str, Any]:
    """One vendored schema file, e.g. "compiled/service.json", as a dict."""
    path = (HSDS_DIR / relative).resolve()
    if HSDS_DIR.resolve() not in path.parents:
        raise ValueError(relative)
    return json.loads(path.read_text(encoding="utf-8"))


def component_name(relative: str) -> str:
    """ "compiled/service.json" -> "hsds_compiled_service"."""
    return "hsds_" + relative.removesuffix(".json").replace("/", "_")


def _localise(value: Any, found: set[str]) -> Any:
    if isinstance(value, dict):
        result = {}
        for key, item in value.items():
            if key == "$ref" and isinstance(item, str) and item.startswith(REMOTE):
                relative = item.removeprefix(REMOTE)
                found.add(relative)
                result[key] = f"#/components/schemas/{component_name(relative)}"
            else:
                result[key] = _localise(item, found)
        return result
    if isinstance(value, list):
        return [_localise(item, found) for item in value]
    return value


@functools.cache
def official_document() -> dict[str, Any]:
    """The official openapi.json with its remote $refs pointing into components/schemas,
    where the vendored files are; nothing else changed. Raises when a file is missing."""
    found: set[str] = set()
    document = _localise(schema_file("openapi.json"), found)
    schemas = document.setdefault("components", {}).setdefault("schemas", {})
    for relative in sorted(found):
        referenced = schema_file(relative)
        if REMOTE in json.dumps(referenced):
            raise ValueError(f"{relative} refers to another remote file")
        schemas[component_name(relative)] = referenced
    return document


def openapi_document(base_url: str = "/api/hsds") -> dict[str, Any]:
    """The description of this API: the official document (`official_document`) with our
    info and server filled in and the optional operations we do not offer left out."""
    document = copy.copy(official_document())
    document["paths"] = {
        path: item for path, item in document["paths"].items() if path not in NOT_OFFERED
    }
    document["info"] = {
        "title": "Präventionsnetz: offene Daten (HSDS 3.0)",
        "version": "1.0",
        "summary": "Öffentlich freigegebene Maßnahmen des Präventionsnetzes als HSDS 3.0",
        "description": API_DESCRIPTION,
        "license": {
            "name": settings.HSDS_DATA_LICENSE_NAME,
            "url": settings.HSDS_DATA_LICENSE_URL,
        },
    }
    document["servers"] = [{"url": base_url}]
    return document


@functools.lru_cache(maxsize=8)
def openapi_json(base_url: str) -> bytes:
    """`openapi_document(base_url)` as compact JSON, made once per process and address."""
    document = openapi_document(base_url)
    return json.dumps(document, ensure_ascii=False, separators=(",", ":")).encode()


API_DESCRIPTION = """\
Nur lesend, ohne Anmeldung. Es erscheinen nur Maßnahmen, die die Koordination als öffentlich \
markiert hat, und nur freigegebene Felder (keine Namen, Telefonnummern oder persönlichen \
E-Mail-Adressen von Beschäftigten; ein Budget nur, wenn das Netzwerk es freigibt).

Änderungen: `modified_after` liefert Maßnahmen, deren eigene Felder, Katalogzuordnungen, \
Beteiligungen oder Freigabe sich zu oder nach diesem Zeitpunkt geändert haben. Eine Maßnahme, \
die nicht mehr öffentlich ist, verschwindet einfach: Wer Löschungen bemerken will, liest die \
Liste regelmäßig vollständig (alle Seiten) und vergleicht die ids.

Seiten: `page` ab 1, `per_page` 1 bis 100 (Standard 50). `format` nur `json`.

Fehler sind kleine JSON-Objekte (HSDS definiert keine): \
`{"status": 400, "error": "invalid_parameter", "parameter": "page", "message": "…"}`; \
error ist `invalid_parameter` oder `unknown_parameter` (400), `not_found` (404), \
`method_not_allowed` (405) oder `too_many_requests` (429, mit Retry-After). Unbekannte \
Parameter werden abgelehnt, nicht übergangen.

Caching: ETag und Last-Modified folgen dem Datenstand; If-None-Match bzw. If-Modified-Since \
ergeben 304. CORS für GET ist offen. Je Adresse gilt ein Anfragelimit pro Minute (429 mit \
Retry-After).
"""
