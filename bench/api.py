"""Server time of the public HSDS API (issue #25) against its bare SQL, all measures public.

Run it on PostgreSQL with 20,000 synthetic measures (a throwaway cluster, nothing to set up):

    cd /work/main && SECRET_KEY=x DEBUG=0 DB_STATEMENT_TIMEOUT_MS=600000 \\
      .ci/with-postgres bash -c \\
      '.venv/bin/python manage.py migrate -v0 && .venv/bin/python manage.py seed_demo \\
       && .venv/bin/python manage.py seed_synthetic --measures 20000 \\
       && .venv/bin/python bench/api.py'

It marks every measure that is not archived "öffentlich" (as a coordinator's bulk click
does), then times each URL anonymously through django.test.Client (the whole middleware
stack, production settings, the rate limit lifted):

- warm ms: median of 20 requests after 2 warm-up requests: the body comes from the cache under
  the data version (what clients get while nothing changes);
- cold ms: the same with the cache emptied before every request: the page computed anew;
- SQL ms: the statements a cold request runs (captured once), executed directly with a cursor
  and fetched, median of 20 runs;
- cold/SQL: what the app adds to its SQL. Targets (issue #25): /services?per_page=100 warm at
  most 30 ms, cold at most 2x its SQL; /services/{id} warm at most 10 ms.
BENCH_REQUESTS=50 takes more samples.
"""

import os
import statistics
import sys
import time
from pathlib import Path
from urllib.parse import quote

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "praevention.settings")

import django  # noqa: E402

django.setup()

from django.core.cache import cache  # noqa: E402
from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext, override_settings  # noqa: E402
from django.utils import timezone  # noqa: E402

from praevention.exchange.exporting import hsds_uuid  # noqa: E402
from praevention.measures.models import Measure  # noqa: E402
from praevention.measures.services import measures_set_public  # noqa: E402

REQUESTS = int(os.environ.get("BENCH_REQUESTS", "20"))
WARM_UP = 2
SKIP = ("SAVEPOINT", "RELEASE SAVEPOINT", "ROLLBACK", "BEGIN", "COMMIT")
TARGETS = {"Liste per_page=100": (30.0, 2.0), "Einzeln /services/{id}": (10.0, None)}


def median_ms(function, times=REQUESTS, before=None):
    samples = []
    for _ in range(times):
        if before:
            before()
        started = time.perf_counter()
        function()
        samples.append((time.perf_counter() - started) * 1000)
    return statistics.median(samples)


def captured_sql(client, url):
    cache.clear()
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url, secure=True)
    assert response.status_code == 200, (url, response.status_code)
    return [q["sql"] for q in queries.captured_queries if not q["sql"].startswith(SKIP)]


def slowest(statements, top=2):
    """The statements that cost most, for the report."""
    timed = []
    for sql in statements:
        timed.append((median_ms(lambda sql=sql: run_sql([sql]), times=5), sql[:90]))
    return sorted(timed, reverse=True)[:top]


def run_sql(statements):
    with connection.cursor() as cursor:
        for sql in statements:
            cursor.execute(sql)
            if cursor.description:
                cursor.fetchall()


def bench(client, url):
    def request():
        response = client.get(url, secure=True)
        assert response.status_code == 200, (url, response.status_code, response.content[:300])
        return response

    size = len(request().content)
    for _ in range(WARM_UP):
        request()
    warm = median_ms(request)
    cold = median_ms(request, before=cache.clear)
    statements = captured_sql(client, url)
    run_sql(statements)
    sql = median_ms(lambda: run_sql(statements))
    if os.environ.get("BENCH_SQL"):
        for ms, statement in slowest(statements):
            print(f"    {ms:6.1f} ms  {statement}")
    return {
        "queries": len(statements),
        "kb": size / 1024,
        "warm": warm,
        "cold": cold,
        "sql": sql,
        "ratio": cold / sql if sql else float("inf"),
    }


def main():
    hidden = Measure.objects.active().filter(is_public=False).values_list("pk", flat=True)
    measures_set_public(measure_ids=list(hidden), public=True, by=None)
    if connection.vendor == "postgresql":
        # As autovacuum would after a bulk load: fresh statistics and visibility map.
        with connection.cursor() as cursor:
            for table in ("measures_measure", "measures_participation"):
                cursor.execute(f"VACUUM ANALYZE {table}")
    public = Measure.objects.public()
    count = public.count()
    version = connection.pg_version if connection.vendor == "postgresql" else ""
    load = ", ".join(f"{value:.2f}" for value in os.getloadavg())
    print(
        f"{connection.vendor} {version} · {count} öffentliche Maßnahmen · {os.cpu_count()} CPUs "
        f"(Last {load}) · Median von {REQUESTS} Anfragen"
    )
    one = hsds_uuid("measure", public.order_by("pk").values_list("pk", flat=True)[count // 2])
    yesterday = quote((timezone.now() - timezone.timedelta(days=1)).isoformat())
    urls = [
        ("Liste per_page=100", "/api/hsds/services?per_page=100"),
        ("Liste per_page=100 full", "/api/hsds/services?per_page=100&full=true"),
        ("Liste Seite 150", "/api/hsds/services?per_page=100&page=150"),
        ("Liste modified_after", f"/api/hsds/services?per_page=100&modified_after={yesterday}"),
        ("Liste search", "/api/hsds/services?per_page=100&search=Sprachf%C3%B6rderung"),
        ("Einzeln /services/{id}", f"/api/hsds/services/{one}"),
        ("Organisationen full", "/api/hsds/organizations?full=true"),
        ("Begriffe", "/api/hsds/taxonomy_terms?per_page=100"),
    ]
    client = Client(HTTP_HOST="localhost")
    print(
        f"{'':26} {'SQL-Anw.':>8} {'KB':>7} {'warm ms':>8} {'kalt ms':>8} {'SQL ms':>7} "
        f"{'kalt/SQL':>8}  Ziel"
    )
    with override_settings(
        HSDS_RATE_LIMIT=10**9,
        STORAGES={
            "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
            "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
        },
    ):
        # The first request after a change builds the id map of /services/{id} once.
        started = time.perf_counter()
        cache.clear()
        client.get(f"/api/hsds/services/{one}", secure=True)
        first = (time.perf_counter() - started) * 1000
        for name, url in urls:
            row = bench(client, url)
            target = TARGETS.get(name)
            verdict = ""
            if target:
                warm_ok = row["warm"] <= target[0]
                ratio_ok = target[1] is None or row["ratio"] <= target[1]
                verdict = f"warm ≤ {target[0]:.0f} ms" + (
                    f", kalt ≤ {target[1]:.0f}× SQL" if target[1] else ""
                )
                verdict += ": erfüllt" if warm_ok and ratio_ok else ": VERFEHLT"
            print(
                f"{name:26} {row['queries']:>8} {row['kb']:>7.1f} {row['warm']:>8.1f} "
                f"{row['cold']:>8.1f} {row['sql']:>7.1f} {row['ratio']:>8.2f}  {verdict}"
            )
        label = "Erste Anfrage /services/{id} nach einer Änderung (baut die id-Zuordnung)"
        print(f"{label}: {first:.0f} ms")
        every_page_once(client, public)


def every_page_once(client, public):
    """Paging through all public measures (per_page=100) returns each exactly once."""
    started = time.perf_counter()
    seen, number = [], 1
    while True:
        response = client.get(f"/api/hsds/services?per_page=100&page={number}", secure=True)
        body = response.json()
        seen += [service["id"] for service in body["contents"]]
        if body["last_page"]:
            break
        number += 1
    expected = {hsds_uuid("measure", pk) for pk in public.values_list("pk", flat=True)}
    once = len(seen) == len(set(seen)) and set(seen) == expected
    seconds = time.perf_counter() - started
    print(
        f"Alle {number} Seiten à 100: {len(seen)} Dienste, "
        f"{'jede öffentliche Maßnahme genau einmal' if once else 'FEHLER: doppelt oder fehlend'} "
        f"({seconds:.1f} s)"
    )


if __name__ == "__main__":
    main()
