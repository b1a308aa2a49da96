"""Budget and reach matrices equal a plain Python sum over the same measures."""

import random
from decimal import Decimal

import pytest
from django.http import QueryDict
from django.urls import reverse

from praevention.catalog.models import LifePhase, SocialSpace, TargetGroup
from praevention.measures.models import Measure
from praevention.overview import quantities, selectors
from praevention.overview.scope import Scope
from tests.factories import DepartmentFactory, MeasureFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def random_network(db):
    """50 measures with random departments, catalogue links, budgets and reach (some missing)."""
    rng = random.Random(17)
    departments = [DepartmentFactory() for _ in range(4)]
    groups = list(TargetGroup.objects.all())
    phases = list(LifePhase.objects.all())
    spaces = list(SocialSpace.objects.exclude(level=SocialSpace.Level.PROGNOSERAUM)) + list(
        SocialSpace.objects.filter(level=SocialSpace.Level.PROGNOSERAUM)[:2]
    )
    measures = []
    for n in range(50):
        lead, *others = rng.sample(departments, rng.randint(1, 3))
        measures.append(
            MeasureFactory(
                title=f"Zufall {n:02d}",
                status=rng.choice([Measure.Status.RUNNING, Measure.Status.PLANNED]),
                lead=lead,
                partners=others,
                target_groups=rng.sample(groups, rng.randint(0, 3)),
                life_phases=rng.sample(phases, rng.randint(0, 3)),
                social_spaces=rng.sample(spaces, rng.randint(0, 3)),
                budget_eur=None if n % 7 == 0 else Decimal(rng.randint(0, 900_000)) / 100,
                reach_planned=None if n % 5 == 0 else rng.randint(0, 400),
                reach_actual=None if n % 3 == 0 else rng.randint(0, 400),
            )
        )
    return measures


def python_sum(measures, field, keep):
    total = sum((getattr(m, field) or 0 for m in measures if keep(m)), Decimal(0))
    return round(total)


def departments_of(measure):
    return {p.department_id for p in measure.participations.all()}


def in_space(measure, prefix):
    return any(s.lor_number.startswith(prefix) for s in measure.social_spaces.all())


@pytest.mark.parametrize(
    "quantity", [quantities.BUDGET, quantities.REACH_PLANNED, quantities.REACH_ACTUAL]
)
def test_every_matrix_sums_like_python(random_network, quantity):
    field = quantity.field
    measures = list(
        Measure.objects.filter(pk__in=[m.pk for m in random_network]).prefetch_related(
            "participations", "target_groups", "life_phases", "social_spaces"
        )
    )
    department_ids = {d for m in measures for d in departments_of(m)}
    scoped = Scope(QueryDict()).measures

    for relation, count in (
        ("target_groups", selectors.count_target_groups),
        ("life_phases", selectors.count_life_phases),
    ):
        counts = count(scoped, quantity)
        items = {i.pk for m in measures for i in getattr(m, relation).all()}
        for item in items:

            def has(m, item=item, relation=relation):
                return item in {i.pk for i in getattr(m, relation).all()}

            assert counts.rows.get(item, 0) == python_sum(measures, field, has)
            for department in department_ids:
                expected = python_sum(
                    measures, field, lambda m, d=department, h=has: h(m) and d in departments_of(m)
                )
                assert counts.cell(item, department) == expected
        assert counts.total == python_sum(
            measures, field, lambda m, r=relation: bool(getattr(m, r).all())
        )

    spaces = selectors.count_social_spaces(scoped, quantity)
    # The Bezirk's row is the matrix's total (checked below); Planungsräume have no row.
    rows = SocialSpace.objects.exclude(
        level__in=[SocialSpace.Level.PLANUNGSRAUM, SocialSpace.Level.BEZIRK]
    )
    for space in rows:
        prefix = space.lor_number
        assert spaces.rows.get(prefix, 0) == python_sum(
            measures, field, lambda m, p=prefix: in_space(m, p)
        ), prefix
        for department in department_ids:
            assert spaces.cell(prefix, department) == python_sum(
                measures,
                field,
                lambda m, p=prefix, d=department: in_space(m, p) and d in departments_of(m),
            )
    assert spaces.total == python_sum(measures, field, lambda m: bool(m.social_spaces.all()))

    pairs = selectors.count_department_pairs(scoped, quantity)
    for a in department_ids:
        for b in department_ids:
            assert pairs.cell(a, b) == python_sum(
                measures, field, lambda m, a=a, b=b: {a, b} <= departments_of(m)
            )
    assert pairs.total == python_sum(measures, field, lambda m: len(departments_of(m)) >= 2)

    missing, named = selectors.count_missing(scoped, quantity)
    lacking = sorted(m.title for m in measures if getattr(m, field) is None)
    assert missing == len(lacking)
    assert [m.title for m in named] == lacking[:10]


def test_the_page_names_the_measures_without_a_budget(client, koordination, random_network):
    client.force_login(koordination)
    response = client.get(reverse("overview:overview"), {"zaehlen": "budget"})
    assert response.status_code == 200
    lacking = sorted(m.title for m in random_network if m.budget_eur is None)
    assert f"{len(lacking)} Maßnahmen ohne Budgetangabe".encode() in response.content
    assert lacking[0].encode() in response.content


def test_an_unknown_quantity_is_a_400_with_the_choices(client, koordination):
    client.force_login(koordination)
    response = client.get(reverse("overview:overview"), {"zaehlen": "euro"})
    assert response.status_code == 400
    assert "„euro“ kann nicht gezählt werden".encode() in response.content


def test_funding_overview_shares_add_up(client, koordination, random_network):
    client.force_login(koordination)
    response = client.get(reverse("overview:funding"))
    assert response.status_code == 200
    rows = response.context["funding_departments"]
    total = python_sum(random_network, "budget_eur", lambda m: True)
    assert response.context["totals"]["budget"] == total
    assert abs(sum(row.budget for row in rows) - total) <= len(rows)  # rounded per row
    assert abs(sum(row.share for row in rows if row.share) - 1) < 1e-9
