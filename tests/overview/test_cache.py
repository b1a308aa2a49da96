"""The overview's figures come from the cache until any write changes the data behind them."""

import pytest
from django.conf import settings
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from praevention.catalog.models import SocialSpace
from praevention.core.dataversion import current_token
from praevention.core.models import DataVersion
from praevention.measures.models import Measure, Participation
from tests.factories import MeasureFactory
from tests.measures.forms_data import existing_participations, measure_post_data
from tests.overview.test_overview_page import tab_url, values
from tests.overview.test_selectors import data_queries

pytestmark = pytest.mark.django_db


def aggregates(queries):
    return [sql for sql in data_queries(queries) if "GROUP BY" in sql or "COUNT(" in sql]


def test_a_second_request_reads_every_figure_from_the_cache(coordinator, network):
    url = reverse("overview:report")
    with CaptureQueriesContext(connection) as first:
        computed = coordinator.get(url)
    with CaptureQueriesContext(connection) as second:
        cached = coordinator.get(url)
    assert len(aggregates(first)) >= 8
    assert aggregates(second) == []
    for fresh, remembered in zip(
        computed.context["matrices"], cached.context["matrices"], strict=True
    ):
        assert [(r.label, [c.value for c in r.cells], r.total) for r in fresh.rows] == [
            (r.label, [c.value for c in r.cells], r.total) for r in remembered.rows
        ]
    assert computed.context["radar"]["gap_count"] == cached.context["radar"]["gap_count"]


def test_a_page_reads_the_data_version_once_per_cached_part(coordinator, network):
    # The report's figures are one cached part, its "Datenstand" (shared with the start
    # page) another: one lookup each, however many figures the report holds.
    with CaptureQueriesContext(connection) as queries:
        assert coordinator.get(reverse("overview:report")).status_code == 200
    versions = [q for q in queries if "core_dataversion" in q["sql"]]
    assert len(versions) == 2


def test_an_edit_in_the_form_shows_in_the_overview_at_once(
    client, koordination, network, gesundheitsamt
):
    client.force_login(koordination)
    before = client.get(tab_url("zielgruppen")).context["matrix"]
    assert values(before, network.a.name)["Ges"] == 1  # M1

    m2 = Measure.objects.get(title="M2 Elterncafé Nord")
    rows = existing_participations(m2) + [(gesundheitsamt, "partner", None)]
    response = client.post(reverse("measures:edit", args=[m2.pk]), measure_post_data(m2, rows))
    assert response.status_code == 302

    after = client.get(tab_url("zielgruppen")).context["matrix"]
    assert values(after, network.a.name)["Ges"] == 2  # M1, M2


def add_partner(network):
    m2 = Measure.objects.get(title="M2 Elterncafé Nord")
    Participation.objects.create(measure=m2, department=network.ges, role="partner")


def link_target_group(network):
    Measure.objects.get(title="M6 Lernpaten Grunewald").target_groups.add(network.a)


def unlink_target_group(network):
    Measure.objects.get(title="M2 Elterncafé Nord").target_groups.remove(network.a)


def archive_in_bulk(network):
    Measure.objects.filter(title="M2 Elterncafé Nord").update(is_archived=True)


def bulk_create_links(network):
    link = Measure.target_groups.through
    m6 = Measure.objects.get(title="M6 Lernpaten Grunewald")
    link.objects.bulk_create([link(measure=m6, targetgroup=network.a)])


def delete_with_raw_sql(network):
    m2 = Measure.objects.get(title="M2 Elterncafé Nord")
    with connection.cursor() as cursor:
        cursor.execute("DELETE FROM measures_measure_target_groups WHERE measure_id = %s", [m2.pk])


def new_measure(network):
    MeasureFactory(lead=network.qpk, status="running", target_groups=[network.a])


def figures(client, slug="zielgruppen"):
    """A tab's matrix as numbers: each row's cells and total, the column totals, the total."""
    matrix = client.get(tab_url(slug)).context["matrix"]
    rows = [(r.label, [c.value for c in r.cells], r.total) for r in matrix.rows]
    return rows, matrix.column_totals, matrix.total


@pytest.mark.parametrize(
    "change",
    [
        add_partner,
        link_target_group,
        unlink_target_group,
        archive_in_bulk,
        bulk_create_links,
        delete_with_raw_sql,
        new_measure,
    ],
)
def test_every_kind_of_write_makes_the_figures_new(coordinator, network, change):
    before = figures(coordinator)
    token = current_token()
    change(network)
    assert current_token() != token
    after = figures(coordinator)
    assert after != before
    with CaptureQueriesContext(connection) as queries:
        assert figures(coordinator) == after
    assert aggregates(queries) == []


def test_moving_a_social_space_in_the_catalogue_moves_its_measures(coordinator, network):
    """The social-space matrix rolls up by LOR prefix: a catalogue change counts too."""
    before = figures(coordinator, "sozialraeume")
    SocialSpace.objects.filter(lor_number="044007").update(lor_number="043099")
    assert figures(coordinator, "sozialraeume") != before


def test_each_language_and_filter_gets_its_own_figures(coordinator, network):
    assert "Maßnahmen je Zielgruppe und Fachbereich" in coordinator.get(tab_url("zielgruppen")).text
    coordinator.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    assert (
        "Measures per target group and department" in coordinator.get(tab_url("zielgruppen")).text
    )
    everything = coordinator.get(tab_url("zielgruppen")).context["matrix"]
    jugendamt = coordinator.get(tab_url("zielgruppen"), {"department": network.jug.pk})
    assert jugendamt.context["matrix"].total < everything.total


def test_without_a_data_version_nothing_is_cached(coordinator, network):
    DataVersion.objects.all().delete()
    for _ in range(2):
        with CaptureQueriesContext(connection) as queries:
            figures(coordinator)
        assert len(aggregates(queries)) == 1
