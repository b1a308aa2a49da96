"""gunicorn's access log without password-reset tokens (issue #28, fault 8).

A reset link (/konto/passwort/neu/<uid>/<token>/) is a password for a while: whoever reads the
access log could use it before its owner does. `deploy/gunicorn.conf.py` names this logger
class (`logger_class`); it writes the log as gunicorn does, with the token replaced by "…"
in the request line, the path and the referring page. Django's confirm view answers the token
URL with a redirect to …/set-password/, so the token appears in exactly one request.
"""

import re

from gunicorn.glogging import Logger

# The token part of accounts:password_reset_confirm; "set-password" is Django's stand-in.
RESET_TOKEN = re.compile(r"(/passwort/neu/[^/\s?#]+/)(?!set-password/)[^/\s?#]+")
MASKED_ATOMS = ("r", "U", "f")


def mask_reset_tokens(text: str) -> str:
    """`text` (a request line, path or URL) with every reset token replaced by "…"."""
    return RESET_TOKEN.sub(r"\1…", text)


class MaskingLogger(Logger):
    """gunicorn's logger; the access log's request line, path and referrer are masked."""

    def atoms(self, resp, req, environ, request_time):
        atoms = super().atoms(resp, req, environ, request_time)
        for key in MASKED_ATOMS:
            if isinstance(atoms.get(key), str):
                atoms[key] = mask_reset_tokens(atoms[key])
        for key, value in list(atoms.items()):
            if key.endswith("}i") and isinstance(value, str):  # request headers (Referer)
                atoms[key] = mask_reset_tokens(value)
        return atoms
