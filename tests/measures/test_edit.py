import datetime

import pytest
from django.urls import reverse

from praevention.catalog.models import LifePhase, TargetGroup
from praevention.measures.models import Measure, Participation
from tests.factories import DepartmentFactory, MeasureFactory
from tests.measures.forms_data import existing_participations, measure_post_data

pytestmark = pytest.mark.django_db


def test_create_form_defaults_the_lead_to_the_users_department(client, kernteam_jug, jugendamt):
    client.force_login(kernteam_jug)
    response = client.get(reverse("measures:create"))
    formset = response.context["formset"]
    assert formset.forms[0].initial == {"department": jugendamt, "role": "lead"}


def test_member_creates_a_measure_with_two_departments(
    client, kernteam_jug, jugendamt, gesundheitsamt
):
    client.force_login(kernteam_jug)
    groups = list(TargetGroup.objects.all()[:2])
    data = measure_post_data(
        participations=[
            (jugendamt, "lead", None),
            (gesundheitsamt, "partner", None),
            (None, "partner", None),
        ],
        title="Sprachförderung für Kinder ohne Kitaplatz",
        summary="Sprachcafés in Familienzentren",
        status="running",
        start_date="2024-01-01",
        target_groups=[str(g.pk) for g in groups],
        life_phases=[str(LifePhase.objects.get(position=3).pk)],
        budget_eur="12500.50",
    )
    response = client.post(reverse("measures:create"), data)
    measure = Measure.objects.get(title="Sprachförderung für Kinder ohne Kitaplatz")
    assert response.status_code == 302
    assert response["Location"] == reverse("measures:detail", args=[measure.pk])
    assert measure.lead_department == jugendamt
    assert {p.department for p in measure.participations.all()} == {jugendamt, gesundheitsamt}
    assert set(measure.target_groups.all()) == set(groups)
    assert measure.created_by == kernteam_jug
    assert measure.history.first().history_user == kernteam_jug


def test_member_edits_a_measure_and_the_history_shows_the_change(
    client, kernteam_jug, jugendamt, gesundheitsamt
):
    measure = MeasureFactory(title="Bewegung im Kiez", lead=jugendamt, status="planned")
    client.force_login(kernteam_jug)
    participations = existing_participations(measure) + [(gesundheitsamt, "partner", None)]
    data = measure_post_data(measure, participations, status="running", budget_eur="3000")
    response = client.post(reverse("measures:edit", args=[measure.pk]), data)
    assert response.status_code == 302
    measure.refresh_from_db()
    assert measure.status == "running"
    assert measure.version == 2

    history = client.get(reverse("measures:history", args=[measure.pk])).content.decode()
    assert "geplant" in history and "laufend" in history
    assert "Beteiligung: Gesundheitsamt" in history
    assert "3.000,00" in history


def test_moving_the_lead_to_a_partner_works(client, koordination, jugendamt, gesundheitsamt):
    measure = MeasureFactory(lead=jugendamt, partners=[gesundheitsamt])
    client.force_login(koordination)
    rows = [
        (p.department, "partner" if p.role == "lead" else "lead", p.pk)
        for p in measure.participations.all()
    ]
    response = client.post(
        reverse("measures:edit", args=[measure.pk]), measure_post_data(measure, rows)
    )
    assert response.status_code == 302
    assert Measure.objects.get(pk=measure.pk).lead_department == gesundheitsamt


def test_removing_a_partner_deletes_its_participation(
    client, koordination, jugendamt, gesundheitsamt
):
    measure = MeasureFactory(lead=jugendamt, partners=[gesundheitsamt])
    client.force_login(koordination)
    data = measure_post_data(measure, existing_participations(measure))
    index = [p.department for p in measure.participations.all()].index(gesundheitsamt)
    data[f"participations-{index}-DELETE"] = "on"
    assert client.post(reverse("measures:edit", args=[measure.pk]), data).status_code == 302
    assert list(measure.participations.values_list("department__short_name", flat=True)) == ["Jug"]


def test_stale_edit_is_refused_and_the_first_save_survives(
    client, koordination, kernteam_jug, jugendamt
):
    measure = MeasureFactory(title="Familienzentrum", lead=jugendamt, status="planned")
    url = reverse("measures:edit", args=[measure.pk])
    # Both open the form at version 1.
    first = measure_post_data(measure, existing_participations(measure), status="running")
    second = measure_post_data(
        measure, existing_participations(measure), summary="Überschrieben?", status="paused"
    )
    client.force_login(kernteam_jug)
    assert client.post(url, first).status_code == 302

    client.force_login(koordination)
    response = client.post(url, second)
    assert response.status_code == 409
    content = response.content.decode()
    assert "Ihre Änderungen wurden nicht gespeichert" in content
    assert str(kernteam_jug) in content
    assert "Status" in content
    measure.refresh_from_db()
    assert measure.status == "running"
    assert measure.summary != "Überschrieben?"
    assert measure.version == 2
    # The re-shown form keeps the user's input and is now based on the current version.
    assert response.context["form"].data["version"] == 2
    assert response.context["form"].data["summary"] == "Überschrieben?"


@pytest.mark.parametrize(
    ("overrides", "field", "message"),
    [
        ({"title": ""}, "title", "Dieses Feld ist zwingend erforderlich."),
        ({"title": "x" * 201}, "title", "höchstens 200 Zeichen"),
        (
            {"start_date": "2025-05-01", "end_date": "2025-04-01"},
            "end_date",
            "Das Ende darf nicht vor dem Beginn liegen.",
        ),
        ({"budget_eur": "-5"}, "budget_eur", "größer oder gleich 0"),
        ({"reach_planned": "-1"}, "reach_planned", "größer oder gleich 0"),
        ({"start_date": "31.02.2025"}, "start_date", "gültiges Datum"),
        ({"status": "weg"}, "status", "gültige Auswahl"),
        ({"target_groups": ["999999"]}, "target_groups", "gültige Auswahl"),
        ({"evidence_level": "abc"}, "evidence_level", "gültige Auswahl"),
        ({"links": "keine adresse"}, "links", "keine gültige Webadresse"),
        ({"budget_eur": "1e400"}, "budget_eur", "höchstens 12 Ziffern"),
    ],
)
def test_bad_input_shows_german_field_errors_and_saves_nothing(
    client, kernteam_jug, jugendamt, overrides, field, message
):
    measure = MeasureFactory(title="Unverändert", lead=jugendamt)
    client.force_login(kernteam_jug)
    data = measure_post_data(measure, existing_participations(measure), **overrides)
    response = client.post(reverse("measures:edit", args=[measure.pk]), data)
    assert response.status_code == 400
    errors = " ".join(response.context["form"].errors.get(field, []))
    assert message in errors
    measure.refresh_from_db()
    assert measure.title == "Unverändert"
    assert measure.version == 1


def test_two_leads_are_refused(client, kernteam_jug, jugendamt, gesundheitsamt):
    client.force_login(kernteam_jug)
    data = measure_post_data(
        participations=[(jugendamt, "lead", None), (gesundheitsamt, "lead", None)],
        title="Zwei Köpfe",
    )
    response = client.post(reverse("measures:create"), data)
    assert response.status_code == 400
    assert "genau einen federführenden Fachbereich" in response.content.decode()
    assert not Measure.objects.filter(title="Zwei Köpfe").exists()


def test_no_lead_is_refused(client, kernteam_jug, jugendamt):
    client.force_login(kernteam_jug)
    data = measure_post_data(participations=[(jugendamt, "partner", None)], title="Kopflos")
    response = client.post(reverse("measures:create"), data)
    assert response.status_code == 400
    assert "genau einen federführenden Fachbereich" in response.content.decode()
    assert not Measure.objects.filter(title="Kopflos").exists()


def test_a_department_twice_is_refused(client, kernteam_jug, jugendamt):
    client.force_login(kernteam_jug)
    data = measure_post_data(
        participations=[(jugendamt, "lead", None), (jugendamt, "partner", None)], title="Doppelt"
    )
    response = client.post(reverse("measures:create"), data)
    assert response.status_code == 400
    assert "mehrfach eingetragen" in response.content.decode()
    assert not Measure.objects.exists()


def test_unknown_department_id_is_a_field_error(client, kernteam_jug, jugendamt):
    client.force_login(kernteam_jug)
    data = measure_post_data(participations=[(jugendamt, "lead", None)], title="Neu")
    data["participations-0-department"] = "987654"
    response = client.post(reverse("measures:create"), data)
    assert response.status_code == 400
    assert not Measure.objects.exists()


def test_duplicate_title_is_a_german_field_error(client, kernteam_jug, jugendamt):
    MeasureFactory(title="Schon da")
    client.force_login(kernteam_jug)
    data = measure_post_data(participations=[(jugendamt, "lead", None)], title="Schon da")
    response = client.post(reverse("measures:create"), data)
    assert response.status_code == 400
    assert "gibt es schon" in " ".join(response.context["form"].errors["title"])


def test_missing_management_form_is_a_400_not_a_500(client, kernteam_jug):
    client.force_login(kernteam_jug)
    response = client.post(reverse("measures:create"), {"title": "Ohne Formset"})
    assert response.status_code == 400
    assert not Measure.objects.exists()


def test_member_may_not_move_a_measure_out_of_reach_of_others(
    client, kernteam_jug, jugendamt, gesundheitsamt
):
    """Removing one's own department is refused (issue #12): the save keeps it a participant."""
    measure = MeasureFactory(lead=gesundheitsamt, partners=[jugendamt])
    client.force_login(kernteam_jug)
    data = measure_post_data(measure, existing_participations(measure))
    index = [p.department for p in measure.participations.all()].index(jugendamt)
    data[f"participations-{index}-DELETE"] = "on"
    response = client.post(reverse("measures:edit", args=[measure.pk]), data)
    assert response.status_code == 400
    assert "Ihr eigener Fachbereich muss an der Maßnahme beteiligt bleiben" in response.text
    assert client.get(reverse("measures:edit", args=[measure.pk])).status_code == 200


def test_archive_and_restore_are_recorded_in_the_history(client, kernteam_jug, jugendamt):
    measure = MeasureFactory(lead=jugendamt)
    client.force_login(kernteam_jug)
    client.post(reverse("measures:archive", args=[measure.pk]))
    client.post(reverse("measures:restore", args=[measure.pk]))
    records = list(
        measure.history.order_by("history_date").values_list("is_archived", "history_user")
    )
    assert records[-2:] == [(True, kernteam_jug.pk), (False, kernteam_jug.pk)]


def test_archived_measure_cannot_be_edited_before_restore(client, koordination):
    measure = MeasureFactory(is_archived=True)
    client.force_login(koordination)
    response = client.get(reverse("measures:edit", args=[measure.pk]))
    assert response.status_code == 302
    assert response["Location"] == reverse("measures:detail", args=[measure.pk])


def test_detail_shows_every_field(client, kernteam_ges, jugendamt, gesundheitsamt):
    measure = MeasureFactory(
        title="Lotsendienst",
        lead=jugendamt,
        partners=[gesundheitsamt],
        budget_eur=12345,
        funding_source="Landesprogramm",
        funding_ends_on=datetime.date(2026, 12, 31),
        target_groups=list(TargetGroup.objects.all()[:1]),
    )
    Participation.objects.filter(measure=measure, department=gesundheitsamt).update(role="funding")
    client.force_login(kernteam_ges)
    content = client.get(reverse("measures:detail", args=[measure.pk])).content.decode()
    for text in [
        "Lotsendienst",
        "Jugendamt",
        "Federführung",
        "Finanzierung",
        "12.345,00 €",
        "Landesprogramm",
        "31.12.2026",
        TargetGroup.objects.first().name,
    ]:
        assert text in content


def test_list_and_detail_run_a_constant_number_of_queries(
    client, koordination, django_assert_max_num_queries
):
    departments = [DepartmentFactory() for _ in range(4)]
    groups = list(TargetGroup.objects.all()[:3])
    phases = list(LifePhase.objects.all()[:2])
    for i in range(50):
        MeasureFactory(
            lead=departments[i % 4],
            partners=[departments[(i + 1) % 4], departments[(i + 2) % 4]],
            target_groups=groups,
            life_phases=phases,
        )
    client.force_login(koordination)
    # Session, user, roles, 7 filter choice lists, count, page, 7 prefetches.
    with django_assert_max_num_queries(24):
        assert client.get(reverse("measures:list")).status_code == 200
    measure = Measure.objects.first()
    # Detail and start include the meetings app's parts (decisions, follow-ups, comments;
    # my tasks, my department's, all overdue, stale entries): a fixed number more each.
    with django_assert_max_num_queries(21):
        assert client.get(reverse("measures:detail", args=[measure.pk])).status_code == 200
    # +1: which life phases each target group has (the biggest gaps count applicable cells).
    with django_assert_max_num_queries(25):
        assert client.get(reverse("overview:start")).status_code == 200
    with django_assert_max_num_queries(25):
        assert client.get(reverse("measures:history", args=[measure.pk])).status_code == 200
    with django_assert_max_num_queries(25):
        assert client.get(reverse("measures:edit", args=[measure.pk])).status_code == 200


def test_confirming_while_a_colleague_edits_does_not_block_the_edit(
    client, koordination, kernteam_jug, jugendamt
):
    """Issue #27: "Eintrag ist aktuell – bestätigen" records who and when without a version,
    so the edit a colleague opened before saves without "Inzwischen geändert"."""
    measure = MeasureFactory(title="Familienzentrum", lead=jugendamt, status="planned")
    opened = measure_post_data(measure, existing_participations(measure), summary="Neu gefasst")
    client.force_login(kernteam_jug)
    assert client.post(reverse("measures:confirm", args=[measure.pk])).status_code == 302
    client.force_login(koordination)
    response = client.post(reverse("measures:edit", args=[measure.pk]), opened)
    assert response.status_code == 302
    measure.refresh_from_db()
    assert measure.summary == "Neu gefasst"
    assert measure.version == 2
    # The edit is a real change: it confirms again, now by the editor.
    assert measure.confirmed_by == koordination


def test_a_conflict_without_visible_changes_never_shows_an_empty_list(
    client, koordination, jugendamt
):
    measure = MeasureFactory(title="Familienzentrum", lead=jugendamt, status="planned")
    opened = measure_post_data(measure, existing_participations(measure), summary="Neu gefasst")
    # A save that changes nothing the form shows (e.g. a bookkeeping field) raises the version.
    Measure.objects.get(pk=measure.pk).save()
    client.force_login(koordination)
    response = client.post(reverse("measures:edit", args=[measure.pk]), opened)
    assert response.status_code == 409
    content = response.content.decode()
    assert "Inzwischen geändert:" not in content
    assert "Die Änderung betrifft keine Angabe dieses Formulars" in content
    assert '<ul class="mb-2">\n    \n  </ul>' not in content
