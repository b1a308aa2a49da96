"""The admin's history page of a deleted person answers, it is no 500 (issue #28, fault 8)."""

import pytest
from django.urls import reverse

from tests.factories import PersonFactory

pytestmark = pytest.mark.django_db


def test_the_history_page_of_a_deleted_person_is_no_server_error(client, admin_user, jugendamt):
    person = PersonFactory(department=jugendamt)
    pk = person.pk
    person.user.delete()  # the person goes with the account
    client.force_login(admin_user)
    response = client.get(reverse("admin:network_person_history", args=[pk]))
    assert response.status_code in (200, 302, 404)
