"""/ueberblick/: one tab per matrix, heatmap tables whose every number drills down exactly."""

import json

import pytest
from django.contrib.humanize.templatetags.humanize import intcomma
from django.urls import reverse

from praevention.overview.tables import heat_legend, heat_level, heat_scale
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

TABS = ["zielgruppen", "lebensphasen", "sozialraeume", "fachbereiche"]


def tab_url(slug):
    return reverse("overview:matrix", args=[slug])


def list_count(client, url):
    """The list's count for a drill-down URL; htmx's partial is the same list, rendered faster."""
    response = client.get(url, headers={"HX-Request": "true"})
    assert response.status_code == 200, url
    return response.context["paginator"].count


def links_of(matrix):
    """(url, expected number) of every linked number in the matrix."""
    for row in matrix.rows:
        for cell in row.cells:
            assert bool(cell.url) == bool(cell.value), (row.label, cell)
            if cell.url:
                yield cell.url, cell.value
        if row.total_url:
            yield row.total_url, row.total


def row(matrix, label):
    return next(r for r in matrix.rows if r.label == label)


def values(matrix, label):
    return {
        department.short_name: cell.value
        for department, cell in zip(matrix.columns, row(matrix, label).cells, strict=True)
    }


def test_anonymous_users_are_sent_to_the_login(client):
    for slug in TABS:
        response = client.get(tab_url(slug))
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("accounts:login"))


def test_users_without_a_role_may_not_see_the_overview(client, db):
    client.force_login(UserFactory())
    assert client.get(reverse("overview:overview")).status_code == 403


def test_unknown_tab_is_not_found(member):
    assert member.get(tab_url("unbekannt")).status_code == 404


@pytest.mark.parametrize("slug", TABS)
def test_every_member_sees_every_tab(member, network, slug):
    response = member.get(tab_url(slug))
    assert response.status_code == 200
    assert response.context["matrix"].slug == slug


def test_target_group_tab_shows_the_exact_cells_and_marks_overlaps(member, network):
    n = network
    matrix = member.get(reverse("overview:overview")).context["matrix"]
    assert [d.short_name for d in matrix.columns] == ["Ges", "Jug", "QPK", "Soz"]
    assert values(matrix, n.a.name) == {"Ges": 1, "Jug": 2, "QPK": 1, "Soz": 0}
    assert values(matrix, n.b.name) == {"Ges": 2, "Jug": 1, "QPK": 1, "Soz": 0}
    assert values(matrix, n.d.name) == {"Ges": 0, "Jug": 0, "QPK": 1, "Soz": 0}
    assert [r.total for r in matrix.rows[:4]] == [2, 2, 1, 1]
    assert matrix.column_totals == [3, 3, 2, 0]
    assert matrix.total == 5
    # Two or more departments on the same group is an overlap; one department is not.
    assert [r.overlap for r in matrix.rows[:4]] == [True, True, True, False]
    assert [c.overlap for c in row(matrix, n.a.name).cells] == [True, True, True, False]
    assert all(r.total == 0 and not r.overlap for r in matrix.rows[4:])


def test_overlaps_are_marked_with_text_not_only_colour(member, network):
    html = member.get(reverse("overview:overview")).content.decode()
    assert "Überschneidung: 3 Fachbereiche" in html
    assert '<span class="visually-hidden"> Überschneidung</span>' in html
    assert "style=" not in html.split("<main", 1)[1]  # colours are classes (CSP)


def test_social_space_tab_lists_prognoseraeume_with_their_regions(member, network):
    matrix = member.get(tab_url("sozialraeume")).context["matrix"]
    labels = [(r.sublabel, r.strong) for r in matrix.rows]
    assert labels[:5] == [
        ("0410", True),
        ("041001", False),
        ("0420", True),
        ("042002", False),
        ("042003", False),
    ]
    zentrum = next(r for r in matrix.rows if r.sublabel == "0430")
    assert [c.value for c in zentrum.cells] == [3, 2, 1, 0]  # Ges, Jug, QPK, Soz
    assert zentrum.total == 3
    assert not zentrum.in_chart  # the chart shows regions only, never the same measure twice


def test_department_tab_shows_joint_measures_and_the_diagonal(member, network):
    n = network
    matrix = member.get(tab_url("fachbereiche")).context["matrix"]
    assert values(matrix, "Jugendamt") == {"Ges": 2, "Jug": 3, "QPK": 1, "Soz": 0}
    assert values(matrix, "Gesundheitsamt") == {"Ges": 3, "Jug": 2, "QPK": 1, "Soz": 0}
    assert values(matrix, n.qpk.name) == {"Ges": 1, "Jug": 1, "QPK": 3, "Soz": 0}
    assert [r.total for r in matrix.rows] == [2, 2, 1, 0]
    assert matrix.total == 2
    diagonal = [c for r in matrix.rows for c in r.cells if c.diagonal]
    assert [c.level for c in diagonal] == [0, 0, 0, 0]  # not part of the colour scale


def test_department_tab_names_departments_with_shared_groups_but_no_joint_measure(member, network):
    shared = member.get(tab_url("fachbereiche")).context["shared"]
    assert shared == []  # all three share groups only through M1 and M4, run jointly
    # QPK leaves M1 and works with group A alone, as Jug and Ges do in M1 and M2.
    network.m6.target_groups.add(network.a)
    network.m1.participations.filter(department=network.qpk).delete()
    shared = member.get(tab_url("fachbereiche")).context["shared"]
    assert [(a.short_name, b.short_name, [g.pk for g in groups]) for a, b, groups in shared] == [
        ("Ges", "QPK", [network.a.pk]),
        ("Jug", "QPK", [network.a.pk]),
    ]


FILTERS = [
    {},
    {"status": "running"},
    {"status": ["planned", "running", "completed"]},
    {"department": "jug"},
    {"department": "jug", "role": "lead"},
    {"target_group": "a"},
    {"social_space": "0430"},
    {"social_space": "043004"},
    {"q": "Sprach"},
    {"role": "lead"},
]


def resolve(params, network):
    from praevention.catalog.models import SocialSpace

    resolved = {}
    for key, value in params.items():
        if key in ("department", "target_group", "life_phase"):
            value = getattr(network, value).pk
        elif key == "social_space":
            value = SocialSpace.objects.get(lor_number=value).pk
        resolved[key] = value
    return resolved


@pytest.mark.parametrize("slug", TABS)
@pytest.mark.parametrize(
    "params", FILTERS, ids=lambda p: "&".join(f"{k}={v}" for k, v in p.items())
)
def test_every_drill_down_lists_exactly_the_cells_measures(member, network, slug, params):
    response = member.get(tab_url(slug), resolve(params, network))
    assert response.status_code == 200
    links = list(links_of(response.context["matrix"]))
    assert links or params.get("q")  # the search may leave a tab without any link
    for url, expected in links:
        assert list_count(member, url) == expected, url


def test_drill_down_links_state_the_default_status_explicitly(member, network):
    matrix = member.get(reverse("overview:overview")).context["matrix"]
    url = row(matrix, network.a.name).cells[1].url
    assert "status=planned" in url and "status=running" in url
    assert f"department={network.jug.pk}" in url and f"target_group={network.a.pk}" in url


def test_with_a_department_filter_columns_become_partners(member, network):
    n = network
    matrix = member.get(reverse("overview:overview"), {"department": n.jug.pk}).context["matrix"]
    ges_cell = row(matrix, n.a.name).cells[0]
    assert ges_cell.value == 1
    assert f"department={n.jug.pk}" in ges_cell.url
    assert f"partner_department={n.ges.pk}" in ges_cell.url


def test_a_filter_on_the_tabs_own_dimension_keeps_only_its_row(member, network):
    n = network
    matrix = member.get(reverse("overview:overview"), {"target_group": n.a.pk}).context["matrix"]
    assert [r.label for r in matrix.rows] == [n.a.name]
    spaces = member.get(
        tab_url("sozialraeume"), {"social_space": n.m3.social_spaces.get().pk}
    ).context["matrix"]
    assert [r.sublabel for r in spaces.rows] == ["0430", "043004", "043005", "043006"]


def test_tabs_and_report_link_keep_the_filters(member, network):
    response = member.get(tab_url("lebensphasen"), {"status": "running"})
    html = response.content.decode()
    assert f'href="{tab_url("zielgruppen")}?status=running"' in html
    assert f'href="{reverse("overview:report")}?status=running"' in html


def test_the_filter_form_is_the_lists_without_archive_sorting_and_second_department(
    member, network
):
    scope = member.get(reverse("overview:overview")).context["scope"]
    names = [field.name for field in scope.visible_fields()]
    assert "department" in names and "status" in names and "social_space" in names
    assert not {"archived", "ordering", "partner_department"} & set(names)


def test_archived_measures_stay_out_even_when_asked_for(member, network):
    matrix = member.get(
        reverse("overview:overview"), {"archived": "all", "status": "running"}
    ).context["matrix"]
    assert values(matrix, network.a.name)["Soz"] == 0  # X1 is archived


def test_invalid_filters_answer_400_in_german(member, network):
    response = member.get(reverse("overview:overview"), {"department": "abc"})
    assert response.status_code == 400
    assert "ungültig" in response.content.decode()


def test_chart_data_is_embedded_as_json_and_drawn_by_a_static_script(member, network):
    response = member.get(reverse("overview:overview"))
    html = response.content.decode()
    assert '<script id="chart-data" type="application/json">' in html
    assert "js/overview.js" in html and "vendor/chartjs/chart.umd.min.js" in html
    assert "<script>" not in html and " onclick=" not in html
    chart = response.context["chart"]
    assert chart["labels"][0] == network.a.name
    jug = next(d for d in chart["datasets"] if d["label"] == "Jug")
    assert jug["data"][:4] == [2, 1, 1, 0]
    assert jug["colour"] == "#2e7d32"
    json.loads(html.split('<script id="chart-data" type="application/json">')[1].split("</")[0])


def test_tables_have_a_caption_and_scoped_headers(member, network):
    html = member.get(reverse("overview:overview")).content.decode()
    assert "<caption" in html
    assert '<th scope="col"' in html and '<th scope="row"' in html
    assert 'role="img"' in html  # the canvas, described and backed by the table


def test_heat_scale_is_geometric_and_the_top_bucket_is_darkest():
    assert heat_scale(0) == []
    assert heat_scale(1) == [1]
    assert heat_level(1, heat_scale(1)) == 5
    bounds = heat_scale(2000)
    assert bounds[-1] == 2000 and len(bounds) == 5
    assert [heat_level(v, bounds) for v in (0, 1, 5, 6, 2000)] == [0, 1, 1, 2, 5]
    assert heat_legend(heat_scale(8)) == [(0, "0"), (2, "1–2"), (3, "3"), (4, "4–5"), (5, "6–8")]


def test_euro_sums_spread_over_the_colours_from_the_smallest_to_the_largest_cell():
    """Budgets start at thousands: a scale from 1 put every cell into the top two levels."""
    bounds = heat_scale(980_000, minimum=6_000)
    assert bounds[0] > 6_000 and bounds[-1] == 980_000 and len(bounds) == 5
    levels = {heat_level(value, bounds) for value in (6_000, 20_000, 70_000, 250_000, 980_000)}
    assert levels == {1, 2, 3, 4, 5}
    assert heat_legend(bounds)[1] == (1, f"1–{intcomma(bounds[0])}")
