"""Rate limits counted in the database (issue #28, fault 3): a window, an honest Retry-After,
no lost count between concurrent workers, and expired counters removed daily."""

from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta

import pytest
from django.core.management import call_command
from django.db import connection
from django.utils import timezone

from praevention.core.models import RateCounter
from praevention.core.ratelimit import hit, purge_expired

pytestmark = pytest.mark.django_db


def test_requests_within_the_limit_are_allowed_then_refused_until_the_window_ends():
    start = timezone.now()
    decisions = [hit("k", limit=3, window=60, now=start + timedelta(seconds=n)) for n in range(4)]
    assert [d.allowed for d in decisions] == [True, True, True, False]
    assert decisions[-1].retry_after == 57
    later = hit("k", limit=3, window=60, now=start + timedelta(seconds=61))
    assert later.allowed and later.count == 1


def test_keys_are_counted_apart():
    for _ in range(2):
        hit("a", limit=1, window=60)
    assert hit("b", limit=1, window=60).allowed
    assert not hit("a", limit=1, window=60).allowed


@pytest.mark.parametrize(("key", "limit", "window"), [("", 1, 1), ("x" * 201, 1, 1), ("k", 0, 1)])
def test_a_meaningless_limit_is_a_programming_error(key, limit, window):
    with pytest.raises(ValueError):
        hit(key, limit=limit, window=window)


def test_expired_counters_are_purged_by_the_daily_retention_command(capsys):
    now = timezone.now()
    hit("old", limit=5, window=10, now=now - timedelta(seconds=20))
    hit("current", limit=5, window=3600, now=now)
    call_command("apply_retention")
    assert list(RateCounter.objects.values_list("key", flat=True)) == ["current"]
    assert "rate counters deleted: 1" in capsys.readouterr().out
    assert purge_expired() == 0


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_concurrent_workers_lose_no_count():
    if connection.vendor != "postgresql":
        pytest.skip("concurrency is a PostgreSQL property")

    def burst(_):
        try:
            return [hit("shared", limit=20, window=600).allowed for _ in range(5)]
        finally:
            connection.close()

    with ThreadPoolExecutor(max_workers=8) as pool:
        allowed = [a for answers in pool.map(burst, range(8)) for a in answers]
    assert allowed.count(True) == 20
    assert RateCounter.objects.get(key="shared").count == 40
