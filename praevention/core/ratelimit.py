"""Stand-in for the safety engineer's rate limiter (issue #28), with the agreed interface
`hit(key, *, limit, window) -> RateDecision`. Replaced by theirs when main brings it.

Fixed windows counted in the default cache.
"""

import time
from dataclasses import dataclass

from django.core.cache import cache


@dataclass(frozen=True)
class RateDecision:
    allowed: bool
    retry_after: int  # seconds until the next request is allowed (0 when allowed)


def hit(key: str, *, limit: int, window: int) -> RateDecision:
    """Count one request for `key`; refused when more than `limit` fell into this window."""
    now = int(time.time())
    start = now - now % window
    counter = f"ratelimit:{key}:{start}"
    cache.add(counter, 0, timeout=window + 1)
    try:
        count = cache.incr(counter)
    except ValueError:
        cache.set(counter, 1, timeout=window + 1)
        count = 1
    if count > limit:
        return RateDecision(allowed=False, retry_after=max(1, start + window - now))
    return RateDecision(allowed=True, retry_after=0)
