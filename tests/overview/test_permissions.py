"""Who may open which overview page and download: every role from the outside."""

import pytest
from django.urls import reverse

from tests.conftest import role_page_cases
from tests.factories import MeasureFactory

pytestmark = pytest.mark.django_db

LOGIN = reverse("accounts:login")

URLS = {
    "start": reverse("overview:start"),
    "overview": reverse("overview:overview"),
    "matrix": reverse("overview:matrix", args=["lebensphasen"]),
    "funding": reverse("overview:funding"),
    "gaps": reverse("overview:gaps"),
    "map": reverse("overview:map"),
    "report": reverse("overview:report"),
    "report_pdf": reverse("overview:report_pdf"),
    "report_xlsx": reverse("overview:report_xlsx"),
}

# (page, method) -> status per persona (anonymous, kernteam_other, kernteam_own, koordination,
# admin); 302 for anonymous is the login redirect. The spreadsheet is for coordinators only.
MATRIX = {
    ("start", "get"): [302, 200, 200, 200, 200],
    ("overview", "get"): [302, 200, 200, 200, 200],
    ("matrix", "get"): [302, 200, 200, 200, 200],
    ("funding", "get"): [302, 200, 200, 200, 200],
    ("gaps", "get"): [302, 200, 200, 200, 200],
    ("map", "get"): [302, 200, 200, 200, 200],
    ("report", "get"): [302, 200, 200, 200, 200],
    ("report_pdf", "get"): [302, 200, 200, 200, 200],
    ("report_xlsx", "get"): [302, 403, 403, 200, 200],
}


@pytest.mark.parametrize(("page", "method", "persona", "expected"), role_page_cases(MATRIX))
def test_role_page_matrix(page, method, persona, expected, as_persona, jugendamt):
    MeasureFactory(title="Frühe Hilfen Lotsendienst", lead=jugendamt)
    client = as_persona(persona)
    response = getattr(client, method)(URLS[page])
    assert response.status_code == expected
    if persona == "anonymous":
        assert response["Location"].startswith(LOGIN)
