"""How every API endpoint answers: anonymous GET, CORS, rate limit, ETag and Last-Modified
from the data version, and the body cached under it.

`endpoint(view)` wraps a view that returns a JSON-able dict or raises `ApiError`. Order:
OPTIONS (CORS preflight) and other methods than GET/HEAD are answered first; then the client
address is counted (`core.ratelimit.hit`, 429 with `Retry-After` beyond the limit); then
`If-None-Match` / `If-Modified-Since` are compared with the data version (304 without
computing anything); then the body is taken from the cache or computed and kept there under
the data version, so a second request for the same URL reads no measure at all.
"""

import hashlib
import json
from collections.abc import Callable
from functools import wraps
from typing import Any

from django.conf import settings
from django.contrib.auth.decorators import login_not_required
from django.core.cache import cache
from django.http import HttpRequest, HttpResponse
from django.utils.http import http_date, parse_http_date_safe
from django.views.decorators.csrf import csrf_exempt

from praevention.accounts.lockout import client_ip
from praevention.api.errors import ApiError
from praevention.core import ratelimit
from praevention.core.dataversion import current_version

ALLOWED_METHODS = "GET, HEAD, OPTIONS"
# Bodies are kept this long at most; a new data version makes them unreachable at once.
BODY_TIMEOUT_S = 3600
CORS_HEADERS = {
    "Access-Control-Allow-Origin": "*",
    "Access-Control-Expose-Headers": "ETag, Last-Modified, Retry-After",
}
PREFLIGHT_HEADERS = {
    "Access-Control-Allow-Methods": ALLOWED_METHODS,
    "Access-Control-Allow-Headers": "If-None-Match, If-Modified-Since",
    "Access-Control-Max-Age": "86400",
}

JsonView = Callable[..., dict[str, Any] | bytes]


def dumps(data: Any) -> bytes:
    return json.dumps(data, ensure_ascii=False, separators=(",", ":")).encode()


def _with_cors(response: HttpResponse) -> HttpResponse:
    for name, value in CORS_HEADERS.items():
        response[name] = value
    return response


def _not_modified(request: HttpRequest, etag: str, last_modified: int | None) -> bool:
    """RFC 9110: If-None-Match decides when present, else If-Modified-Since."""
    if_none_match = request.headers.get("If-None-Match")
    if if_none_match is not None:
        tags = {tag.strip().removeprefix("W/") for tag in if_none_match.split(",")}
        return etag in tags or "*" in tags
    since = parse_http_date_safe(request.headers.get("If-Modified-Since") or "")
    return since is not None and last_modified is not None and last_modified <= since


def rate_limited(request: HttpRequest) -> HttpResponse | None:
    """429 with Retry-After when this address made more than `settings.HSDS_RATE_LIMIT`
    requests in `settings.HSDS_RATE_WINDOW_S` seconds; None when it may go on."""
    address = client_ip(request) or "unknown"
    decision = ratelimit.hit(
        f"hsds:{address}", limit=settings.HSDS_RATE_LIMIT, window=settings.HSDS_RATE_WINDOW_S
    )
    if decision.allowed:
        return None
    error = ApiError(
        429,
        "too_many_requests",
        f"Zu viele Anfragen von dieser Adresse: höchstens {settings.HSDS_RATE_LIMIT} in "
        f"{settings.HSDS_RATE_WINDOW_S} Sekunden. Bitte nach {decision.retry_after} Sekunden "
        "erneut versuchen.",
    )
    response = error.response()
    response["Retry-After"] = str(decision.retry_after)
    return response


def endpoint(view: JsonView) -> Callable[..., HttpResponse]:
    """Make `view` (request, **kwargs) -> dict a public API endpoint (see the module).

    A view may return the JSON as bytes already; those are not put in the cache (the API
    description, 6 MB, is the same for every data version and kept by `spec` itself).
    """

    @login_not_required
    @csrf_exempt
    @wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if request.method == "OPTIONS":
            response = HttpResponse(status=204)
            for name, value in PREFLIGHT_HEADERS.items():
                response[name] = value
            response["Allow"] = ALLOWED_METHODS
            return _with_cors(response)
        if request.method not in ("GET", "HEAD"):
            response = ApiError(
                405, "method_not_allowed", "Diese Schnittstelle kann nur gelesen werden (GET)."
            ).response()
            response["Allow"] = ALLOWED_METHODS
            return _with_cors(response)
        refused = rate_limited(request)
        if refused is not None:
            return _with_cors(refused)

        version = current_version()
        etag = last_modified = None
        if version is not None:
            token, changed_at = version
            # The body depends on the data, the URL (with host: absolute links) and one setting.
            fingerprint = f"{token}|{request.build_absolute_uri()}|{settings.HSDS_PUBLISH_BUDGET}"
            digest = hashlib.sha256(fingerprint.encode()).hexdigest()
            etag = f'"{digest[:32]}"'
            last_modified = int(changed_at.timestamp()) if changed_at else None
            if _not_modified(request, etag, last_modified):
                response = HttpResponse(status=304)
                response["ETag"] = etag
                if last_modified is not None:
                    response["Last-Modified"] = http_date(last_modified)
                return _with_cors(response)
        key = f"hsds:body:{etag}" if etag else None
        body = cache.get(key) if key else None
        if body is None:
            try:
                answer = view(request, *args, **kwargs)
            except ApiError as error:
                return _with_cors(error.response())
            if isinstance(answer, bytes):
                body = answer
            else:
                body = dumps(answer)
                if key:
                    cache.set(key, body, BODY_TIMEOUT_S)
        response = HttpResponse(body, content_type="application/json")
        if etag:
            response["ETag"] = etag
        if last_modified is not None:
            response["Last-Modified"] = http_date(last_modified)
        # Shared caches may keep it, but must ask (cheaply, by ETag) before reusing it.
        response["Cache-Control"] = "public, no-cache"
        return _with_cors(response)

    return wrapper
