"""Who may export and import measures: every role from the outside."""

import pytest
from django.urls import reverse

from tests.conftest import role_page_cases
from tests.factories import MeasureFactory

pytestmark = pytest.mark.django_db

LOGIN = reverse("accounts:login")

URLS = {
    "export_csv": reverse("exchange:export", args=["csv"]),
    "export_xlsx": reverse("exchange:export", args=["xlsx"]),
    "export_json": reverse("exchange:export", args=["json"]),
    "import": reverse("exchange:import"),
    "import_template": reverse("exchange:import_template"),
}

# (page, method) -> status per persona (anonymous, kernteam_other, kernteam_own, koordination,
# admin); 302 for anonymous is the login redirect. Exports are for every network member,
# imports (they write many measures at once) for coordinators only.
MATRIX = {
    ("export_csv", "get"): [302, 200, 200, 200, 200],
    ("export_xlsx", "get"): [302, 200, 200, 200, 200],
    ("export_json", "get"): [302, 200, 200, 200, 200],
    ("import", "get"): [302, 403, 403, 200, 200],
    ("import", "post"): [302, 403, 403, 400, 400],
    ("import_template", "get"): [302, 403, 403, 200, 200],
}


@pytest.mark.parametrize(("page", "method", "persona", "expected"), role_page_cases(MATRIX))
def test_role_page_matrix(page, method, persona, expected, as_persona, jugendamt):
    MeasureFactory(title="Frühe Hilfen Lotsendienst", lead=jugendamt)
    client = as_persona(persona)
    response = getattr(client, method)(URLS[page])
    assert response.status_code == expected
    if persona == "anonymous":
        assert response["Location"].startswith(LOGIN)
