"""Logging: what an operator reads in the log."""

import logging


class ClientErrorWithoutTraceback(logging.Filter):
    """Django logs a refused request (403 for a missing role, 404, 400) with the exception's
    traceback; that is the user's request, not a fault of the app, so it keeps its one line
    ("Forbidden (Permission denied): /bericht/bericht.xlsx") and drops the traceback. Server
    errors (5xx) keep theirs.
    """

    def filter(self, record: logging.LogRecord) -> bool:
        if getattr(record, "status_code", 500) < 500:
            record.exc_info = None
            record.exc_text = None
        return True
