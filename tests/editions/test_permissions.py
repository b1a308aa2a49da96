"""Who may read, download, freeze and withdraw report editions: every role from the outside."""

import pytest
from django.urls import reverse

from praevention.editions.models import Edition
from tests.conftest import role_page_cases
from tests.factories import MeasureFactory

pytestmark = pytest.mark.django_db

LOGIN = reverse("accounts:login")

# (page, method) -> status per persona (anonymous, kernteam_other, kernteam_own, koordination,
# admin); 302 for anonymous is the login redirect, for coordinators the page after the write.
# Every member reads editions as the live report; the spreadsheet, freezing and withdrawing
# are the coordinators'.
MATRIX = {
    ("list", "get"): [302, 200, 200, 200, 200],
    ("detail", "get"): [302, 200, 200, 200, 200],
    ("pdf", "get"): [302, 200, 200, 200, 200],
    ("xlsx", "get"): [302, 403, 403, 200, 200],
    ("freeze", "post"): [302, 403, 403, 302, 302],
    ("withdraw", "post"): [302, 403, 403, 302, 302],
}
DATA = {"freeze": {"title": "Neu", "params": ""}, "withdraw": {"reason": ""}}


@pytest.fixture
def edition(client, koordination, jugendamt):
    MeasureFactory(title="Frühe Hilfen Lotsendienst", lead=jugendamt)
    client.force_login(koordination)
    client.post(reverse("editions:freeze"), {"title": "Vorher", "params": ""})
    client.logout()
    return Edition.objects.get(title="Vorher")


@pytest.mark.parametrize(("page", "method", "persona", "expected"), role_page_cases(MATRIX))
def test_role_page_matrix(page, method, persona, expected, as_persona, edition):
    client = as_persona(persona)
    url = reverse(f"editions:{page}", args=[] if page in ("list", "freeze") else [edition.pk])
    response = getattr(client, method)(url, DATA.get(page, {}))
    assert response.status_code == expected
    if persona == "anonymous":
        assert response["Location"].startswith(LOGIN)
    allowed = method == "post" and expected == 302 and persona != "anonymous"
    if page == "freeze":
        assert Edition.objects.filter(title="Neu").exists() == allowed
    if page == "withdraw":
        edition.refresh_from_db()
        assert edition.is_withdrawn == allowed
