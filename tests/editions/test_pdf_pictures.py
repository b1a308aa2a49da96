"""`make screenshots`: pictures of the demo report's first PDF pages for the README."""

import shutil
import subprocess
from pathlib import Path

import pytest
from django.core.management import call_command
from django.urls import reverse

from praevention.accounts.models import User
from praevention.demo.management.commands.seed_demo import DEMO_KOORDINATION_EMAIL

pytestmark = [pytest.mark.screenshots, pytest.mark.django_db]

OUT = Path(__file__).resolve().parents[2] / "docs" / "screenshots"


@pytest.mark.skipif(not shutil.which("pdftoppm"), reason="poppler-utils (pdftoppm) missing")
def test_first_pages_of_the_demo_report_as_png(client, tmp_path):
    call_command("seed_demo", verbosity=0)
    client.force_login(User.objects.get(email=DEMO_KOORDINATION_EMAIL))
    response = client.get(reverse("overview:report_pdf"), {"zaehlen": "budget"})
    assert response.status_code == 200
    source = tmp_path / "bericht.pdf"
    source.write_bytes(response.content)
    for old in OUT.glob("report-pdf-*.png"):
        old.unlink()
    subprocess.run(
        ["pdftoppm", "-png", "-r", "60", "-f", "1", "-l", "4", source, OUT / "report-pdf"],
        check=True,
    )
    assert len(list(OUT.glob("report-pdf-*.png"))) == 4
