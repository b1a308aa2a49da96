"""`manage.py seed_synthetic`: many measures, each with one lead, skewed like a real district."""

from collections import Counter
from datetime import timedelta
from io import StringIO

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db.models import Count, F, Q
from django.utils import timezone

from praevention.catalog.models import LifePhase, SocialSpace, TargetGroup
from praevention.demo.management.commands import seed_demo as demo
from praevention.demo.management.commands import seed_synthetic as synthetic
from praevention.demo.management.commands.seed_synthetic import ENDING_CELLS
from praevention.measures.models import Measure, Participation
from praevention.network.models import Department

pytestmark = pytest.mark.django_db


def seed_synthetic(*args):
    out = StringIO()
    call_command("seed_synthetic", *args, stdout=out)
    return out.getvalue()


def snapshot():
    """What a run produced, comparable across runs."""
    return sorted(
        Measure.objects.values_list(
            "title", "status", "start_date", "participations__department__short_name"
        ).filter(participations__role=Participation.Role.LEAD)
    )


def test_creates_the_requested_number_of_measures():
    output = seed_synthetic("--measures", "300")
    assert Measure.objects.count() == 300
    assert "300" in output


def test_every_synthetic_measure_has_exactly_one_lead():
    seed_synthetic("--measures", "300")
    leads = Measure.objects.annotate(
        leads=Count("participations", filter=Q(participations__role=Participation.Role.LEAD))
    )
    assert sorted({m.leads for m in leads}) == [1]


def test_some_measures_have_partners_and_none_has_more_than_three():
    seed_synthetic("--measures", "300")
    sizes = Counter(Measure.objects.annotate(n=Count("participations")).values_list("n", flat=True))
    assert set(sizes) <= {1, 2, 3, 4}
    assert sizes[1] < 300


def test_titles_are_unique_and_a_second_run_continues_the_numbering():
    seed_synthetic("--measures", "300")
    seed_synthetic("--measures", "50")
    titles = list(Measure.objects.values_list("title", flat=True))
    assert len(titles) == 350
    assert len(set(titles)) == 350
    assert any(title.endswith(" #350") for title in titles)


def test_the_same_seed_gives_the_same_data():
    seed_synthetic("--measures", "100", "--seed", "7")
    first = snapshot()
    Measure.objects.all().delete()
    seed_synthetic("--measures", "100", "--seed", "7")
    assert snapshot() == first


def test_another_seed_gives_other_data():
    seed_synthetic("--measures", "100", "--seed", "7")
    first = snapshot()
    Measure.objects.all().delete()
    seed_synthetic("--measures", "100", "--seed", "8")
    assert snapshot() != first


def test_about_twelve_departments_exist_including_the_demo_ones():
    seed_synthetic("--measures", "10")
    assert 10 <= Department.objects.count() <= 14
    assert set(Department.objects.values_list("short_name", flat=True)) >= {
        row["short_name"] for row in demo.load_demo_data()["department"]
    }


def test_target_groups_and_departments_are_skewed():
    seed_synthetic("--measures", "300")
    per_group = list(TargetGroup.objects.annotate(n=Count("measures")).values_list("n", flat=True))
    assert max(per_group) >= 3 * max(min(per_group), 1)
    per_lead = Counter(
        Participation.objects.filter(role=Participation.Role.LEAD).values_list(
            "department__short_name", flat=True
        )
    )
    assert per_lead.most_common(1)[0][1] >= 5 * max(min(per_lead.values()), 1)


def test_some_life_phase_target_group_cells_stay_empty():
    seed_synthetic("--measures", "300")
    disability = TargetGroup.objects.get(name=synthetic.TG_BEHINDERUNG)
    training = LifePhase.objects.get(name=synthetic.LP_16_27)
    assert not Measure.objects.filter(target_groups=disability, life_phases=training).exists()


def test_a_few_cells_are_held_only_by_measures_that_end_within_six_months():
    """The gap radar's "cells that would become empty" has something to show."""
    from dateutil.relativedelta import relativedelta

    from praevention.overview import gaps, selectors
    from praevention.overview.scope import CURRENT_STATUSES

    seed_synthetic("--measures", "300")
    today = timezone.localdate()
    until = today + relativedelta(months=gaps.HORIZON_MONTHS)
    counts = selectors.count_chain(
        Measure.objects.filter(status__in=CURRENT_STATUSES), today=today, until=until
    )
    expiring = {(phase, group) for (phase, group), cell in counts.items() if cell.expires}
    only_soon = {
        (LifePhase.objects.get(name=phase).pk, TargetGroup.objects.get(name=group).pk)
        for group, phase, _activity in ENDING_CELLS
    }
    assert only_soon <= expiring


def test_social_spaces_are_linked_at_bezirksregion_level_only():
    seed_synthetic("--measures", "300")
    levels = set(SocialSpace.objects.filter(measures__isnull=False).values_list("level", flat=True))
    assert levels == {SocialSpace.Level.BEZIRKSREGION}


def test_statuses_are_mostly_running_or_planned_and_some_are_archived():
    seed_synthetic("--measures", "300")
    assert Measure.objects.filter(status__in=["planned", "running"]).count() > 150
    assert Measure.objects.archived().exists()


def test_dates_fit_and_some_funding_runs_out_within_six_months():
    seed_synthetic("--measures", "300")
    today = timezone.localdate()
    assert Measure.objects.filter(
        funding_ends_on__gte=today, funding_ends_on__lte=today + timedelta(days=183)
    ).exists()
    assert not Measure.objects.filter(
        start_date__isnull=False, end_date__isnull=False, end_date__lt=F("start_date")
    ).exists()


def test_zero_measures_are_refused():
    with pytest.raises(CommandError):
        seed_synthetic("--measures", "0")
