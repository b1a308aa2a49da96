"""Rate limits whose counters live in the database, where no cache eviction can erase them.

Issue #28, fault 3: the password-reset counters lived in the cache; 330 requests with random
addresses filled it until it culled the counters, and the per-machine limit let 80 through
instead of 20. A counter here is one row of `core.RateCounter` per key, counted up in a fixed
window by one atomic `INSERT … ON CONFLICT DO UPDATE … RETURNING` (PostgreSQL, and SQLite ≥ 3.35
for `make run`): concurrent requests in several workers never lose a count, and no read-modify-
write race lets two requests both see "under the limit".

    decision = hit(f"password-reset:ip:{address}", limit=20, window=3600)
    if not decision.allowed:
        ...  # answer 429 with Retry-After: decision.retry_after

Keys are stored as given (at most 200 characters): hash personal data (e-mail addresses) before
making a key of it. Expired rows are removed by `purge_expired()`, which the daily
`apply_retention` command calls.
"""

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from math import ceil

from django.db import connection
from django.utils import timezone

from praevention.core.models import RateCounter

KEY_MAX_LENGTH = 200


@dataclass(frozen=True)
class RateDecision:
    """The answer for one counted request.

    allowed: True while the window's count (this request included) is at most the limit.
    retry_after: whole seconds until the window ends and the count starts again (≥ 1).
    count: the window's count including this request.
    """

    allowed: bool
    retry_after: int
    count: int


def hit(key: str, *, limit: int, window: int, now: datetime | None = None) -> RateDecision:
    """Count one request under `key` in a fixed window of `window` seconds.

    The first request for a key (or the first after its window ended) starts a window of
    `window` seconds with count 1; each further request in it adds 1. Refused requests count
    too, so hammering a limit does not shorten it. One SQL statement; raises ValueError for an
    empty key or one longer than KEY_MAX_LENGTH, or a limit or window below 1.
    """
    if not key or len(key) > KEY_MAX_LENGTH:
        raise ValueError(f"rate-limit key must have 1–{KEY_MAX_LENGTH} characters: {key!r}")
    if limit < 1 or window < 1:
        raise ValueError("limit and window must be at least 1")
    now = now or timezone.now()
    expires = now + timedelta(seconds=window)
    table = connection.ops.quote_name(RateCounter._meta.db_table)
    # Plain SQL because the ORM has no upsert returning the row it wrote (STYLE.md habit 13).
    sql = f"""
        INSERT INTO {table} (key, count, expires_at) VALUES (%s, 1, %s)
        ON CONFLICT (key) DO UPDATE SET
            count = CASE WHEN {table}.expires_at <= %s THEN 1 ELSE {table}.count + 1 END,
            expires_at = CASE WHEN {table}.expires_at <= %s THEN %s ELSE {table}.expires_at END
        RETURNING count, expires_at
    """
    ops = connection.ops
    at_now, at_expiry = ops.adapt_datetimefield_value(now), ops.adapt_datetimefield_value(expires)
    params = [key, at_expiry, at_now, at_now, at_expiry]
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        count, expires_at = cursor.fetchone()
    if isinstance(expires_at, str):  # SQLite hands back the stored text
        expires_at = datetime.fromisoformat(expires_at)
    if timezone.is_naive(expires_at):
        expires_at = expires_at.replace(tzinfo=UTC)
    retry_after = max(1, ceil((expires_at - now).total_seconds()))
    return RateDecision(allowed=count <= limit, retry_after=retry_after, count=count)


def purge_expired(now: datetime | None = None) -> int:
    """Delete the counters whose window has ended; return how many rows went."""
    deleted, _ = RateCounter.objects.filter(expires_at__lte=now or timezone.now()).delete()
    return deleted
