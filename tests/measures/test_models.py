import datetime
from decimal import Decimal

import pytest
from django.db import IntegrityError, connection, transaction

from praevention.measures.models import Measure, Participation
from tests.factories import DepartmentFactory, MeasureFactory

pytestmark = pytest.mark.django_db


def rejected(**changes):
    """True if saving a measure with these field values is refused by the database."""
    measure = MeasureFactory()
    for field, value in changes.items():
        setattr(measure, field, value)
    try:
        with transaction.atomic():
            measure.save()
    except IntegrityError:
        return True
    return False


def test_end_before_start_is_rejected():
    assert rejected(start_date=datetime.date(2025, 5, 1), end_date=datetime.date(2025, 4, 30))


def test_end_on_start_day_is_accepted():
    assert not rejected(start_date=datetime.date(2025, 5, 1), end_date=datetime.date(2025, 5, 1))


def test_negative_budget_is_rejected():
    assert rejected(budget_eur=Decimal("-0.01"))


def test_negative_planned_reach_is_rejected():
    assert rejected(reach_planned=-1)


def test_negative_reached_participants_are_rejected():
    assert rejected(reach_actual=-5)


def test_empty_title_is_rejected():
    assert rejected(title="")


def test_two_measures_cannot_share_a_title():
    MeasureFactory(title="Sprachförderung für Kinder ohne Kitaplatz")
    with pytest.raises(IntegrityError), transaction.atomic():
        MeasureFactory(title="Sprachförderung für Kinder ohne Kitaplatz")


def test_a_measure_cannot_have_two_leads():
    measure = MeasureFactory()
    with pytest.raises(IntegrityError), transaction.atomic():
        Participation.objects.create(
            measure=measure, department=DepartmentFactory(), role=Participation.Role.LEAD
        )


def test_a_department_takes_part_only_once_per_measure():
    jug = DepartmentFactory(short_name="Jug")
    measure = MeasureFactory(lead=jug)
    with pytest.raises(IntegrityError), transaction.atomic():
        Participation.objects.create(
            measure=measure, department=jug, role=Participation.Role.PARTNER
        )


def test_the_lead_department_is_read_from_the_participations():
    jug, ges = DepartmentFactory(short_name="Jug"), DepartmentFactory(short_name="Ges")
    measure = MeasureFactory(lead=jug, partners=[ges])
    assert measure.lead_department == jug
    assert set(measure.departments) == {jug, ges}


def test_history_rows_are_written_when_a_measure_changes():
    measure = MeasureFactory(status=Measure.Status.PLANNED)
    measure.status = Measure.Status.RUNNING
    measure.save()
    history = list(measure.history.order_by("history_date"))
    assert [h.status for h in history] == ["planned", "running"]
    assert history[-1].history_type == "~"


def test_history_of_participations_is_kept():
    measure = MeasureFactory()
    partner = Participation.objects.create(
        measure=measure, department=DepartmentFactory(), role=Participation.Role.PARTNER
    )
    partner.role = Participation.Role.FUNDING
    partner.save()
    assert list(
        Participation.history.filter(id=partner.id)
        .order_by("history_date")
        .values_list("role", flat=True)
    ) == ["partner", "funding"]


def test_history_records_changed_target_groups(django_db_setup):
    from praevention.catalog.models import TargetGroup

    measure = MeasureFactory()
    measure.target_groups.set(TargetGroup.objects.all()[:2])
    latest = measure.history.latest()
    assert latest.target_groups.count() == 2


@pytest.mark.skipif(connection.vendor != "postgresql", reason="the trigger is PostgreSQL's")
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_postgresql_refuses_a_measure_without_lead_at_commit():
    with pytest.raises(IntegrityError, match="exactly one lead"), transaction.atomic():
        Measure.objects.create(title="Ohne Federführung")
    assert not Measure.objects.filter(title="Ohne Federführung").exists()


@pytest.mark.skipif(connection.vendor != "postgresql", reason="the trigger is PostgreSQL's")
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_postgresql_refuses_removing_the_only_lead():
    measure = MeasureFactory()
    with pytest.raises(IntegrityError), transaction.atomic():
        measure.participations.filter(role=Participation.Role.LEAD).delete()
    assert measure.participations.filter(role=Participation.Role.LEAD).count() == 1


@pytest.mark.skipif(connection.vendor != "postgresql", reason="the trigger is PostgreSQL's")
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_postgresql_allows_moving_the_lead_within_one_transaction():
    jug, ges = DepartmentFactory(short_name="Jug"), DepartmentFactory(short_name="Ges")
    measure = MeasureFactory(lead=jug, partners=[ges])
    with transaction.atomic():
        measure.participations.filter(department=jug).update(role=Participation.Role.PARTNER)
        measure.participations.filter(department=ges).update(role=Participation.Role.LEAD)
    assert measure.lead_department == ges


def test_ending_between_finds_the_end_or_the_end_of_funding_and_names_the_earlier():
    day = datetime.date(2026, 3, 1)
    window = (day, datetime.date(2026, 8, 31))
    both = MeasureFactory(end_date=day.replace(month=7), funding_ends_on=day.replace(month=5))
    funding_later = MeasureFactory(
        end_date=day.replace(month=4), funding_ends_on=day.replace(month=6)
    )
    end_only = MeasureFactory(end_date=day.replace(month=8, day=31))
    funding_only = MeasureFactory(end_date=day.replace(year=2027), funding_ends_on=day)
    MeasureFactory(end_date=day.replace(month=9), funding_ends_on=datetime.date(2026, 2, 28))
    MeasureFactory(end_date=None, funding_ends_on=None)

    found = {m.pk: m.expires_on for m in Measure.objects.ending_between(*window)}

    assert found == {
        both.pk: day.replace(month=5),
        funding_later.pk: day.replace(month=4),
        end_only.pk: day.replace(month=8, day=31),
        funding_only.pk: day,
    }
    lasting = Measure.objects.with_expiry(*window).filter(expires_on__isnull=True)
    assert lasting.count() == 2
