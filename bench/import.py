"""Import speed on the real code path: a 5,000-row XLSX with every column, and field case 03b.

Run against PostgreSQL with the demo network loaded (see README, "Import"):
    SECRET_KEY=x DEBUG=0 .ci/with-postgres bash -c '.venv/bin/python manage.py migrate -v0 &&
      .venv/bin/python manage.py seed_demo && .venv/bin/python bench/import.py'

Prints seconds for the preview (upload, read, check every row, render) and the confirmation
(read again, check again, save in bulk with history) through django.test.Client with the whole
middleware stack, as a coordinator. Targets (issue #13): preview + confirmation of 5,000 rows
under 15 s on 2 cores; the 03b preview under 3 s. Writes to the database it is given.
"""

import io
import os
import sys
import time
from pathlib import Path

import django

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "praevention.settings")
django.setup()

from django.core.files.uploadedfile import SimpleUploadedFile  # noqa: E402
from django.test import Client, override_settings  # noqa: E402
from django.urls import reverse  # noqa: E402
from openpyxl import Workbook  # noqa: E402

from praevention.accounts.models import User  # noqa: E402
from praevention.catalog.models import (  # noqa: E402
    FieldOfAction,
    GoodPracticeCriterion,
    LifePhase,
    SocialSpace,
    TargetGroup,
)
from praevention.demo.management.commands.seed_demo import DEMO_KOORDINATION_EMAIL  # noqa: E402
from praevention.exchange.columns import HEADERS  # noqa: E402
from praevention.measures.models import Measure  # noqa: E402

ROWS = int(os.environ.get("BENCH_ROWS", "5000"))
CASE_03B = Path(__file__).resolve().parent.parent / (
    "tests/exchange/field_cases/03b-formatted-to-last-row.xlsx"
)


def big_xlsx(rows, reached=31):
    """`rows` new measures with every column filled from the live catalogue."""
    groups = [g.name for g in TargetGroup.objects.all()]
    phases = [p.name for p in LifePhase.objects.all()]
    spaces = [f"{s.lor_number} {s.name}" for s in SocialSpace.objects.filter(level="bzr")]
    fields = [f.name for f in FieldOfAction.objects.all()]
    criteria = [c.name for c in GoodPracticeCriterion.objects.all()]
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet("Maßnahmen")
    sheet.append(HEADERS)
    for n in range(rows):
        values = {
            "Titel": f"Bench-Import {n:05d} – Sprachcafé im Kiez",
            "Kurzbeschreibung": "Offenes Sprachcafé mit Kinderbetreuung",
            "Beschreibung": "Jeden Dienstag.\nAnmeldung über das Familienzentrum.",
            "Status": "laufend",
            "Beginn": "01.09.2025",
            "Ende": "31.08.2027",
            "Federführung": "Jug",
            "Beteiligte": "Ges (Partner); Soz (Finanzierung)",
            "Zielgruppen": "; ".join(groups[n % len(groups) :][:2]),
            "Lebensphasen": phases[n % len(phases)],
            "Sozialräume": "; ".join(spaces[n % len(spaces) :][:2]),
            "Handlungsfelder": fields[n % len(fields)],
            "Armutsbezug": "Beides",
            "Teilnehmende geplant": 40,
            "Teilnehmende erreicht": reached,
            "Budget (EUR)": 12500.5,
            "Finanzierungsquelle": "Landesprogramm",
            "Finanzierung endet am": "31.12.2026",
            "Externe Partner": "Familienzentrum West e. V.",
            "Evidenzstufe": "1",
            "Good-Practice-Kriterien": criteria[n % len(criteria)],
            "Evaluation": "Teilnahme wird dokumentiert.",
            "Links": "https://example.org/sprachcafe",
            "Archiviert": "nein",
        }
        sheet.append([values.get(header) for header in HEADERS])
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def timed(call):
    start = time.perf_counter()
    response = call()
    return time.perf_counter() - start, response


def main():
    client = Client(HTTP_HOST="localhost")
    client.force_login(User.objects.get(email=DEMO_KOORDINATION_EMAIL))
    upload_url, confirm_url = reverse("exchange:import"), reverse("exchange:import_confirm")
    Measure.objects.filter(title__startswith="Bench-Import").delete()

    data = big_xlsx(ROWS)
    seconds, preview = timed(
        lambda: client.post(
            upload_url, {"file": SimpleUploadedFile("bench.xlsx", data)}, secure=True
        )
    )
    print(f"{ROWS} rows, XLSX {len(data) / 1e6:.1f} MB: preview {seconds:.2f} s")
    assert preview.status_code == 200, preview.content.decode()[-3000:]
    assert "Die Datei ist fehlerfrei" in preview.content.decode()
    token = client.session["exchange_import"]["sha256"]
    confirmed, response = timed(lambda: client.post(confirm_url, {"token": token}, secure=True))
    assert response.status_code == 302, response.content[:2000]
    assert Measure.objects.filter(title__startswith="Bench-Import").count() == ROWS
    total = seconds + confirmed
    verdict = "ok" if total < 15 else "over target"
    print(f"{ROWS} rows: confirmation {confirmed:.2f} s; together {total:.2f} s ({verdict})")

    # The same list again with one changed column: 5,000 updates matched by title.
    data = big_xlsx(ROWS, reached=32)
    seconds, preview = timed(
        lambda: client.post(
            upload_url, {"file": SimpleUploadedFile("bench-2.xlsx", data)}, secure=True
        )
    )
    assert "Die Datei ist fehlerfrei" in preview.content.decode()
    token = client.session["exchange_import"]["sha256"]
    confirmed, response = timed(lambda: client.post(confirm_url, {"token": token}, secure=True))
    assert response.status_code == 302, response.content[:2000]
    assert Measure.objects.filter(title__startswith="Bench-Import", reach_actual=32).count() == ROWS
    total = seconds + confirmed
    verdict = "ok" if total < 15 else "over target"
    print(
        f"{ROWS} updates: preview {seconds:.2f} s, confirmation {confirmed:.2f} s; "
        f"together {total:.2f} s ({verdict})"
    )

    data = CASE_03B.read_bytes()
    seconds, preview = timed(
        lambda: client.post(upload_url, {"file": SimpleUploadedFile("03b.xlsx", data)}, secure=True)
    )
    assert preview.status_code == 200
    verdict = "ok" if seconds < 3 else "over target"
    print(f"03b-formatted-to-last-row.xlsx: preview {seconds:.2f} s ({verdict})")
    Measure.objects.filter(title__startswith="Bench-Import").delete()


if __name__ == "__main__":
    # Without collectstatic the manifest storage cannot name the static files.
    with override_settings(
        STORAGES={
            "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
            "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
        }
    ):
        main()
