"""Figures computed from the data, cached until the network's data changes: the app's one cache.

Used by the overview's pages, the measure search and the "Datenstand" note; it lives in `core`
so that every app can use it without importing the overview.

An aggregate over twenty thousand measures costs tens of milliseconds and the committee report
needs a dozen of them, yet the measures change a few times a day. What a page computes from the
data (its matrices, gap radar, expiring measures) is cached under the data version
(`core.dataversion`) and a key naming everything else it depends on: after any write the
version is new and every figure is computed afresh.
"""

import hashlib
from collections.abc import Callable
from typing import Any, TypeVar

from django.core.cache import cache
from django.utils import timezone, translation

from praevention.core.dataversion import current_token

TIMEOUT = 24 * 60 * 60  # a day: today's figures; old versions simply age out
_MISSING = object()
T = TypeVar("T")


def remember(key: tuple[Any, ...], compute: Callable[[], T]) -> T:
    """`compute()`, or its result from the cache while the network's data is unchanged.

    `key` names, in plain values (their repr is hashed), everything besides the data that the
    result depends on; `page_key` builds it for a page. Without a data version (a database
    without the triggers) nothing is cached. The result must pickle (counts, dataclasses,
    model instances; no querysets or forms).
    """
    token = current_token()
    if token is None:
        return compute()
    digest = hashlib.sha256(repr(key).encode()).hexdigest()
    cache_key = f"figures:{token}:{digest}"
    value = cache.get(cache_key, _MISSING)
    if value is _MISSING:
        value = compute()
        cache.set(cache_key, value, TIMEOUT)
    return value


def page_key(page: str, params: str, *choices: Any) -> tuple[Any, ...]:
    """The key of a page's figures: the page, its filter parameters (`Scope.params`, encoded),
    the language (labels are translated when the figures are built), today's date (windows such
    as "the next six months" move at midnight without any write) and the page's own `choices`.
    """
    return (page, params, translation.get_language(), timezone.localdate().isoformat(), *choices)
