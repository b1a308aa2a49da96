"""Waiting for a row another request has locked: short, and answered in German.

Issue #28, fault 4: confirming a measure an import held answered 500 after 3 s; issue #12 had
fixed the same for the measure form only. Now every path is covered in two places:

- Every PostgreSQL connection waits at most `settings.DB_LOCK_TIMEOUT_MS` for a lock (the
  connection option `lock_timeout`, settings.py), so no write path can forget it.
- `LockWaitMiddleware` turns a lock wait that ended (SQLSTATE 55P03, lock_not_available) into
  a German 409 "bitte gleich erneut versuchen"; every other database error stays what it is (a
  500 or the health check's 503), never reported as a lock wait.

Forms that can show the message next to the input (the measure form) catch it earlier through
`measures.services.explain_lock_timeout`, which asks `is_lock_timeout` too.
"""

from django.core.exceptions import ValidationError
from django.db import OperationalError
from django.shortcuts import render

LOCK_NOT_AVAILABLE = "55P03"  # PostgreSQL's SQLSTATE when lock_timeout ends a wait


BUSY = "busy"  # the code of the German ValidationError a service raises after a lock wait


def is_lock_timeout(error: BaseException) -> bool:
    """True when `error` (a django.db error) is PostgreSQL ending a lock wait, nothing else."""
    if not isinstance(error, OperationalError):
        return False
    cause = error.__cause__
    # psycopg 3 names the SQLSTATE `sqlstate`, psycopg2 `pgcode`.
    code = getattr(cause, "sqlstate", None) or getattr(cause, "pgcode", None)
    return code == LOCK_NOT_AVAILABLE


class LockWaitMiddleware:
    """A request whose write waited too long for a locked row gets a German 409."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exception):
        if is_lock_timeout(exception):
            messages = []
        elif isinstance(exception, ValidationError) and all(
            error.code == BUSY for error in exception.error_list
        ):
            # A service's own German message (it names the measure) that no form showed.
            messages = [message for error in exception.error_list for message in error]
        else:
            return None
        response = render(request, "409.html", {"messages_busy": messages}, status=409)
        response["Retry-After"] = "5"
        return response
