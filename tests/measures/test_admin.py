"""The measure admin: participations as one checked set, history, archive instead of delete."""

import pytest
from django.db import connection
from django.urls import reverse

from praevention.accounts import roles
from praevention.measures.models import Measure, Participation
from tests.factories import DepartmentFactory, MeasureFactory, UserFactory

pytestmark = pytest.mark.django_db

LEAD = Participation.Role.LEAD
PARTNER = Participation.Role.PARTNER

ADD_URL = reverse("admin:measures_measure_add")
CHANGELIST_URL = reverse("admin:measures_measure_changelist")


def change_url(measure):
    return reverse("admin:measures_measure_change", args=[measure.pk])


def assert_lead_trigger_holds():
    """Tests never commit, so fire PostgreSQL's deferred "exactly one lead" trigger now."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")


def measure_data(rows, measure=None, **fields):
    """POST data of the measure form; rows are (participation or None, department, role)."""
    data = {
        "title": measure.title if measure else "Bewegungsangebote für Kinder",
        "summary": "",
        "description": "",
        "status": Measure.Status.PLANNED,
        "start_date": "",
        "end_date": "",
        "poverty_focus": Measure.PovertyFocus.BOTH,
        "contact_person": "",
        "external_partners": "",
        "links": "",
        "reach_planned": "",
        "reach_actual": "",
        "budget_eur": "",
        "funding_source": "",
        "funding_ends_on": "",
        "evidence_level": "",
        "evaluation_notes": "",
        "loaded_version": str(measure.version) if measure else "",
        "participations-TOTAL_FORMS": str(len(rows)),
        "participations-INITIAL_FORMS": str(sum(1 for row in rows if row[0] is not None)),
        "participations-MIN_NUM_FORMS": "0",
        "participations-MAX_NUM_FORMS": "1000",
        "_save": "Sichern",
    }
    for index, (participation, department, role) in enumerate(rows):
        prefix = f"participations-{index}"
        data[f"{prefix}-id"] = str(participation.pk) if participation else ""
        data[f"{prefix}-measure"] = str(measure.pk) if measure else ""
        data[f"{prefix}-department"] = str(department.pk) if department else ""
        data[f"{prefix}-role"] = role
    data.update(fields)
    return data


def existing_rows(measure):
    return [(p, p.department, p.role) for p in measure.participations.order_by("department__name")]


@pytest.fixture
def admin_client(client, admin_user):
    client.force_login(admin_user)
    return client


def test_measure_change_page_shows_its_participations(admin_client, jugendamt, gesundheitsamt):
    measure = MeasureFactory(lead=jugendamt, partners=[gesundheitsamt])

    response = admin_client.get(change_url(measure))

    assert response.status_code == 200
    formset = response.context["inline_admin_formsets"][0].formset
    assert formset.prefix == "participations"
    assert len(formset.forms) == 2
    assert "Jugendamt" in response.text
    assert "Gesundheitsamt" in response.text
    for legend in (
        "Grunddaten",
        "Zielgruppen und Räume",
        "Finanzierung und Reichweite",
        "Qualität und Evidenz",
        "Verwaltung",
    ):
        assert legend in response.text


def test_admin_adds_a_measure_with_its_lead_and_partner(
    admin_client, admin_user, jugendamt, gesundheitsamt
):
    response = admin_client.post(
        ADD_URL, measure_data([(None, jugendamt, LEAD), (None, gesundheitsamt, PARTNER)])
    )

    assert response.status_code == 302
    assert_lead_trigger_holds()
    measure = Measure.objects.get(title="Bewegungsangebote für Kinder")
    assert measure.lead_department == jugendamt
    assert measure.created_by == admin_user
    assert measure.history.first().history_user == admin_user


def test_new_measure_with_two_leads_is_refused(admin_client, jugendamt, gesundheitsamt):
    response = admin_client.post(
        ADD_URL, measure_data([(None, jugendamt, LEAD), (None, gesundheitsamt, LEAD)])
    )

    assert response.status_code == 200
    assert "genau einen federführenden Fachbereich (eingetragen: 2)" in response.text
    assert not Measure.objects.exists()
    assert not Participation.objects.exists()


def test_new_measure_without_a_lead_is_refused(admin_client, jugendamt, gesundheitsamt):
    response = admin_client.post(
        ADD_URL, measure_data([(None, jugendamt, PARTNER), (None, gesundheitsamt, PARTNER)])
    )

    assert response.status_code == 200
    assert "genau einen federführenden Fachbereich (eingetragen: 0)" in response.text
    assert not Measure.objects.exists()


def test_new_measure_with_its_participation_row_left_empty_is_refused(admin_client):
    response = admin_client.post(ADD_URL, measure_data([(None, None, PARTNER)]))

    assert response.status_code == 200
    formset = response.context["inline_admin_formsets"][0].formset
    assert "federführenden" in formset.non_form_errors()[0]
    assert not Measure.objects.exists()


def test_department_entered_twice_is_refused(admin_client, jugendamt):
    response = admin_client.post(
        ADD_URL, measure_data([(None, jugendamt, LEAD), (None, jugendamt, PARTNER)])
    )

    assert response.status_code == 200
    assert "Der Fachbereich „Jugendamt“ ist mehrfach eingetragen." in response.text
    assert not Measure.objects.exists()


def test_demoting_the_only_lead_is_refused(admin_client, jugendamt, gesundheitsamt):
    measure = MeasureFactory(lead=jugendamt, partners=[gesundheitsamt])
    rows = [(p, d, PARTNER) for p, d, _role in existing_rows(measure)]

    response = admin_client.post(change_url(measure), measure_data(rows, measure))

    assert response.status_code == 200
    assert "genau einen federführenden Fachbereich" in response.text
    assert measure.participations.get(role=LEAD).department == jugendamt


def test_deleting_the_lead_row_is_refused(admin_client, jugendamt, gesundheitsamt):
    measure = MeasureFactory(lead=jugendamt, partners=[gesundheitsamt])
    lead = measure.participations.get(role=LEAD)
    data = measure_data(existing_rows(measure), measure)
    index = [p for p, _d, _r in existing_rows(measure)].index(lead)
    data[f"participations-{index}-DELETE"] = "on"

    response = admin_client.post(change_url(measure), data)

    assert response.status_code == 200
    assert "genau einen federführenden Fachbereich" in response.text
    assert measure.participations.filter(role=LEAD).exists()


def test_lead_moves_to_a_partner_in_one_save(admin_client, jugendamt, gesundheitsamt, qpk):
    # "Gesundheitsamt" sorts before "Jugendamt": the new lead's row comes first.
    measure = MeasureFactory(lead=jugendamt, partners=[gesundheitsamt])
    rows = [(p, d, LEAD if d == gesundheitsamt else PARTNER) for p, d, _r in existing_rows(measure)]

    response = admin_client.post(change_url(measure), measure_data(rows, measure))

    assert response.status_code == 302
    assert_lead_trigger_holds()
    assert measure.participations.get(role=LEAD).department == gesundheitsamt
    assert measure.participations.get(department=jugendamt).role == PARTNER


def test_lead_moves_to_a_new_department_when_the_old_row_is_deleted(
    admin_client, jugendamt, gesundheitsamt
):
    measure = MeasureFactory(lead=jugendamt)
    rows = [*existing_rows(measure), (None, gesundheitsamt, LEAD)]
    data = measure_data(rows, measure, **{"participations-0-DELETE": "on"})

    response = admin_client.post(change_url(measure), data)

    assert response.status_code == 302
    assert_lead_trigger_holds()
    assert list(measure.participations.values_list("department", "role")) == [
        (gesundheitsamt.pk, LEAD)
    ]


def test_history_page_of_a_changed_measure_shows_the_change(admin_client, admin_user, jugendamt):
    measure = MeasureFactory(title="Sprachförderung", lead=jugendamt)

    admin_client.post(
        change_url(measure),
        measure_data(existing_rows(measure), measure, title="Sprachförderung ohne Kitaplatz"),
    )
    response = admin_client.get(reverse("admin:measures_measure_history", args=[measure.pk]))

    assert response.status_code == 200
    assert "Sprachförderung ohne Kitaplatz" in response.text
    assert "Titel" in response.text
    assert "admin@ba-cw.berlin.de" in response.text or str(admin_user) in response.text
    assert measure.history.count() >= 2


def test_stale_admin_edit_is_refused_and_overwrites_nothing(admin_client, jugendamt):
    measure = MeasureFactory(title="Familienzentrum", lead=jugendamt)
    loaded = measure_data(existing_rows(measure), measure, title="Familienzentrum Nord")
    measure.summary = "inzwischen von anderer Seite geändert"
    measure.save()

    response = admin_client.post(change_url(measure), loaded)

    assert response.status_code == 200
    assert "Ihre Änderungen wurden nicht gespeichert" in response.text
    measure.refresh_from_db()
    assert measure.title == "Familienzentrum"
    assert measure.summary == "inzwischen von anderer Seite geändert"


def test_admin_edit_counts_a_new_version(admin_client, jugendamt):
    measure = MeasureFactory(lead=jugendamt)
    version = measure.version

    admin_client.post(
        change_url(measure), measure_data(existing_rows(measure), measure, summary="neu")
    )

    measure.refresh_from_db()
    assert measure.summary == "neu"
    assert measure.version == version + 1


def test_archive_action_archives_and_records_who_did_it(admin_client, admin_user, jugendamt):
    measures = MeasureFactory.create_batch(2, lead=jugendamt)

    response = admin_client.post(
        CHANGELIST_URL,
        {"action": "archive", "_selected_action": [m.pk for m in measures]},
        follow=True,
    )

    assert response.status_code == 200
    assert "2 Maßnahmen wurden archiviert." in response.text
    for measure in measures:
        measure.refresh_from_db()
        assert measure.is_archived
        latest = measure.history.first()
        assert latest.is_archived and latest.history_user == admin_user


def test_restore_action_brings_archived_measures_back(admin_client, jugendamt):
    measure = MeasureFactory(lead=jugendamt, is_archived=True)

    admin_client.post(CHANGELIST_URL, {"action": "restore", "_selected_action": [measure.pk]})

    measure.refresh_from_db()
    assert not measure.is_archived


def test_coordinator_cannot_delete_measures(client, koordination, jugendamt):
    measure = MeasureFactory(lead=jugendamt)
    client.force_login(koordination)

    changelist = client.get(CHANGELIST_URL)
    delete = client.get(reverse("admin:measures_measure_delete", args=[measure.pk]))

    assert "delete_selected" not in changelist.text
    assert "archive" in changelist.text
    assert delete.status_code == 403


def test_admin_role_without_superuser_cannot_delete_measures(client, jugendamt):
    measure = MeasureFactory(lead=jugendamt)
    client.force_login(UserFactory(role=roles.ADMIN))

    response = client.post(
        reverse("admin:measures_measure_delete", args=[measure.pk]), {"post": "yes"}
    )

    assert response.status_code == 403
    assert Measure.objects.filter(pk=measure.pk).exists()


def test_superuser_may_delete_a_measure_with_its_participations(
    admin_client, jugendamt, gesundheitsamt
):
    measure = MeasureFactory(lead=jugendamt, partners=[gesundheitsamt])

    response = admin_client.post(
        reverse("admin:measures_measure_delete", args=[measure.pk]), {"post": "yes"}
    )

    assert response.status_code == 302
    assert_lead_trigger_holds()
    assert not Measure.objects.filter(pk=measure.pk).exists()
    assert not Participation.objects.filter(measure_id=measure.pk).exists()


def test_changelist_shows_the_lead_department(admin_client, jugendamt, gesundheitsamt):
    MeasureFactory(title="Kiezlotsen", lead=gesundheitsamt, partners=[jugendamt])

    response = admin_client.get(CHANGELIST_URL)

    row = next(r for r in response.context["cl"].result_list if r.title == "Kiezlotsen")
    assert row.lead_name == "Gesundheitsamt"


def test_changelist_filters_by_participating_department(admin_client, jugendamt, gesundheitsamt):
    MeasureFactory(title="Kiezlotsen", lead=gesundheitsamt, partners=[jugendamt])
    MeasureFactory(title="Babylotsen", lead=gesundheitsamt)

    response = admin_client.get(
        CHANGELIST_URL, {"participations__department__id__exact": jugendamt.pk}
    )

    assert [m.title for m in response.context["cl"].result_list] == ["Kiezlotsen"]


def test_measure_changelist_runs_a_bounded_number_of_queries(
    admin_client, django_assert_max_num_queries
):
    departments = DepartmentFactory.create_batch(4)
    for number in range(30):
        MeasureFactory(lead=departments[number % 4], partners=[departments[(number + 1) % 4]])

    with django_assert_max_num_queries(10):
        response = admin_client.get(CHANGELIST_URL)

    assert response.status_code == 200
    assert response.context["cl"].result_count == 30


def participation_url(participation, view="change"):
    return reverse(f"admin:measures_participation_{view}", args=[participation.pk])


def test_lead_row_cannot_be_demoted_on_its_own(admin_client, jugendamt):
    lead = MeasureFactory(lead=jugendamt).participations.get()

    response = admin_client.post(
        participation_url(lead), {"department": jugendamt.pk, "role": PARTNER}
    )

    assert response.status_code == 200
    assert "Die Federführung wechseln Sie auf der Seite der Maßnahme" in response.text
    lead.refresh_from_db()
    assert lead.role == LEAD


def test_lead_row_cannot_be_deleted_on_its_own(admin_client, jugendamt):
    lead = MeasureFactory(lead=jugendamt).participations.get()

    response = admin_client.post(participation_url(lead, "delete"), {"post": "yes"})

    assert response.status_code == 403
    assert Participation.objects.filter(pk=lead.pk).exists()


def test_second_lead_cannot_be_added_on_its_own(admin_client, jugendamt, gesundheitsamt):
    measure = MeasureFactory(lead=jugendamt)

    response = admin_client.post(
        reverse("admin:measures_participation_add"),
        {"measure": measure.pk, "department": gesundheitsamt.pk, "role": LEAD},
    )

    assert response.status_code == 200
    assert "Eine Maßnahme hat genau eine Federführung." in response.text
    assert measure.participations.count() == 1


def test_partner_row_can_be_added_and_deleted_on_its_own(admin_client, jugendamt, gesundheitsamt):
    measure = MeasureFactory(lead=jugendamt)

    added = admin_client.post(
        reverse("admin:measures_participation_add"),
        {"measure": measure.pk, "department": gesundheitsamt.pk, "role": PARTNER},
    )
    partner = measure.participations.get(department=gesundheitsamt)
    deleted = admin_client.post(participation_url(partner, "delete"), {"post": "yes"})

    assert added.status_code == 302
    assert deleted.status_code == 302
    assert_lead_trigger_holds()
    assert list(measure.participations.values_list("role", flat=True)) == [LEAD]


def test_reverting_to_an_old_version_counts_a_new_version(admin_client, jugendamt):
    measure = MeasureFactory(title="Stadtteilmütter", lead=jugendamt)
    first = measure.history.get()
    measure.title = "Stadtteilmütter Nord"
    measure.save()
    revert_url = reverse(
        "admin:measures_measure_simple_history", args=[measure.pk, first.history_id]
    )

    form = admin_client.get(revert_url)
    data = measure_data([], measure, title="Stadtteilmütter")
    response = admin_client.post(revert_url, data)

    assert form.status_code == 200
    assert response.status_code == 302
    measure.refresh_from_db()
    assert measure.title == "Stadtteilmütter"
    assert measure.version == 3
