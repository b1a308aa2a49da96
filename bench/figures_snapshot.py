"""One SHA-256 per page and download of the overview, gaps, report and exports.

Run it before and after a change that must not change a figure (a refactoring): the two
outputs must be identical line by line. It seeds a throwaway PostgreSQL itself:

    SECRET_KEY=x DEBUG=0 .ci/with-postgres .venv/bin/python bench/figures_snapshot.py

First on the demo network (`seed_demo`), then again after `seed_synthetic --measures 2000
--seed 1`. Each page is requested as the demo coordinator through django.test.Client (the
whole middleware stack). What differs between two runs without any change of code is masked
before hashing: CSRF tokens and CSP nonces (per request), ISO date-times (when a row was
written: the moment of seeding, e.g. HSDS `last_modified`), the moment of the request (the
report's "Stand", a PDF's creation date, a ZIP entry's time) – the clock is fixed at noon
today for every request, so dates computed from "today" stay as the app computes them.
XLSX files are hashed member by member (the ZIP container stores times), PDFs after their
creation date and document id are masked.
"""

import datetime
import hashlib
import io
import os
import re
import sys
import zipfile
from pathlib import Path
from unittest import mock

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "praevention.settings")

import django  # noqa: E402

django.setup()

from django.core.cache import cache  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import override_settings  # noqa: E402
from django.urls import reverse  # noqa: E402
from django.utils import timezone  # noqa: E402

from praevention.accounts.models import User  # noqa: E402

COORDINATOR = "koordination@demo.praeventionsnetz.de"
SYNTHETIC_MEASURES = 2000

MASKS = [
    (re.compile(rb'name="csrfmiddlewaretoken" value="[^"]*"'), b'name="csrfmiddlewaretoken"'),
    (re.compile(rb'nonce="[^"]*"'), b'nonce=""'),
    (re.compile(rb"'nonce-[^']*'"), b"'nonce-'"),
    (re.compile(rb"/CreationDate\s*\([^)]*\)"), b"/CreationDate()"),
    (re.compile(rb"/ModDate\s*\([^)]*\)"), b"/ModDate()"),
    (re.compile(rb"/ID\s*\[[^\]]*\]"), b"/ID[]"),
    (re.compile(rb"<xmp:\w+Date>[^<]*</xmp:\w+Date>"), b"<xmp:Date/>"),
    (re.compile(rb"<dcterms:(created|modified)[^>]*>[^<]*</dcterms:\1>"), b"<dcterms:date/>"),
    # When a row was written (HSDS `last_modified`): the moment of seeding, not a figure.
    (re.compile(rb"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?(Z|[+-]\d\d:?\d\d)?"), b"<datetime>"),
]


def urls():
    """(name, url) of every page and download whose figures must stay the same."""
    rows = [("Start", reverse("overview:start"))]
    for slug in ("zielgruppen", "lebensphasen", "sozialraeume", "fachbereiche"):
        rows.append((f"Überblick {slug}", reverse("overview:matrix", args=[slug])))
        budget = reverse("overview:matrix", args=[slug]) + "?zaehlen=budget"
        rows.append((f"Überblick {slug} Budget", budget))
    rows += [
        ("Überblick", reverse("overview:overview")),
        ("Finanzierung", reverse("overview:funding")),
        ("Lücken", reverse("overview:gaps")),
        ("Karte", reverse("overview:map")),
        ("Bericht", reverse("overview:report")),
        ("Bericht Budget", reverse("overview:report") + "?zaehlen=budget"),
        ("Bericht XLSX", reverse("overview:report_xlsx")),
        ("Bericht PDF", reverse("overview:report_pdf")),
        ("Liste", reverse("measures:list")),
    ]
    for fmt in ("csv", "xlsx", "json"):
        rows.append((f"Export {fmt}", reverse("exchange:export", args=[fmt])))
    return rows


def digest(content: bytes) -> str:
    if content[:2] == b"PK":
        with zipfile.ZipFile(io.BytesIO(content)) as archive:
            parts = [
                name.encode() + b"\0" + masked(archive.read(name))
                for name in sorted(archive.namelist())
            ]
        content = b"\0\0".join(parts)
    else:
        content = masked(content)
    return hashlib.sha256(content).hexdigest()


def masked(content: bytes) -> bytes:
    for pattern, replacement in MASKS:
        content = pattern.sub(replacement, content)
    return content


def snapshot(label: str) -> None:
    client = Client(HTTP_HOST="localhost")
    client.force_login(User.objects.get(email=COORDINATOR))
    noon = timezone.make_aware(
        datetime.datetime.combine(timezone.localdate(), datetime.time(12, 0))
    )
    with mock.patch("django.utils.timezone.now", return_value=noon):
        for name, url in urls():
            cache.clear()
            response = client.get(url, secure=True)
            assert response.status_code == 200, (url, response.status_code)
            body = b"".join(response) if response.streaming else response.content
            print(f"{label:10} {name:32} {digest(body)}")


def main():
    call_command("migrate", verbosity=0)
    call_command("seed_demo", verbosity=0)
    # Without collectstatic the manifest storage cannot name the static files.
    with override_settings(
        STORAGES={
            "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
            "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
        }
    ):
        snapshot("demo")
        call_command("seed_synthetic", measures=SYNTHETIC_MEASURES, seed=1, verbosity=0)
        snapshot("synthetic")


if __name__ == "__main__":
    main()
