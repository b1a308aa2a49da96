"""A role's permissions come from the cache, and a change to the role counts at once."""

import pytest
from django.contrib.auth.models import Group, Permission
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from praevention.accounts import roles

pytestmark = pytest.mark.django_db

LIST = reverse("measures:list")
CREATE = reverse("measures:create")


def add_measure():
    return Permission.objects.get(content_type__app_label="measures", codename="add_measure")


def group_permission_reads(queries):
    return [q for q in queries if "auth_group_permissions" in q["sql"]]


def test_a_roles_permissions_are_read_once_per_data_version(client, kernteam_jug):
    client.force_login(kernteam_jug)
    with CaptureQueriesContext(connection) as first:
        assert "Neue Maßnahme" in client.get(LIST).content.decode()
    with CaptureQueriesContext(connection) as second:
        assert "Neue Maßnahme" in client.get(LIST).content.decode()
    assert len(group_permission_reads(first)) == 1
    assert group_permission_reads(second) == []


def test_a_permission_taken_from_a_role_is_gone_with_the_next_request(client, kernteam_jug):
    client.force_login(kernteam_jug)
    assert client.get(CREATE).status_code == 200
    Group.objects.get(name=roles.KERNTEAM).permissions.remove(add_measure())
    assert client.get(CREATE).status_code == 403
    assert "Neue Maßnahme" not in client.get(LIST).content.decode()


def test_a_new_role_brings_its_permissions_at_once(client, kernteam_jug):
    Group.objects.get(name=roles.KERNTEAM).permissions.remove(add_measure())
    client.force_login(kernteam_jug)
    assert client.get(CREATE).status_code == 403
    kernteam_jug.groups.add(Group.objects.get(name=roles.KOORDINATION))
    assert client.get(CREATE).status_code == 200


def test_a_users_own_permission_still_counts(client, kernteam_jug):
    Group.objects.get(name=roles.KERNTEAM).permissions.remove(add_measure())
    client.force_login(kernteam_jug)
    assert client.get(CREATE).status_code == 403
    kernteam_jug.user_permissions.add(add_measure())
    assert client.get(CREATE).status_code == 200
