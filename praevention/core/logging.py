"""Logging: what an operator reads in the log."""

import logging


class ClientErrorWithoutTraceback(logging.Filter):
    """Django logs a refused request (403 for a missing role, 400 for an unknown host name or
    too much data) with the exception's traceback; that is the request's fault, not the
    app's, so it keeps its one line ("Forbidden (Permission denied): /bericht/bericht.xlsx")
    and drops the traceback. Server errors (5xx) and records without a status keep theirs.
    """

    def filter(self, record: logging.LogRecord) -> bool:
        if getattr(record, "status_code", 500) < 500:
            record.exc_info = None
            record.exc_text = None
        return True
