"""'zuletzt bestätigt am': one-click confirmation by the lead, set on every real edit, and
entries not confirmed for 12 months flagged in the list, on the page, on the start page and
in the report."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from praevention.measures import services
from praevention.measures.models import Measure, stale_cutoff
from tests.factories import MeasureFactory

pytestmark = pytest.mark.django_db


def months_ago(months):
    return timezone.now() - datetime.timedelta(days=round(months * 30.44))


@pytest.fixture
def measures(jugendamt, gesundheitsamt):
    old = MeasureFactory(title="Seit 13 Monaten unbestätigt", lead=jugendamt)
    recent = MeasureFactory(title="Vor 11 Monaten bestätigt", lead=jugendamt)
    Measure.objects.filter(pk=old.pk).update(confirmed_at=months_ago(13))
    Measure.objects.filter(pk=recent.pk).update(confirmed_at=months_ago(11))
    old.refresh_from_db()
    recent.refresh_from_db()
    return old, recent


def test_13_months_is_stale_and_11_months_is_not(measures):
    old, recent = measures
    assert old.is_stale and not recent.is_stale
    assert list(Measure.objects.stale()) == [old]


def test_the_cutoff_is_the_same_calendar_day_a_year_ago():
    now = timezone.make_aware(datetime.datetime(2026, 11, 30, 15, 0))
    assert timezone.localtime(stale_cutoff(now)) == timezone.make_aware(
        datetime.datetime(2025, 11, 30, 0, 0)
    )
    leap = timezone.make_aware(datetime.datetime(2028, 2, 29, 9, 0))
    assert timezone.localtime(stale_cutoff(leap)).date() == datetime.date(2027, 2, 28)


def test_list_flags_and_filters_stale_entries(client, kernteam_ges, measures):
    client.force_login(kernteam_ges)
    page = client.get(reverse("measures:list")).content.decode()
    row_old = page.split("Seit 13 Monaten unbestätigt")[1].split("</tr>")[0]
    row_recent = page.split("Vor 11 Monaten bestätigt")[1].split("</tr>")[0]
    assert "nicht bestätigt" in row_old and "nicht bestätigt" not in row_recent
    filtered = client.get(reverse("measures:list") + "?stale=1").content.decode()
    assert "Seit 13 Monaten unbestätigt" in filtered
    assert "Vor 11 Monaten bestätigt" not in filtered


def test_detail_page_flags_a_stale_entry(client, kernteam_ges, measures):
    old, recent = measures
    client.force_login(kernteam_ges)
    assert (
        "Seit über 12 Monaten nicht bestätigt."
        in client.get(old.get_absolute_url()).content.decode()
    )
    page = client.get(recent.get_absolute_url()).content.decode()
    assert "Seit über 12 Monaten nicht bestätigt." not in page
    assert "Zuletzt bestätigt am" in page


def test_start_page_and_report_count_stale_entries(client, kernteam_jug, koordination, measures):
    client.force_login(kernteam_jug)
    start = client.get(reverse("overview:start")).content.decode()
    assert "1 Eintrag seit über 12 Monaten nicht bestätigt" in start
    assert "davon 1 mit Federführung Ihres Fachbereichs" in start
    client.force_login(koordination)
    report = client.get(reverse("overview:report")).content.decode()
    assert "Datenstand" in report
    assert "1 von 2 Maßnahmen (50 %)" in report


def test_lead_confirms_with_one_click(client, kernteam_jug, measures):
    old, _recent = measures
    client.force_login(kernteam_jug)
    page = client.get(old.get_absolute_url()).content.decode()
    assert reverse("measures:confirm", args=[old.pk]) in page
    response = client.post(reverse("measures:confirm", args=[old.pk]))
    assert response.status_code == 302
    version = old.version
    old.refresh_from_db()
    assert not old.is_stale
    # Who and when, without a new version (issue #27: it never conflicts with an open edit).
    assert old.confirmed_by == kernteam_jug
    assert old.version == version
    page = client.get(old.get_absolute_url()).content.decode()
    assert f"von {kernteam_jug.get_full_name() or kernteam_jug.email}" in page


def test_a_partner_department_may_not_confirm(client, kernteam_ges, jugendamt, gesundheitsamt):
    measure = MeasureFactory(lead=jugendamt, partners=[gesundheitsamt])
    Measure.objects.filter(pk=measure.pk).update(confirmed_at=months_ago(13))
    client.force_login(kernteam_ges)
    page = client.get(measure.get_absolute_url()).content.decode()
    assert reverse("measures:confirm", args=[measure.pk]) not in page
    assert client.post(reverse("measures:confirm", args=[measure.pk])).status_code == 403
    measure.refresh_from_db()
    assert measure.is_stale


def _save(measure, by, **changes):
    for name, value in changes.items():
        setattr(measure, name, value)
    participations = [(p.department, p.role) for p in measure.participations.all()]
    return services.measure_update(
        measure=measure,
        m2m={name: list(getattr(measure, name).all()) for name in Measure.M2M_FIELDS},
        participations=participations,
        expected_version=measure.version,
        by=by,
    )


def test_a_real_edit_confirms_the_entry_an_unchanged_save_does_not(kernteam_jug, measures):
    old, recent = measures
    before = recent.confirmed_at
    _save(Measure.objects.get(pk=recent.pk), kernteam_jug)
    recent.refresh_from_db()
    assert recent.confirmed_at == before

    _save(Measure.objects.get(pk=old.pk), kernteam_jug, summary="Neu beschrieben")
    old.refresh_from_db()
    assert not old.is_stale
    assert timezone.now() - old.confirmed_at < datetime.timedelta(minutes=1)
