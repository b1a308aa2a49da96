"""The API's errors: small JSON objects, since HSDS 3.0 defines none.

Shape (documented in the API's info and in docs/API.md):
`{"status": 400, "error": "invalid_parameter", "parameter": "page", "message": "…"}`;
`parameter` only where one parameter is at fault. Codes: `invalid_parameter`,
`unknown_parameter` (400), `not_found` (404), `method_not_allowed` (405),
`too_many_requests` (429, with `Retry-After`). Messages are German.
"""

import json
from typing import Any

from django.http import HttpResponse


class ApiError(Exception):
    """A refused request: HTTP `status`, a stable `code`, a German `message`."""

    def __init__(self, status: int, code: str, message: str, *, parameter: str | None = None):
        super().__init__(message)
        self.status = status
        self.code = code
        self.message = message
        self.parameter = parameter

    def as_json(self) -> dict[str, Any]:
        body: dict[str, Any] = {"status": self.status, "error": self.code}
        if self.parameter:
            body["parameter"] = self.parameter
        body["message"] = self.message
        return body

    def response(self) -> HttpResponse:
        return HttpResponse(
            json.dumps(self.as_json(), ensure_ascii=False),
            status=self.status,
            content_type="application/json",
        )


def not_found(what: str) -> ApiError:
    return ApiError(404, "not_found", f"{what} gibt es nicht oder sie ist nicht öffentlich.")
