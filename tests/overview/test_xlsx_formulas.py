"""Every XLSX the app writes keeps user and catalogue text as text, never a formula
(issue #12, fault 2): `=`, `+`, `-` and `@` starts on every sheet of every workbook."""

from io import BytesIO

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from praevention.catalog.models import LifePhase, SocialSpace, StrategicGoal, TargetGroup
from praevention.measures.models import Measure
from praevention.network.models import Department

PREFIXES = ["=", "+", "-", "@"]
PAYLOAD = '{prefix}HYPERLINK("https://example.org/{n}","Details")'

# Every XLSX download of the app: the measure list export and the committee report.
XLSX_URLS = [
    reverse("exchange:export", args=["xlsx"]),
    reverse("overview:report_xlsx"),
]


def formula_like(n):
    return PAYLOAD.format(prefix=PREFIXES[n % len(PREFIXES)], n=n)


@pytest.fixture
def hostile_texts(network):
    """Rename everything the workbooks show (measures, departments, catalogue) to formulas."""
    counter = iter(range(10_000))
    for model, field in [
        (Measure, "title"),
        (Department, "name"),
        (Department, "short_name"),
        (TargetGroup, "name"),
        (LifePhase, "name"),
        (StrategicGoal, "title"),
        (SocialSpace, "name"),
    ]:
        for obj in model.objects.all():
            setattr(
                obj, field, formula_like(next(counter))[: model._meta.get_field(field).max_length]
            )
            obj.save(update_fields=[field])
    return network


@pytest.mark.parametrize("url", XLSX_URLS)
def test_no_cell_of_any_sheet_is_a_formula(coordinator, hostile_texts, url):
    response = coordinator.get(url, {"status": "running"} if "bericht" in url else {})
    assert response.status_code == 200
    book = load_workbook(BytesIO(response.content))
    texts = []
    for sheet in book.worksheets:
        for row in sheet.iter_rows():
            for cell in row:
                assert cell.data_type != "f", (sheet.title, cell.coordinate, cell.value)
                if isinstance(cell.value, str):
                    texts.append(cell.value)
    # The hostile texts did reach the workbook, each kind of start, as plain text.
    for prefix in PREFIXES:
        assert any(text.startswith(prefix + "HYPERLINK(") for text in texts), prefix
