import pytest
from django.contrib.auth.models import Group, Permission

from praevention.accounts import roles
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def codenames(role):
    return set(
        Group.objects.get(name=role).permissions.values_list("content_type__app_label", "codename")
    )


def test_the_three_roles_exist():
    assert set(Group.objects.values_list("name", flat=True)) >= set(roles.ALL)


def test_kernteam_may_add_and_change_measures_but_not_delete_them():
    perms = codenames(roles.KERNTEAM)
    assert ("measures", "add_measure") in perms
    assert ("measures", "change_measure") in perms
    assert ("measures", "delete_measure") not in perms


def test_kernteam_may_only_view_master_data():
    perms = codenames(roles.KERNTEAM)
    assert ("catalog", "view_targetgroup") in perms
    assert ("catalog", "change_targetgroup") not in perms
    assert ("network", "change_department") not in perms


def test_koordination_manages_master_data():
    perms = codenames(roles.KOORDINATION)
    for model in ["targetgroup", "socialspace", "lifephase", "fieldofaction", "strategicgoal"]:
        assert ("catalog", f"change_{model}") in perms
        assert ("catalog", f"add_{model}") in perms
    assert ("measures", "delete_measure") not in perms
    assert ("accounts", "change_user") not in perms


def test_admin_role_has_every_permission():
    assert Group.objects.get(name=roles.ADMIN).permissions.count() == Permission.objects.count()


def test_a_kernteam_user_has_the_model_rights_of_the_role():
    user = UserFactory(role=roles.KERNTEAM)
    assert user.has_perm("measures.add_measure")
    assert not user.has_perm("catalog.change_targetgroup")
    assert not user.is_coordinator


def test_a_coordinator_is_recognised_as_such():
    assert UserFactory(role=roles.KOORDINATION).is_coordinator
