"""/luecken/: the prevention chain, where it breaks, need against supply, expiring measures."""

import pytest
from django.urls import reverse

from praevention.catalog.models import LifePhase
from praevention.overview.gaps import chain_phases
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

URL = reverse("overview:gaps")


def list_count(client, url):
    response = client.get(url, headers={"HX-Request": "true"})
    assert response.status_code == 200, url
    return response.context["paginator"].count


def cell(context, group, phase):
    row = next(r for r in context["rows"] if r.group == group)
    return next(c for c in row.cells if c.phase == phase)


def test_anonymous_users_are_sent_to_the_login(client):
    assert client.get(URL)["Location"].startswith(reverse("accounts:login"))


def test_users_without_a_role_may_not_see_the_gaps(client, db):
    client.force_login(UserFactory())
    assert client.get(URL).status_code == 403


def test_cells_without_a_running_measure_are_gaps_even_with_a_planned_one(member, network):
    n = network
    context = member.get(URL).context
    assert cell(context, n.a, n.p3).counts.running == 2
    assert not cell(context, n.a, n.p3).gap
    planned_only = cell(context, n.c, n.p1)
    assert planned_only.gap and planned_only.counts.planned == 1
    # 8 groups × 7 phases, five cells with a running measure.
    assert context["gap_count"] == 8 * 7 - 5


def test_gap_cells_say_so_in_words(member, network):
    html = member.get(URL).content.decode()
    assert '<span aria-hidden="true">✕</span> Lücke' in html
    assert "+1 geplant" in html


def test_every_number_of_the_chain_drills_down_exactly(member, network):
    context = member.get(URL).context
    checked = 0
    for row in context["rows"]:
        for c in row.cells:
            for url, expected in (
                (c.url, c.counts.running),
                (c.planned_url, c.counts.planned),
                (c.expiring_url, c.expiring),
            ):
                assert bool(url) == bool(expected)
                if url:
                    assert list_count(member, url) == expected, url
                    checked += 1
    assert checked == 9
    for region in context["regions"]:
        if region.url:
            assert list_count(member, region.url) == region.running


def test_a_cell_covered_only_by_expiring_measures_is_flagged(member, network):
    n = network
    context = member.get(URL).context
    assert [(group, c.phase) for group, c in context["expiring_cells"]] == [(n.d, n.p4)]
    assert not cell(context, n.a, n.p3).expires  # M2 ends, but M1 goes on
    assert context["expiring_total"] == 2
    assert [m.title for m in context["expiring"]] == [
        "M2 Elterncafé Nord",
        "M6 Lernpaten Grunewald",
    ]
    assert list_count(member, context["expiring_url"]) == 2


def test_the_chain_of_a_chosen_group_shows_where_it_breaks(member, network):
    n = network
    context = member.get(URL, {"kette": n.a.pk}).context
    assert context["chosen"].group == n.a
    chain = [t.before.phase.position for t in context["transitions"]] + [6]
    assert chain == [1, 2, 3, 4, 5, 6]  # pregnancy to training; parents accompany
    states = {
        (t.before.phase.position, t.after.phase.position): t.state for t in context["transitions"]
    }
    assert states == {
        (1, 2): "break",
        (2, 3): "break",
        (3, 4): "bridged",  # M1 covers Kita and primary school
        (4, 5): "break",
        (5, 6): "break",
    }
    assert [c.phase.position for c in context["side_cells"]] == [7]


def test_without_a_choice_the_chain_of_the_biggest_gap_is_shown(member, network):
    context = member.get(URL).context
    assert context["chosen"].group == network.a
    biggest = [(g["group"], g["cell"].phase.position, g["score"]) for g in context["biggest"]]
    assert biggest[0] == (network.a, 2, 2)  # 0–3 is empty between pregnancy (0) and Kita (2)


def test_regions_are_ranked_by_need_then_by_supply(member, network):
    regions = member.get(URL).context["regions"]
    ranked = [(r.region.lor_number, r.need, r.running) for r in regions]
    assert ranked[:4] == [
        ("041001", 4, 1),
        ("043004", 3, 1),
        ("043005", 3, 1),
        ("044007", 1, 1),
    ]
    assert [need for _lor, need, _running in ranked[4:]] == [None] * 7  # unknown need last
    assert len(ranked) == 11


def test_high_need_with_less_than_average_supply_is_underserved(member, network):
    network.m1.social_spaces.remove(network.m1.social_spaces.get(lor_number="043005"))
    regions = {r.region.lor_number: r for r in member.get(URL).context["regions"]}
    assert regions["043005"].running == 0
    assert regions["043005"].ratio == 0 and regions["043005"].underserved
    # The same supply with little need, or more than average supply, is no gap.
    assert not regions["042002"].underserved  # need unknown
    assert regions["041001"].ratio > 1 and not regions["041001"].underserved


def test_goals_without_any_current_measure_are_listed(member, network):
    context = member.get(URL).context
    assert [g.title for g in context["goals"]] == ["Schulabschluss für alle", "Übergänge gelingen"]


def test_the_gap_page_fixes_the_status_and_hides_its_own_dimensions(member, network):
    scope = member.get(URL, {"status": "idea", "target_group": network.a.pk}).context["scope"]
    assert scope.params.getlist("status") == ["planned", "running"]
    assert "target_group" not in scope.params
    names = {field.name for field in scope.visible_fields()}
    assert not {"status", "target_group", "life_phase", "ends_within"} & names


def test_filters_narrow_the_radar(member, network):
    context = member.get(URL, {"department": network.jug.pk}).context
    assert context["gap_count"] == 8 * 7 - 4  # only M1's four cells (M2 shares one)
    assert [r.region.lor_number for r in context["regions"]][0] == "041001"


def test_chain_phases_split_the_parents_off_the_chain(db):
    chain, accompanying = chain_phases(LifePhase.objects.all())
    assert [p.position for p in chain] == [1, 2, 3, 4, 5, 6]
    assert [p.position for p in accompanying] == [7]
