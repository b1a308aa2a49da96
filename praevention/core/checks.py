"""Checks of `manage.py check --deploy` beyond Django's own.

Issue #12, fault 13: without a mail server, password-reset mails vanish silently (the
SMTP default `localhost` has no mail server in the container); the deployment check says so.
"""

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
