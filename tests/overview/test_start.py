"""The start page as a dashboard: status, departments, top overlaps, biggest gaps, changes."""

import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db

URL = reverse("overview:start")


def test_counts_by_status_leave_archived_measures_out(member, network):
    counts = {status: n for status, _label, n in member.get(URL).context["status_counts"]}
    assert counts == {"idea": 1, "planned": 2, "running": 4, "paused": 0, "completed": 1}


def test_departments_with_their_measures_by_status(member, network):
    rows = {r["department"].short_name: r for r in member.get(URL).context["department_rows"]}
    jug = dict((status, n) for n, status in rows["Jug"]["cells"])
    assert jug == {"idea": 0, "planned": 1, "running": 2, "paused": 0, "completed": 0}
    assert dict((s, n) for n, s in rows["Soz"]["cells"])["completed"] == 1


def test_top_overlaps_rank_by_the_number_of_departments(member, network):
    top = member.get(URL).context["top_overlaps"]
    ranked = [(item["row"].label, item["row"].department_count, item["row"].total) for item in top]
    # Three departments each; the phase with three measures first, then by name.
    assert ranked[0] == (network.p4.name, 3, 3)
    assert {label for label, _d, _t in ranked[1:4]} == {
        network.a.name,
        network.b.name,
        network.p3.name,
    }
    assert [d.short_name for d, _cell in top[0]["departments"]] == ["Ges", "Jug", "QPK"]
    assert all(departments >= 2 for _label, departments, _total in ranked)


def test_the_three_biggest_gaps(member, network):
    n = network
    gaps = member.get(URL).context["biggest_gaps"]
    assert [(g["group"], g["cell"].phase.position, g["score"]) for g in gaps] == [
        (n.a, 2, 2),  # 0–3 empty between pregnancy and a well-served Kita phase
        (n.a, 5, 1),
        (n.b, 2, 1),
    ]
    html = member.get(URL).content.decode()
    assert "Die drei größten Lücken" in html
    assert f"?kette={n.a.pk}" in html


def test_latest_changes_come_first(member, network):
    network.m3.title = "M3 umbenannt"
    network.m3.save()
    assert member.get(URL).context["measures"][0].title == "M3 umbenannt"


def test_dashboard_numbers_link_to_the_list(member, network):
    response = member.get(URL)
    top = response.context["top_overlaps"][0]
    _department, cell = top["departments"][1]
    assert member.get(cell.url).context["paginator"].count == cell.value
