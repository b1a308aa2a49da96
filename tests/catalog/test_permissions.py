"""Who may keep the catalogue (its pages live in the admin): every role from the outside."""

import pytest
from django.urls import reverse

from praevention.catalog.models import TargetGroup
from tests.conftest import role_page_cases

pytestmark = pytest.mark.django_db

ADMIN_LOGIN = reverse("admin:login")
LOGIN = reverse("accounts:login")

# (page, method) -> status per persona (anonymous, kernteam_other, kernteam_own, koordination,
# admin); 302 is the app's login for anonymous, the admin's for members without staff status.
# Coordinators keep the master data (docs/DESIGN.md).
MATRIX = {
    ("targetgroup_list", "get"): [302, 302, 302, 200, 200],
    ("targetgroup_add", "get"): [302, 302, 302, 200, 200],
    ("targetgroup_change", "get"): [302, 302, 302, 200, 200],
    ("socialspace_list", "get"): [302, 302, 302, 200, 200],
    ("lifephase_list", "get"): [302, 302, 302, 200, 200],
    ("strategicgoal_list", "get"): [302, 302, 302, 200, 200],
}


def url(page):
    model, view = page.rsplit("_", 1)
    if view == "change":
        return reverse(f"admin:catalog_{model}_change", args=[TargetGroup.objects.first().pk])
    return reverse(f"admin:catalog_{model}_{'changelist' if view == 'list' else view}")


@pytest.mark.parametrize(("page", "method", "persona", "expected"), role_page_cases(MATRIX))
def test_role_page_matrix(page, method, persona, expected, as_persona):
    client = as_persona(persona)
    response = getattr(client, method)(url(page))
    assert response.status_code == expected
    if expected == 302:
        login = LOGIN if persona == "anonymous" else ADMIN_LOGIN
        assert response["Location"].startswith(login)
