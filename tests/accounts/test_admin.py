"""The Django admin as a whole (every model of ours) and the account pages in it."""

import pytest
from django.contrib import admin
from django.contrib.auth.models import Group
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from simple_history.admin import SimpleHistoryAdmin

from praevention.accounts import roles
from praevention.accounts.models import User
from praevention.catalog.models import RiskFactor, SocialMonitoring, SocialSpace, TargetGroup
from praevention.network.models import Person
from tests.factories import (
    ActionGoalFactory,
    DepartmentFactory,
    MeasureFactory,
    PersonFactory,
    SocialSpaceFactory,
    StrategicGoalFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db

OUR_APPS = {"accounts", "network", "catalog", "measures"}


def our_registry():
    """(model, model admin) for every model of the network's apps in the default admin."""
    return sorted(
        (
            (model, model_admin)
            for model, model_admin in admin.site._registry.items()
            if model._meta.app_label in OUR_APPS
        ),
        key=lambda item: item[0]._meta.label,
    )


def admin_url(model, view, *args):
    return reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_{view}", args=args)


@pytest.fixture
def some_rows(jugendamt, gesundheitsamt, kernteam_jug, koordination):
    """A few rows in every table, so list_display renders real values."""
    prognoseraum = SocialSpaceFactory(lor_number="9901", name="Testraum")
    SocialSpace.objects.create(
        lor_number="990101",
        name="Testregion",
        level=SocialSpace.Level.BEZIRKSREGION,
        parent=prognoseraum,
    )
    goal = StrategicGoalFactory(title="Alle Kinder erreichen eine Kita")
    ActionGoalFactory(strategic_goal=goal, title="Kitaplätze im Sozialraum bekannt machen")
    risk = RiskFactor.objects.create(name="Testrisiko")
    risk.target_groups.set(TargetGroup.objects.all()[:2])
    for number in range(3):
        MeasureFactory(
            title=f"Sprachförderung {number}",
            lead=jugendamt,
            partners=[gesundheitsamt],
            target_groups=TargetGroup.objects.all()[:2],
            social_spaces=[prognoseraum],
        )


def test_every_model_of_the_network_is_registered():
    registered = {model._meta.label for model, _admin in our_registry()}

    assert registered == {
        "accounts.User",
        "network.Department",
        "network.Person",
        "catalog.TargetGroup",
        "catalog.RiskFactor",
        "catalog.LifePhase",
        "catalog.FieldOfAction",
        "catalog.StrategicGoal",
        "catalog.ActionGoal",
        "catalog.EvidenceLevel",
        "catalog.GoodPracticeCriterion",
        "catalog.SocialSpace",
        "catalog.SocialMonitoring",
        "measures.Measure",
        "measures.Participation",
        "measures.SearchSynonym",
    }


def test_every_model_with_history_shows_it_in_the_admin():
    for model, model_admin in our_registry():
        if hasattr(model, "history"):
            assert isinstance(model_admin, SimpleHistoryAdmin), model._meta.label


def test_the_admin_configuration_passes_djangos_checks():
    # Among others: every autocomplete target has search_fields (admin.E039/E040).
    for model, model_admin in our_registry():
        assert model_admin.check() == [], model._meta.label


def test_every_admin_has_a_list_search_and_ordering():
    for model, model_admin in our_registry():
        assert model_admin.list_display != ("__str__",), model._meta.label
        assert model_admin.search_fields, model._meta.label
        assert model_admin.get_ordering(None), model._meta.label


def test_admin_opens_every_changelist_and_add_page(client, admin_user, some_rows):
    client.force_login(admin_user)

    for model, _model_admin in our_registry():
        for view in ("changelist", "add"):
            response = client.get(admin_url(model, view))
            # Official values (MSS) are loaded by a command, never typed: no add page.
            expected = 403 if view == "add" and model is SocialMonitoring else 200
            assert response.status_code == expected, (model._meta.label, view)


def test_admin_opens_every_change_and_history_page(client, admin_user, some_rows):
    client.force_login(admin_user)

    for model, _model_admin in our_registry():
        obj = model._default_manager.order_by("pk").first()
        assert obj is not None, model._meta.label
        for view in ("change", "history"):
            response = client.get(admin_url(model, view, obj.pk))
            assert response.status_code == 200, (model._meta.label, view)


def test_changelists_show_the_rows_they_list(client, admin_user, some_rows):
    client.force_login(admin_user)

    measures = client.get(
        admin_url(User, "changelist").replace("accounts/user", "measures/measure")
    )
    spaces = client.get(admin_url(SocialSpace, "changelist"))

    assert "Sprachförderung 1" in measures.text
    assert "Jugendamt" in measures.text
    assert "990101" in spaces.text
    monitoring = client.get(admin_url(SocialMonitoring, "changelist"), {"status_class": 4})
    assert "Paul-Hertz-Siedlung" in monitoring.text
    assert "sehr niedrig" in monitoring.text


def test_kernteam_member_is_sent_to_the_admin_login(client, kernteam_jug):
    client.force_login(kernteam_jug)

    for url in (reverse("admin:index"), reverse("admin:measures_measure_changelist")):
        response = client.get(url)
        assert response.status_code == 302
        assert response.url.startswith(reverse("admin:login"))


def test_anonymous_is_sent_to_the_login(anonymous):
    url = reverse("admin:measures_measure_changelist")

    response = anonymous.get(url)

    assert response.status_code == 302
    assert response.url == f"{reverse('accounts:login')}?next={url}"


def test_coordinator_manages_master_data_but_not_accounts(client, koordination):
    client.force_login(koordination)

    assert client.get(admin_url(TargetGroup, "add")).status_code == 200
    assert client.get(admin_url(User, "changelist")).status_code == 403


def test_user_changelist_shows_roles_and_department(client, admin_user, kernteam_jug):
    client.force_login(admin_user)

    response = client.get(admin_url(User, "changelist"))

    assert "kernteam.jug@ba-cw.berlin.de" in response.text
    assert "Kernteam" in response.text
    assert ">Jug<" in response.text


def test_user_changelist_filters_by_department(client, admin_user, kernteam_jug, kernteam_ges):
    client.force_login(admin_user)

    response = client.get(
        admin_url(User, "changelist"),
        {"person__department__id__exact": kernteam_jug.person.department_id},
    )

    assert "kernteam.jug@ba-cw.berlin.de" in response.text
    assert "kernteam.ges@ba-cw.berlin.de" not in response.text


def test_user_changelist_filters_by_role(client, admin_user, kernteam_jug, koordination):
    client.force_login(admin_user)
    kernteam = Group.objects.get(name=roles.KERNTEAM)

    response = client.get(admin_url(User, "changelist"), {"groups__id__exact": kernteam.pk})

    assert "kernteam.jug@ba-cw.berlin.de" in response.text
    assert "koordination@ba-cw.berlin.de" not in response.text


def test_user_changelist_runs_a_bounded_number_of_queries(
    client, admin_user, django_assert_max_num_queries
):
    departments = DepartmentFactory.create_batch(3)
    for number in range(30):
        user = UserFactory(role=roles.KERNTEAM)
        PersonFactory(user=user, department=departments[number % 3])
    client.force_login(admin_user)

    with django_assert_max_num_queries(10):
        response = client.get(admin_url(User, "changelist"))

    assert response.status_code == 200
    assert response.context["cl"].result_count == 31


def changelist_queries(client):
    """Queries per changelist of ours, keyed by model label."""
    counts = {}
    for model, _model_admin in our_registry():
        with CaptureQueriesContext(connection) as queries:
            assert client.get(admin_url(model, "changelist")).status_code == 200
        counts[model._meta.label] = len(queries)
    return counts


def test_no_changelist_runs_more_queries_for_more_rows(client, admin_user, some_rows):
    client.force_login(admin_user)
    few = changelist_queries(client)
    departments = DepartmentFactory.create_batch(3)
    for number in range(20):
        PersonFactory(department=departments[number % 3])
        MeasureFactory(lead=departments[number % 3], partners=[departments[(number + 1) % 3]])
        ActionGoalFactory()
        RiskFactor.objects.create(name=f"Risiko {number}").target_groups.set(
            TargetGroup.objects.all()[:3]
        )

    assert changelist_queries(client) == few


def add_account_data(email, department, **overrides):
    data = {
        "email": email,
        "first_name": "Lena",
        "last_name": "Krause",
        "usable_password": "true",
        "password1": "Kernteam-2023!",
        "password2": "Kernteam-2023!",
        "groups": [Group.objects.get(name=roles.KERNTEAM).pk],
        "person-TOTAL_FORMS": "1",
        "person-INITIAL_FORMS": "0",
        "person-MIN_NUM_FORMS": "0",
        "person-MAX_NUM_FORMS": "1",
        "person-0-department": str(department.pk),
        "person-0-function": "Fachkraft Frühe Hilfen",
        "person-0-phone": "",
        "person-0-joined_on": "",
        "person-0-is_core_team": "on",
        "_save": "Sichern",
    }
    data.update(overrides)
    return data


def test_admin_creates_an_account_with_role_and_department_in_one_step(
    client, admin_user, jugendamt
):
    client.force_login(admin_user)

    response = client.post(
        admin_url(User, "add"), add_account_data("neu@ba-cw.berlin.de", jugendamt)
    )

    assert response.status_code == 302, response.context and response.context["errors"]
    user = User.objects.get(email="neu@ba-cw.berlin.de")
    assert user.has_role(roles.KERNTEAM)
    assert user.check_password("Kernteam-2023!")
    assert user.person.department == jugendamt
    assert user.person.is_core_team
    assert Person.history.filter(user=user).count() == 1


def test_account_with_an_email_that_differs_only_in_case_is_refused(
    client, admin_user, kernteam_jug, jugendamt
):
    client.force_login(admin_user)

    response = client.post(
        admin_url(User, "add"), add_account_data("Kernteam.Jug@ba-cw.berlin.de", jugendamt)
    )

    assert response.status_code == 200
    assert "Es gibt bereits ein Konto mit dieser E-Mail-Adresse." in response.text
    assert User.objects.filter(email__iexact="kernteam.jug@ba-cw.berlin.de").count() == 1


def test_profile_of_an_account_cannot_be_deleted_from_its_page(client, admin_user, kernteam_jug):
    client.force_login(admin_user)

    response = client.get(admin_url(User, "change", kernteam_jug.pk))

    formset = response.context["inline_admin_formsets"][0].formset
    assert formset.can_delete is False
    assert "person-0-DELETE" not in response.text
