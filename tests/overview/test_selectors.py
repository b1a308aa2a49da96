"""Every matrix on the hand-built network, cell by cell: one query each, exact numbers."""

import datetime
from collections import Counter

import pytest
from dateutil.relativedelta import relativedelta
from django.db import connection
from django.http import QueryDict
from django.test.utils import CaptureQueriesContext

from praevention.measures.models import Measure
from praevention.overview import selectors
from praevention.overview.scope import Scope
from praevention.overview.selectors import ChainCell

pytestmark = pytest.mark.django_db


def current(**params):
    """The overview's default scope: planned and running, not archived."""
    data = QueryDict(mutable=True)
    for key, value in params.items():
        data[key] = str(value)
    return Scope(data).measures


def data_queries(queries):
    """The captured statements without the lookup of the data version (figures cache)."""
    return [q["sql"] for q in queries if "core_dataversion" not in q["sql"]]


def one_query(function, *args, **kwargs):
    with CaptureQueriesContext(connection) as queries:
        result = function(*args, **kwargs)
    assert len(data_queries(queries)) == 1, data_queries(queries)
    return result


def test_department_by_target_group_counts_each_measure_per_department_and_group(network):
    n = network
    counts = one_query(selectors.count_target_groups, current())
    assert counts.cells == {
        (n.a.pk, n.jug.pk): 2,  # M1, M2
        (n.a.pk, n.ges.pk): 1,  # M1
        (n.a.pk, n.qpk.pk): 1,  # M1
        (n.b.pk, n.jug.pk): 1,  # M1
        (n.b.pk, n.ges.pk): 2,  # M1, M3
        (n.b.pk, n.qpk.pk): 1,  # M1
        (n.c.pk, n.jug.pk): 1,  # M4
        (n.c.pk, n.ges.pk): 1,  # M4
        (n.d.pk, n.qpk.pk): 1,  # M6
    }
    assert counts.rows == {n.a.pk: 2, n.b.pk: 2, n.c.pk: 1, n.d.pk: 1}
    # Distinct measures per department: M1 counts once for Jug although it has two groups.
    assert counts.columns == {n.jug.pk: 3, n.ges.pk: 3, n.qpk.pk: 2}
    assert counts.total == 5  # M1, M2, M3, M4, M6; M5 has no target group


def test_department_by_life_phase(network):
    n = network
    counts = one_query(selectors.count_life_phases, current())
    assert counts.cells == {
        (n.p3.pk, n.jug.pk): 2,
        (n.p3.pk, n.ges.pk): 1,
        (n.p3.pk, n.qpk.pk): 1,
        (n.p4.pk, n.jug.pk): 1,
        (n.p4.pk, n.ges.pk): 2,
        (n.p4.pk, n.qpk.pk): 2,
        (n.p1.pk, n.jug.pk): 1,
        (n.p1.pk, n.ges.pk): 1,
    }
    assert counts.rows == {n.p3.pk: 2, n.p4.pk: 3, n.p1.pk: 1}
    assert counts.columns == {n.jug.pk: 3, n.ges.pk: 3, n.qpk.pk: 2}
    assert counts.total == 5


def test_department_by_social_space_rolls_regions_up_into_their_prognoseraum(network):
    n = network
    counts = one_query(selectors.count_social_spaces, current())
    assert counts.cells == {
        ("043004", n.jug.pk): 2,  # M1, M4
        ("043004", n.ges.pk): 2,
        ("043004", n.qpk.pk): 1,  # M1
        ("043005", n.jug.pk): 1,  # M1
        ("043005", n.ges.pk): 1,
        ("043005", n.qpk.pk): 1,
        # M1 is in two of its regions but counts once; M3 is linked to the Prognoseraum.
        ("0430", n.jug.pk): 2,  # M1, M4
        ("0430", n.ges.pk): 3,  # M1, M3, M4
        ("0430", n.qpk.pk): 1,  # M1
        ("041001", n.jug.pk): 1,  # M2 (the archived X1 is not counted)
        ("0410", n.jug.pk): 1,
        ("044007", n.qpk.pk): 1,  # M6
        ("0440", n.qpk.pk): 1,
    }
    assert counts.rows == {
        "043004": 2,
        "043005": 1,
        "0430": 3,
        "041001": 1,
        "0410": 1,
        "044007": 1,
        "0440": 1,
    }
    assert counts.columns == {n.jug.pk: 3, n.ges.pk: 3, n.qpk.pk: 2}
    assert counts.total == 5


def test_department_by_department_counts_a_three_department_measure_in_every_pair(network):
    n = network
    counts = one_query(selectors.count_department_pairs, current())
    assert counts.cells == {
        # The diagonal: all measures of the department.
        (n.jug.pk, n.jug.pk): 3,  # M1, M2, M4
        (n.ges.pk, n.ges.pk): 3,  # M1, M3, M4
        (n.qpk.pk, n.qpk.pk): 3,  # M1, M5, M6
        # M1 (Jug, Ges, QPK) in each of the six ordered pairs; M4 (Ges, Jug) too.
        (n.jug.pk, n.ges.pk): 2,
        (n.ges.pk, n.jug.pk): 2,
        (n.jug.pk, n.qpk.pk): 1,
        (n.qpk.pk, n.jug.pk): 1,
        (n.ges.pk, n.qpk.pk): 1,
        (n.qpk.pk, n.ges.pk): 1,
    }
    assert counts.rows == {n.jug.pk: 2, n.ges.pk: 2, n.qpk.pk: 1}
    assert counts.total == 2  # M1 and M4 are run jointly
    assert n.soz.pk not in {col for _row, col in counts.cells}


def test_matrices_follow_the_lists_filters(network):
    n = network
    running_only = one_query(selectors.count_target_groups, current(status="running"))
    assert running_only.rows == {n.a.pk: 2, n.b.pk: 1, n.d.pk: 1}
    in_zentrum = one_query(
        selectors.count_target_groups, current(social_space=n.m3.social_spaces.get().pk)
    )
    assert in_zentrum.rows == {n.a.pk: 1, n.b.pk: 2, n.c.pk: 1}
    with_jug = one_query(selectors.count_department_pairs, current(department=n.jug.pk))
    assert with_jug.cell(n.jug.pk, n.ges.pk) == 2
    assert with_jug.cell(n.qpk.pk, n.qpk.pk) == 1  # only M1 of QPK's measures has Jug


def test_archived_and_completed_measures_count_when_the_filter_asks_for_them(network):
    n = network
    completed = one_query(selectors.count_target_groups, current(status="completed"))
    assert completed.cells == {(n.a.pk, n.ges.pk): 1, (n.a.pk, n.soz.pk): 1}


def test_chain_counts_running_planned_and_what_lasts_beyond_six_months(network):
    n = network
    today = n.today
    counts = one_query(
        selectors.count_chain, current(), today=today, until=today + relativedelta(months=6)
    )
    assert counts == {
        (n.p3.pk, n.a.pk): ChainCell(running=2, planned=0, lasting=1),  # M2 ends in 30 days
        (n.p3.pk, n.b.pk): ChainCell(running=1, planned=0, lasting=1),
        (n.p4.pk, n.a.pk): ChainCell(running=1, planned=0, lasting=1),
        (n.p4.pk, n.b.pk): ChainCell(running=1, planned=1, lasting=1),
        (n.p4.pk, n.d.pk): ChainCell(running=1, planned=0, lasting=0),  # funding of M6 ends
        (n.p1.pk, n.c.pk): ChainCell(running=0, planned=1, lasting=0),
    }
    assert counts[(n.p4.pk, n.d.pk)].expires
    assert not counts[(n.p1.pk, n.c.pk)].expires


def test_phase_pairs_show_which_measures_carry_a_group_across_a_transition(network):
    n = network
    pairs = one_query(selectors.count_phase_pairs, current(), n.a)
    assert pairs == {
        (n.p3.pk, n.p3.pk): 2,
        (n.p4.pk, n.p4.pk): 1,
        (n.p3.pk, n.p4.pk): 1,  # M1 spans Kita and primary school
        (n.p4.pk, n.p3.pk): 1,
    }


def test_region_supply_counts_running_and_planned_measures_below_each_region(network):
    supply = one_query(selectors.count_region_supply, current())
    assert supply == {"043004": (1, 1), "043005": (1, 0), "041001": (1, 0), "044007": (1, 0)}


def test_goals_without_measures_ignore_archived_measures(network):
    goals = one_query(selectors.goals_without_measures, current())
    assert [g.title for g in goals] == ["Schulabschluss für alle", "Übergänge gelingen"]


def test_expiring_measures_are_ordered_by_the_date_they_run_out(network):
    n = network
    with CaptureQueriesContext(connection) as queries:
        total, rows = selectors.expiring_measures(
            current(status="running"),
            today=n.today,
            until=n.today + relativedelta(months=6),
            limit=10,
        )
    assert len(data_queries(queries)) == 2
    assert total == 2
    assert [(m.title, m.expires_on) for m in rows] == [
        ("M2 Elterncafé Nord", n.today + datetime.timedelta(days=30)),
        ("M6 Lernpaten Grunewald", n.today + datetime.timedelta(days=60)),
    ]
    assert rows[0].lead_name == "Jugendamt"


def test_department_status_counts_cover_every_role_but_no_archived_measure(network):
    n = network
    counts = one_query(selectors.count_by_department_and_status)
    assert counts[(n.jug.pk, "running")] == 2  # M1, M2
    assert counts[(n.jug.pk, "planned")] == 1  # M4 as partner
    assert counts[(n.ges.pk, "completed")] == 1
    assert (n.soz.pk, "running") not in counts  # X1 is archived
    assert counts[(n.soz.pk, "completed")] == 1  # partner in X2


@pytest.mark.parametrize(
    "facet",
    [
        {"department": "jug", "role": "lead"},
        {"department": "ges"},
        {"partner_department": "qpk"},
        {"target_group": "a"},
        {"life_phase": "p3"},
        {"status": ["running", "planned", "completed"]},
        {"poverty_focus": "prevent"},
        {"ends_within": 6},
        {"q": "Sprachförderung Kita"},
    ],
)
def test_every_facet_selects_each_measure_once_as_the_aggregates_assume(network, facet):
    """The selectors count rows: a facet that joined (or needed DISTINCT) would count a measure
    with several departments or target groups more than once."""
    n = network
    data = QueryDict(mutable=True)
    for key, value in facet.items():
        value = getattr(n, value).pk if isinstance(value, str) and hasattr(n, value) else value
        data.setlist(key, [str(v) for v in value] if isinstance(value, list) else [str(value)])
    measures = Scope(data).measures
    assert Scope(data).errors == {}
    ids = list(measures.values_list("pk", flat=True))
    assert ids, facet  # the facet selects something on this network
    assert len(ids) == len(set(ids))
    assert selectors.count_measures(measures) == len(ids)
    # Every department of a selected measure counts, not only the one the facet names.
    linked = Measure.objects.filter(pk__in=ids, target_groups__isnull=False).distinct()
    departments = Counter(p.department_id for m in linked for p in m.participations.all())
    counts = selectors.count_target_groups(measures)
    assert (counts.columns, counts.total) == (dict(departments), linked.count())
