"""How long login records are kept (issue #28, fault 8: every login was kept forever).

django-axes writes a row per login (`axes_accesslog`), per failed login
(`axes_accessfailurelog`) and per locked account/machine pair (`axes_accessattempt`), each
with the address entered, the client's IP address and its browser. They serve the lockout
(minutes) and the investigation of an attack (weeks), not more: after
`settings.LOGIN_RECORD_RETENTION_DAYS` (default 90) they are deleted by `apply_retention`,
which the deployment's scheduler runs every night.
"""

from datetime import datetime, timedelta

from axes.models import AccessAttempt, AccessFailureLog, AccessLog
from django.conf import settings
from django.utils import timezone


def purge_login_records(now: datetime | None = None) -> int:
    """Delete the login records older than LOGIN_RECORD_RETENTION_DAYS; return how many."""
    cutoff = (now or timezone.now()) - timedelta(days=settings.LOGIN_RECORD_RETENTION_DAYS)
    deleted = 0
    for model in (AccessLog, AccessFailureLog, AccessAttempt):
        count, _ = model.objects.filter(attempt_time__lt=cutoff).delete()
        deleted += count
    return deleted
