"""Checks of `manage.py check --deploy` beyond Django's own.

Issue #12, fault 13: without a mail server, password-reset mails vanish silently (the
SMTP default `localhost` has no mail server in the container); the deployment check says so.
Issue #29: without SITE_URL every link in a mail points to localhost; that is an error.
"""

from urllib.parse import urlsplit

from django.conf import settings
from django.core import checks

# Backends that never deliver a mail to anyone.
LOCAL_BACKENDS = ("console", "dummy", "locmem", "filebased")


def _mail_backend():
    mailers = getattr(settings, "MAILERS", None)
    if mailers:
        return mailers.get("default", {}).get("BACKEND", "")
    return getattr(settings, "EMAIL_BACKEND", "")


@checks.register(checks.Tags.security, deploy=True)
def mail_server_configured(app_configs=None, **kwargs):
    """W001 when production would not send mails: a local-only backend, or SMTP without an
    EMAIL_HOST set (then the default `localhost` is used, which rarely runs a mail server)."""
    backend = _mail_backend()
    local = any(f".{name}." in backend for name in LOCAL_BACKENDS)
    unset_smtp = backend.endswith("smtp.EmailBackend") and not settings.EMAIL_HOST_CONFIGURED
    if settings.DEBUG or not (local or unset_smtp):
        return []
    return [
        checks.Warning(
            "No mail server is configured: password-reset mails will not reach anyone.",
            hint=(
                "Set EMAIL_HOST (and EMAIL_PORT, EMAIL_HOST_USER, EMAIL_HOST_PASSWORD, "
                "EMAIL_USE_TLS) to the district's SMTP server, see .env.example; if a mail "
                "server really listens on localhost, set EMAIL_HOST=localhost."
            ),
            id="praevention.W001",
        )
    ]


@checks.register(checks.Tags.caches, deploy=True)
def shared_cache_configured(app_configs=None, **kwargs):
    """W002 when production keeps its cache in each process's memory (no CACHE_URL): gunicorn
    runs several workers, each computing the overview's figures and PDFs again and keeping
    its own import previews. (Rate limits do not depend on it: their counters live in the
    database, core/ratelimit.py.)"""
    backend = settings.CACHES["default"]["BACKEND"]
    if settings.DEBUG or not backend.endswith("locmem.LocMemCache"):
        return []
    return [
        checks.Warning(
            "The cache lives in each worker's memory: every worker computes figures again.",
            hint=(
                "Set CACHE_URL to a cache all workers share, e.g. "
                "CACHE_URL=dbcache://praevention_cache (the Docker image runs "
                "`manage.py createcachetable` on start), see .env.example."
            ),
            id="praevention.W002",
        )
    ]


@checks.register(checks.Tags.security, deploy=True)
def site_url_configured(app_configs=None, **kwargs):
    """E001 when production has no SITE_URL: every link in a mail sent outside a request (the
    weekly digest) would point to the default http://localhost:8000 (issue #26, item 8;
    issue #29, fault 4). E002 when SITE_URL is not an absolute http(s) address. A check,
    not a settings error, so `make test` and `manage.py` run without it."""
    if settings.DEBUG:
        return []
    if not settings.SITE_URL_CONFIGURED:
        return [
            checks.Error(
                "SITE_URL is not set: links in e-mails would point to http://localhost:8000.",
                hint=(
                    "Set SITE_URL to the address people open the app at, e.g. "
                    "SITE_URL=https://praevention.example.berlin.de, see .env.example."
                ),
                id="praevention.E001",
            )
        ]
    parts = urlsplit(settings.SITE_URL)
    if parts.scheme not in ("http", "https") or not parts.netloc:
        return [
            checks.Error(
                f"SITE_URL {settings.SITE_URL!r} is not an absolute http(s) address.",
                hint="Write it with scheme and host, e.g. https://praevention.example.berlin.de",
                id="praevention.E002",
            )
        ]
    return []
