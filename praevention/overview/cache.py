"""The overview's figures, cached until the network's data changes.

An aggregate over twenty thousand measures costs tens of milliseconds and the committee report
needs a dozen of them, yet the measures change a few times a day. A figure is cached under its
SQL, its parameters and the data version (`core.dataversion`): after any write the key is new
and the figure is computed afresh.
"""

import hashlib

from django.core.cache import cache

from praevention.core.dataversion import current_token

TIMEOUT = 24 * 60 * 60  # a day: figures of today's date; old tokens simply age out
_MISSING = object()


def remember(queryset, compute, label=""):
    """`compute()`, or its result from the cache while the data behind `queryset` is unchanged.

    The key is the queryset's compiled SQL and parameters (dates such as "today" are among
    them) plus `label` for different results of the same query (rows, a count).
    """
    sql, params = queryset.query.sql_with_params()
    return remember_for((label, sql, params), compute)


def remember_for(parts, compute):
    """`compute()`, or its result from the cache while the data version is unchanged.

    `parts` (any repr-able value) names the result: everything it depends on besides the
    data, e.g. a page's parameters, its language and today's date.
    """
    token = current_token()
    if token is None:
        return compute()
    digest = hashlib.sha256(repr(parts).encode()).hexdigest()
    key = f"figures:{token}:{digest}"
    value = cache.get(key, _MISSING)
    if value is _MISSING:
        value = compute()
        cache.set(key, value, TIMEOUT)
    return value


def rows(queryset):
    """The rows of an aggregate `values()`/`values_list()` queryset, cached."""
    return remember(queryset, lambda: list(queryset), "rows")
