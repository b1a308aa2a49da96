"""Time of the measure search for what people type (issue #26): synonyms and abbreviations,
compounds written together or apart, gender forms, a typo; without any cache.

Run it on PostgreSQL with 20,000 synthetic measures (a throwaway cluster, nothing to set up):

    SECRET_KEY=x DEBUG=0 .ci/with-postgres bash -c \\
      '.venv/bin/python manage.py migrate -v0 && .venv/bin/python manage.py seed_demo \\
       && .venv/bin/python manage.py seed_synthetic --measures 20000 \\
       && .venv/bin/python bench/search.py'

Per query: the median of BENCH_REQUESTS (20) runs of `search.found_ids`' computation (the
synonym list, the catalogue names, the search: three queries), with the cache out of the way,
and the number of measures found. The target: under 50 ms each.
"""

import os
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "praevention.settings")

import django  # noqa: E402

django.setup()

from django.db import connection  # noqa: E402

from praevention.measures import search  # noqa: E402
from praevention.measures.models import Measure  # noqa: E402

REQUESTS = int(os.environ.get("BENCH_REQUESTS", 20))
QUERIES = [
    "Kita",
    "Kindertageseinrichtung",
    "KJGD",
    "Kinder- und Jugendgesundheitsdienst",
    "ESU",
    "HzE",
    "Elternkindgruppe",
    "Eltern-Kind-Gruppe",
    "Schüler:innen",
    "SchülerInnen",
    "Schülerinnen und Schüler",
    "Sprachfördrung",
    "Förderung",
]


def timed(query):
    found = []
    times = []
    for _ in range(REQUESTS):
        started = time.perf_counter()
        found = search._compute_found_ids(search.query_terms(query))
        times.append((time.perf_counter() - started) * 1000)
    return statistics.median(times), len(found)


def main():
    version = connection.pg_version if connection.vendor == "postgresql" else ""
    load = ", ".join(f"{value:.2f}" for value in os.getloadavg())
    print(
        f"{connection.vendor} {version} · {Measure.objects.count()} Maßnahmen · "
        f"{os.cpu_count()} CPUs (Last {load}) · Median von {REQUESTS} Suchen, ohne Cache"
    )
    print(f"{'Suche':40} {'ms':>8} {'gefunden':>9}")
    for query in QUERIES:
        ms, count = timed(query)
        flag = "" if ms < 50 else "  > 50 ms"
        print(f"{query:40} {ms:8.1f} {count:9d}{flag}")


if __name__ == "__main__":
    main()
