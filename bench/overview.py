"""Server time of the list, detail, overview, gap and report pages against their bare SQL.

Run it on PostgreSQL with 20,000 synthetic measures (a throwaway cluster, nothing to set up):

    cd /work/main && SECRET_KEY=x DEBUG=0 .ci/with-postgres bash -c \\
      '.venv/bin/python manage.py migrate -v0 && .venv/bin/python manage.py seed_demo \\
       && .venv/bin/python manage.py seed_synthetic --measures 20000 \\
       && .venv/bin/python bench/overview.py'

Any database with seed_demo data works (DATABASE_URL). Per page, as the demo coordinator
through django.test.Client (the whole middleware stack, production settings):

- page ms: median server time of 20 requests, after 2 warm-up requests: what users get while
  the data is unchanged (the overview's figures come from the cache, praevention/overview/
  figures.py, until any write to the measures, the catalogue or the network);
- cold ms: the same with the cache emptied before every request: every figure computed;
- SQL ms: the statements a cold request runs (captured once), executed directly with a cursor
  and fetched, median of 20 runs: the bare SQL of the page;
- aggregates ms: the same for the page's aggregate statements only (GROUP BY / COUNT);
- page/SQL and cold/SQL: the ratios. The target: page ms at most 150 and at most 2x SQL ms;
  cold/SQL shows what the page adds to its SQL when nothing is cached.

The admin changelist of measures is timed the same way (as the demo admin) for comparison, and
an empty page of the app (password changed): what every page costs at least.
BENCH_REQUESTS=50 takes more samples; BENCH_ONLY=Überblick times only the matching pages
(BENCH_ONLY=Such: the search rows, the list and the header's suggestions).
"""

import os
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "praevention.settings")

import django  # noqa: E402

django.setup()

from django.core.cache import cache  # noqa: E402
from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext, override_settings  # noqa: E402
from django.urls import reverse  # noqa: E402

from praevention.accounts.models import User  # noqa: E402
from praevention.core.management.commands.seed_demo import (  # noqa: E402
    DEMO_ADMIN_EMAIL,
    DEMO_KOORDINATION_EMAIL,
)
from praevention.measures.models import Measure  # noqa: E402

REQUESTS = int(os.environ.get("BENCH_REQUESTS", "20"))
WARM_UP = 2
TARGET_MS = 150
TARGET_RATIO = 2.0
SKIP = ("SAVEPOINT", "RELEASE SAVEPOINT", "ROLLBACK", "BEGIN", "COMMIT")


def client_for(email):
    # Production settings redirect to HTTPS and only know real host names.
    client = Client(HTTP_HOST="localhost")
    client.force_login(User.objects.get(email=email))
    return client


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
    """The statements of a cold request: nothing read from the cache."""
    cache.clear()
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url, secure=True)
    assert response.status_code == 200, (url, response.status_code)
    statements = []
    for query in queries.captured_queries:
        sql = query["sql"]
        if sql.startswith(SKIP):
            continue
        if sql.startswith("DECLARE "):
            # .iterator() uses a server-side cursor; its query is what costs.
            sql = sql.split(" FOR ", 1)[1]
        statements.append(sql)
    return statements


def run_sql(statements):
    with connection.cursor() as cursor:
        for sql in statements:
            cursor.execute(sql)
            if cursor.description:
                cursor.fetchall()


def is_aggregate(sql):
    upper = sql.upper()
    return "GROUP BY" in upper or "COUNT(" in upper


def bench_page(client, url):
    def request():
        response = client.get(url, secure=True)
        assert response.status_code == 200, (url, response.status_code)

    for _ in range(WARM_UP):
        request()
    page = median_ms(request)
    cold = median_ms(request, before=cache.clear)
    statements = captured_sql(client, url)
    aggregates = [sql for sql in statements if is_aggregate(sql)]
    run_sql(statements)  # warm the plan cache like the page's warm-up
    sql = median_ms(lambda: run_sql(statements))
    aggregate = median_ms(lambda: run_sql(aggregates)) if aggregates else 0.0
    return {
        "queries": len(statements),
        "page": page,
        "cold": cold,
        "sql": sql,
        "aggregates": aggregate,
        "ratio": page / sql if sql else float("inf"),
        "cold_ratio": cold / sql if sql else float("inf"),
    }


def pages():
    detail = Measure.objects.get(title="Sprachförderung für Kinder ohne Kitaplatz")
    return [
        ("Liste /massnahmen/", reverse("measures:list")),
        ("Detail /massnahmen/<id>/", reverse("measures:detail", args=[detail.pk])),
        ("Start /", reverse("overview:start")),
        ("Überblick Zielgruppen", reverse("overview:matrix", args=["zielgruppen"])),
        ("Überblick Lebensphasen", reverse("overview:matrix", args=["lebensphasen"])),
        ("Überblick Sozialräume", reverse("overview:matrix", args=["sozialraeume"])),
        ("Überblick Fachbereiche", reverse("overview:matrix", args=["fachbereiche"])),
        ("Lücken /luecken/", reverse("overview:gaps")),
        ("Bericht /bericht/", reverse("overview:report")),
        ("Bericht XLSX", reverse("overview:report_xlsx")),
        # The search (issue #14): parts of compounds through pg_trgm, an umlaut written out,
        # and the header's suggestions while typing.
        ("Suche „Förderung“", f"{reverse('measures:list')}?q=F%C3%B6rderung"),
        ("Suche „Hebamme“", f"{reverse('measures:list')}?q=Hebamme"),
        ("Suche „Sprachfoerderung“", f"{reverse('measures:list')}?q=Sprachfoerderung"),
        ("Suche Vorschläge „sprachf“", f"{reverse('measures:suggest')}?q=sprachf"),
    ]


def main():
    measures = Measure.objects.count()
    version = connection.pg_version if connection.vendor == "postgresql" else ""
    load = ", ".join(f"{value:.2f}" for value in os.getloadavg())
    print(
        f"{connection.vendor} {version} · {measures} Maßnahmen · {os.cpu_count()} CPUs "
        f"(Last {load}) · Median von {REQUESTS} Anfragen"
    )
    # Without collectstatic the manifest storage cannot name the static files.
    with override_settings(
        STORAGES={
            "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
            "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
        }
    ):
        coordinator = client_for(DEMO_KOORDINATION_EMAIL)
        only = os.environ.get("BENCH_ONLY", "")  # e.g. BENCH_ONLY=Überblick for a quick look
        rows = [(name, bench_page(coordinator, url)) for name, url in pages() if only in name]
        # What any page of the app costs at least: session, user, roles, the layout.
        floor = bench_page(coordinator, reverse("accounts:password_change_done"))
        admin = client_for(DEMO_ADMIN_EMAIL)
        changelist = bench_page(admin, reverse("admin:measures_measure_changelist"))

    header = (
        f"{'Seite':<28}{'Queries':>8}{'Seite ms':>10}{'kalt ms':>9}{'SQL ms':>8}{'Aggr. ms':>9}"
        f"{'Seite/SQL':>10}{'kalt/SQL':>9}  Ziel"
    )
    print(header)
    print("-" * len(header))
    comparisons = [("Leere Seite (Rahmen)", floor), ("Admin-Änderungsliste", changelist)]
    for name, row in [*rows, *comparisons]:
        ok = row["page"] <= TARGET_MS and row["ratio"] <= TARGET_RATIO
        verdict = "" if row in (floor, changelist) else ("ok" if ok else "VERFEHLT")
        print(
            f"{name:<28}{row['queries']:>8}{row['page']:>10.1f}{row['cold']:>9.1f}"
            f"{row['sql']:>8.1f}{row['aggregates']:>9.1f}{row['ratio']:>9.2f}x"
            f"{row['cold_ratio']:>8.2f}x  {verdict}"
        )
    print(
        f"Ziel: Median ≤ {TARGET_MS} ms und ≤ {TARGET_RATIO:g}× die reine SQL-Zeit der Seite "
        "(ohne Cache); kalt: jede Zahl neu berechnet. "
        f"Zum Vergleich: Admin-Änderungsliste {changelist['page']:.1f} ms; die leere Seite "
        f"(Sitzung, Benutzer, Rollen, Layout) {floor['page']:.1f} ms bei {floor['sql']:.1f} ms SQL."
    )


if __name__ == "__main__":
    main()
