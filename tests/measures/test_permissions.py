"""Who may open and post which measure page: every role from the outside."""

import pytest
from django.urls import reverse

from praevention.measures.models import Measure
from tests.conftest import PERSONAS
from tests.factories import MeasureFactory

pytestmark = pytest.mark.django_db

LOGIN = reverse("accounts:login")


@pytest.fixture
def jug_measure(jugendamt, gesundheitsamt):
    """A measure of the Jugendamt (lead) in which the Gesundheitsamt does not take part."""
    return MeasureFactory(title="Frühe Hilfen Lotsendienst", lead=jugendamt)


@pytest.fixture
def archived_jug_measure(jugendamt):
    return MeasureFactory(title="Archivierte Maßnahme", lead=jugendamt, is_archived=True)


# (page, method) -> expected status per persona; 302 for anonymous is the login redirect.
MATRIX = {
    ("list", "get"): [302, 200, 200, 200, 200],
    ("detail", "get"): [302, 200, 200, 200, 200],
    ("create", "get"): [302, 200, 200, 200, 200],
    ("edit", "get"): [302, 403, 200, 200, 200],
    ("archive", "get"): [302, 403, 200, 200, 200],
    ("archive", "post"): [302, 403, 302, 302, 302],
    ("restore", "get"): [302, 403, 200, 200, 200],
    ("restore", "post"): [302, 403, 302, 302, 302],
    ("history", "get"): [302, 200, 200, 200, 200],
}

CASES = [
    pytest.param(page, method, persona, expected[i], id=f"{persona}-{method}-{page}")
    for (page, method), expected in MATRIX.items()
    for i, persona in enumerate(PERSONAS)
]


@pytest.mark.parametrize(("page", "method", "persona", "expected"), CASES)
def test_role_page_matrix(
    page, method, persona, expected, as_persona, jug_measure, archived_jug_measure
):
    client = as_persona(persona)
    measure = archived_jug_measure if page == "restore" else jug_measure
    url = {
        "list": reverse("measures:list"),
        "create": reverse("measures:create"),
    }.get(page) or reverse(f"measures:{page}", args=[measure.pk])
    response = getattr(client, method)(url)
    assert response.status_code == expected
    if persona == "anonymous":
        assert response["Location"].startswith(LOGIN)
    if method == "post" and expected == 302 and persona != "anonymous":
        measure.refresh_from_db()
        assert measure.is_archived == (page == "archive")
        assert response["Location"] == reverse("measures:detail", args=[measure.pk])
    if method == "post" and expected == 403:
        before = measure.is_archived
        measure.refresh_from_db()
        assert measure.is_archived == before


def test_edit_post_by_other_department_is_refused_and_changes_nothing(
    client, kernteam_ges, jug_measure
):
    client.force_login(kernteam_ges)
    url = reverse("measures:edit", args=[jug_measure.pk])
    response = client.post(url, {"title": "Gekapert"})
    assert response.status_code == 403
    jug_measure.refresh_from_db()
    assert jug_measure.title == "Frühe Hilfen Lotsendienst"


def test_edit_button_shows_only_for_those_who_may_edit(
    client, kernteam_ges, kernteam_jug, jug_measure
):
    url = reverse("measures:detail", args=[jug_measure.pk])
    edit_url = reverse("measures:edit", args=[jug_measure.pk])
    client.force_login(kernteam_ges)
    assert edit_url not in client.get(url).content.decode()
    client.force_login(kernteam_jug)
    assert edit_url in client.get(url).content.decode()


def test_a_partner_department_may_edit_too(client, kernteam_ges, jugendamt, gesundheitsamt):
    measure = MeasureFactory(lead=jugendamt, partners=[gesundheitsamt])
    client.force_login(kernteam_ges)
    assert client.get(reverse("measures:edit", args=[measure.pk])).status_code == 200


def test_a_user_without_role_sees_nothing(client, jug_measure):
    from tests.factories import UserFactory

    client.force_login(UserFactory())
    assert client.get(reverse("measures:list")).status_code == 403
    assert client.get(reverse("measures:detail", args=[jug_measure.pk])).status_code == 403
    assert client.get(reverse("overview:start")).status_code == 403


def test_unknown_measure_is_404(client, koordination):
    client.force_login(koordination)
    assert client.get(reverse("measures:detail", args=[999999])).status_code == 404
    assert client.get(reverse("measures:edit", args=[999999])).status_code == 404


def test_archived_measures_leave_the_list(client, koordination, jug_measure, archived_jug_measure):
    client.force_login(koordination)
    content = client.get(reverse("measures:list")).content.decode()
    assert jug_measure.title in content
    assert archived_jug_measure.title not in content
    assert Measure.objects.archived().count() == 1
