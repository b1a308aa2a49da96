"""The API's query parameters, checked strictly: anything unknown or malformed is a 400.

Each function raises `ApiError` (status 400, code `invalid_parameter` or `unknown_parameter`)
with a German message that names the parameter and what it accepts.
"""

import datetime
import uuid
from collections.abc import Collection

from django.http import QueryDict
from django.utils import timezone

from praevention.api.errors import ApiError
from praevention.core.text import normalize_line

# Pages of services and other lists (issue #25: "pages of up to 100 services").
MAX_PER_PAGE = 100
DEFAULT_PER_PAGE = 50
MAX_PAGE = 1_000_000
MAX_SEARCH_LENGTH = 200
TRUE, FALSE = "true", "false"


def invalid(parameter: str, message: str) -> ApiError:
    return ApiError(400, "invalid_parameter", message, parameter=parameter)


def only(query: QueryDict, allowed: Collection[str]) -> dict[str, str]:
    """The query as {name: value}; an unknown or repeated parameter is refused."""
    unknown = sorted(set(query) - set(allowed))
    if unknown:
        raise ApiError(
            400,
            "unknown_parameter",
            "Unbekannter Parameter „{}“. Erlaubt sind: {}.".format(
                unknown[0], ", ".join(sorted(allowed)) or "keine"
            ),
            parameter=unknown[0],
        )
    values = {}
    for name in query:
        given = query.getlist(name)
        if len(given) > 1:
            raise invalid(name, f"Der Parameter „{name}“ darf nur einmal vorkommen.")
        values[name] = given[0]
    return values


def integer(params: dict[str, str], name: str, default: int, minimum: int, maximum: int) -> int:
    """A whole number minimum … maximum (decimal digits only); `default` when absent."""
    value = params.get(name)
    if value is None:
        return default
    if not (value.isascii() and value.isdigit()) or not minimum <= int(value) <= maximum:
        raise invalid(
            name,
            f"„{name}“ muss eine ganze Zahl von {minimum} bis {maximum} sein, "
            f"nicht „{value[:40]}“.",
        )
    return int(value)


def page_and_size(params: dict[str, str]) -> tuple[int, int]:
    """(page, per_page): page from 1, per_page 1 … MAX_PER_PAGE (default DEFAULT_PER_PAGE)."""
    return (
        integer(params, "page", 1, 1, MAX_PAGE),
        integer(params, "per_page", DEFAULT_PER_PAGE, 1, MAX_PER_PAGE),
    )


def boolean(params: dict[str, str], name: str) -> bool:
    """`true` or `false` (absent: false)."""
    value = params.get(name)
    if value is None:
        return False
    if value not in (TRUE, FALSE):
        raise invalid(name, f"„{name}“ muss „true“ oder „false“ sein, nicht „{value[:40]}“.")
    return value == TRUE


def moment(params: dict[str, str], name: str) -> datetime.datetime | None:
    """An ISO 8601 date and time (`2026-12-01T08:00:00+01:00`, `2026-12-01T07:00:00Z`, or a
    date `2026-12-01` meaning its midnight); without a zone, the app's time zone (Berlin)."""
    value = params.get(name)
    if value is None:
        return None
    try:
        parsed = datetime.datetime.fromisoformat(value)
    except ValueError:
        parsed = None
    if parsed is None or not 1990 <= parsed.year <= 2100:
        raise invalid(
            name,
            f"„{name}“ muss ein Zeitpunkt nach ISO 8601 sein, z. B. "
            f"2026-12-01T08:00:00+01:00 oder 2026-12-01, nicht „{value[:40]}“.",
        )
    if timezone.is_naive(parsed):
        parsed = timezone.make_aware(parsed)
    return parsed


def identifier(value: str, name: str = "id") -> uuid.UUID:
    """An HSDS identifier: a UUID such as ac148810-d857-441c-9679-408f346de14b."""
    try:
        return uuid.UUID(value)
    except ValueError:
        raise invalid(
            name,
            f"„{name}“ muss eine UUID sein (z. B. ac148810-d857-441c-9679-408f346de14b), "
            f"nicht „{value[:40]}“.",
        ) from None


def optional_identifier(params: dict[str, str], name: str) -> uuid.UUID | None:
    value = params.get(name)
    return None if value is None else identifier(value, name)


def text(params: dict[str, str], name: str) -> str:
    """Free text for a search, normalised like every text entering the app."""
    value = normalize_line(params.get(name) or "")
    if len(value) > MAX_SEARCH_LENGTH:
        raise invalid(name, f"„{name}“ darf höchstens {MAX_SEARCH_LENGTH} Zeichen lang sein.")
    return value


def json_format(params: dict[str, str]) -> None:
    """`format` may only be `json` (the default): no ndjson stream."""
    value = params.get("format")
    if value is not None and value != "json":
        raise invalid(
            "format", f"„format“ kann nur „json“ sein; „{value[:40]}“ wird nicht angeboten."
        )
