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
  cache.py, until any write to the measures, the catalogue or the network);
- CPU ms: the same requests' CPU time in this process (the database's is not in it): far less
  affected than page ms when other work shares the machine, so it compares two versions best;
- cold ms: the same with the cache emptied before every request: every figure computed (and
  its CPU time, CPU kalt);
- SQL ms: the statements a cold request runs (captured once), executed directly with a cursor
  and fetched, median of 20 runs: the bare SQL of the page;
- aggregates ms: the same for the page's aggregate statements only (GROUP BY / COUNT);
- the PDF (set by Typst) and the comparison with a frozen edition ("seit Ausgabe"): target
  under 1 s; freezing an edition once, timed apart, and the CPU time of setting one PDF;
- page/SQL and cold/SQL: the ratios. The target: page ms at most 150 and at most 2x SQL ms;
  cold/SQL shows what the page adds to its SQL when nothing is cached.

The admin changelist of measures is timed the same way (as the demo admin) for comparison, and
an empty page of the app (password changed): what every page costs at least.
BENCH_REQUESTS=50 takes more samples; BENCH_ONLY=Überblick times only the matching pages
(several: comma-separated, e.g. BENCH_ONLY=PDF,seit; BENCH_ONLY=Such: the search rows, the
list and the header's suggestions).
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
from django.http import QueryDict  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext, override_settings  # noqa: E402
from django.urls import reverse  # noqa: E402
from django.utils import timezone  # noqa: E402

from praevention.accounts.models import User  # noqa: E402
from praevention.demo.management.commands.seed_demo import (  # noqa: E402
    DEMO_ADMIN_EMAIL,
    DEMO_KOORDINATION_EMAIL,
)
from praevention.editions import comparison  # noqa: E402
from praevention.editions.models import Edition  # noqa: E402
from praevention.editions.services import edition_freeze  # noqa: E402
from praevention.measures.models import Measure  # noqa: E402
from praevention.overview.pages import report_page  # noqa: E402
from praevention.overview.pdf import report_pdf  # noqa: E402

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


def median_ms(function, times=REQUESTS, before=None, clock=time.perf_counter):
    """Median milliseconds of `function()` by `clock`: wall time, or the process's CPU time."""
    samples = []
    for _ in range(times):
        if before:
            before()
        started = clock()
        function()
        samples.append((clock() - started) * 1000)
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


def bench_page(client, url, times=REQUESTS):
    def request():
        response = client.get(url, secure=True)
        assert response.status_code == 200, (url, response.status_code)

    for _ in range(WARM_UP):
        request()
    page = median_ms(request, times)
    # The app's own CPU time (not the database's): on a machine shared with other work it
    # varies far less than the wall time, so it compares two versions of the code best.
    cpu = median_ms(request, times, clock=time.process_time)
    cold = median_ms(request, times, before=cache.clear)
    cold_cpu = median_ms(request, times, before=cache.clear, clock=time.process_time)
    statements = captured_sql(client, url)
    aggregates = [sql for sql in statements if is_aggregate(sql)]
    run_sql(statements)  # warm the plan cache like the page's warm-up
    sql = median_ms(lambda: run_sql(statements))
    aggregate = median_ms(lambda: run_sql(aggregates)) if aggregates else 0.0
    return {
        "queries": len(statements),
        "page": page,
        "cpu": cpu,
        "cold": cold,
        "cold_cpu": cold_cpu,
        "sql": sql,
        "aggregates": aggregate,
        "ratio": page / sql if sql else float("inf"),
        "cold_ratio": cold / sql if sql else float("inf"),
    }


def pages(edition, later):
    """(name, url) of the pages timed."""
    detail = Measure.objects.get(title="Sprachförderung für Kinder ohne Kitaplatz")
    since = f"?{comparison.EDITION_PARAM}={edition.pk}"
    rows = [
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
        ("Bericht seit Ausgabe", reverse("overview:report") + since),
        ("Ausgabe seit Ausgabe", reverse("editions:detail", args=[later.pk]) + since),
        ("Ausgabe PDF (gespeichert)", reverse("editions:pdf", args=[later.pk])),
        ("Karte /karte/", reverse("overview:map")),
        # The search (issue #14): parts of compounds through pg_trgm, an umlaut written out,
        # and the header's suggestions while typing.
        ("Suche „Förderung“", f"{reverse('measures:list')}?q=F%C3%B6rderung"),
        ("Suche „Hebamme“", f"{reverse('measures:list')}?q=Hebamme"),
        ("Suche „Sprachfoerderung“", f"{reverse('measures:list')}?q=Sprachfoerderung"),
        ("Suche Vorschläge „sprachf“", f"{reverse('measures:suggest')}?q=sprachf"),
        # Issue #26: synonyms, compounds written together, gender forms.
        ("Suche „Kita“", f"{reverse('measures:list')}?q=Kita"),
        ("Suche „Elternkindgruppe“", f"{reverse('measures:list')}?q=Elternkindgruppe"),
        ("Suche „Schüler:innen“", f"{reverse('measures:list')}?q=Sch%C3%BCler%3Ainnen"),
        ("Bericht PDF", reverse("overview:report_pdf")),
        ("Bericht PDF seit Ausgabe", reverse("overview:report_pdf") + since),
    ]
    return rows


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
        # Two editions to compare with: frozen now, removed again at the end.
        by = User.objects.get(email=DEMO_KOORDINATION_EMAIL)
        edition = edition_freeze(title="Benchmark 1", data=QueryDict(), by=by)
        started = time.perf_counter()
        later = edition_freeze(title="Benchmark 2", data=QueryDict(), by=by)
        freeze_ms = (time.perf_counter() - started) * 1000
        # Typst's share of a cold PDF in CPU seconds: wall time on a busy machine hides it.
        report = report_page(QueryDict())
        cpu = time.process_time()
        report_pdf(report, now=timezone.localtime())
        pdf_cpu = time.process_time() - cpu
        try:
            rows = [
                (name, bench_page(coordinator, url))
                for name, url in pages(edition, later)
                if any(part in name for part in only.split(","))
            ]
        finally:
            Edition.objects.filter(pk__in=[edition.pk, later.pk]).delete()
        # What any page of the app costs at least: session, user, roles, the layout.
        floor = bench_page(coordinator, reverse("accounts:password_change_done"))
        admin = client_for(DEMO_ADMIN_EMAIL)
        changelist = bench_page(admin, reverse("admin:measures_measure_changelist"))

    header = (
        f"{'Seite':<28}{'Queries':>8}{'Seite ms':>10}{'CPU ms':>8}{'kalt ms':>9}{'CPU kalt':>9}"
        f"{'SQL ms':>8}{'Aggr. ms':>9}"
        f"{'Seite/SQL':>10}{'kalt/SQL':>9}  Ziel"
    )
    print(header)
    print("-" * len(header))
    comparisons = [("Leere Seite (Rahmen)", floor), ("Admin-Änderungsliste", changelist)]
    for name, row in [*rows, *comparisons]:
        if (
            "PDF" in name or "seit" in name or "Ausgabe" in name
        ):  # the report's files and comparisons: under 1 s
            ok = row["page"] <= 1000
            verdict = ("ok" if ok else "VERFEHLT") + ("" if row["cold"] <= 1000 else ", kalt > 1 s")
        else:
            ok = row["page"] <= TARGET_MS and row["ratio"] <= TARGET_RATIO
            verdict = "" if row in (floor, changelist) else ("ok" if ok else "VERFEHLT")
        print(
            f"{name:<28}{row['queries']:>8}{row['page']:>10.1f}{row['cpu']:>8.1f}"
            f"{row['cold']:>9.1f}{row['cold_cpu']:>9.1f}"
            f"{row['sql']:>8.1f}{row['aggregates']:>9.1f}{row['ratio']:>9.2f}x"
            f"{row['cold_ratio']:>8.2f}x  {verdict}"
        )
    print(
        f"Ziel: Median ≤ {TARGET_MS} ms und ≤ {TARGET_RATIO:g}× die reine SQL-Zeit der Seite "
        "(ohne Cache); kalt: jede Zahl neu berechnet. "
        f"Zum Vergleich: Admin-Änderungsliste {changelist['page']:.1f} ms; die leere Seite "
        f"(Sitzung, Benutzer, Rollen, Layout) {floor['page']:.1f} ms bei {floor['sql']:.1f} ms SQL."
    )
    print(
        f"Bericht festschreiben (Zahlen, Seite, PDF, XLSX): {freeze_ms:.0f} ms. "
        "PDF und Vergleich: Ziel unter 1 s (Seite ms = aus dem Cache, kalt = neu gesetzt). "
        f"Ein PDF zu setzen (HTML und Typst) kostet {pdf_cpu:.2f} s CPU-Zeit."
    )


if __name__ == "__main__":
    main()
