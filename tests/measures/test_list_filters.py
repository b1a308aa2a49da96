import datetime
import re

import pytest
from django.db import connection
from django.urls import reverse
from django.utils import timezone

from praevention.catalog.models import (
    EvidenceLevel,
    FieldOfAction,
    LifePhase,
    SocialSpace,
    StrategicGoal,
    TargetGroup,
)
from praevention.measures.models import Measure
from tests.factories import DepartmentFactory, MeasureFactory

pytestmark = pytest.mark.django_db

URL = reverse("measures:list")


@pytest.fixture
def member(client, kernteam_ges):
    client.force_login(kernteam_ges)
    return client


def titles(client, **params):
    response = client.get(URL, params)
    assert response.status_code == 200, response.content.decode()[:500]
    return [m.title for m in response.context["measures"]]


def test_department_facet_matches_lead_or_partner(member, jugendamt, gesundheitsamt):
    MeasureFactory(title="A", lead=jugendamt)
    MeasureFactory(title="B", lead=gesundheitsamt, partners=[jugendamt])
    MeasureFactory(title="C", lead=gesundheitsamt)
    assert titles(member, department=jugendamt.pk) == ["A", "B"]


def test_department_with_role_matches_only_that_role(member, jugendamt, gesundheitsamt):
    MeasureFactory(title="A", lead=jugendamt)
    MeasureFactory(title="B", lead=gesundheitsamt, partners=[jugendamt])
    assert titles(member, department=jugendamt.pk, role="lead") == ["A"]
    assert titles(member, department=jugendamt.pk, role="partner") == ["B"]


def test_target_group_life_phase_field_goal_and_evidence_facets(member):
    group, other_group = TargetGroup.objects.all()[:2]
    phase = LifePhase.objects.get(position=3)
    field = FieldOfAction.objects.get(name="Bildung")
    goal = StrategicGoal.objects.create(field_of_action=field, title="Sprachstand verbessern")
    level = EvidenceLevel.objects.get(level=2)
    a = MeasureFactory(title="A", target_groups=[group], life_phases=[phase], evidence_level=level)
    a.fields_of_action.set([field])
    a.strategic_goals.set([goal])
    MeasureFactory(title="B", target_groups=[other_group])
    assert titles(member, target_group=group.pk) == ["A"]
    assert titles(member, life_phase=phase.pk) == ["A"]
    assert titles(member, field_of_action=field.pk) == ["A"]
    assert titles(member, strategic_goal=goal.pk) == ["A"]
    assert titles(member, evidence_level=level.pk) == ["A"]


def test_a_prognoseraum_includes_its_bezirksregionen(member):
    MeasureFactory(title="Nord", social_spaces=[SocialSpace.objects.get(lor_number="041001")])
    MeasureFactory(
        title="Mierendorff", social_spaces=[SocialSpace.objects.get(lor_number="043005")]
    )
    MeasureFactory(title="Zentrum", social_spaces=[SocialSpace.objects.get(lor_number="0430")])
    zentrum = SocialSpace.objects.get(lor_number="0430")
    assert titles(member, social_space=zentrum.pk) == ["Mierendorff", "Zentrum"]
    region = SocialSpace.objects.get(lor_number="043005")
    assert titles(member, social_space=region.pk) == ["Mierendorff"]


def select_options(html, name):
    """[(value, selected, label)] of the named select in the page."""
    select = re.search(rf'<select name="{name}".*?</select>', html, re.S).group(0)
    return re.findall(r'<option value="([^"]*)"( selected)?>([^<]*)</option>', select)


def test_filter_selects_offer_every_choice_and_keep_the_chosen_one(member):
    zentrum = SocialSpace.objects.get(lor_number="0430")
    html = member.get(URL, {"social_space": zentrum.pk, "ordering": "-end"}).content.decode()
    spaces = select_options(html, "social_space")
    assert spaces[0] == ("", "", "alle Sozialräume")
    assert [value for value, _, _ in spaces[1:]] == [
        str(pk) for pk in SocialSpace.objects.order_by("lor_number").values_list("pk", flat=True)
    ]
    assert [label for _, selected, label in spaces if selected] == [f"0430 {zentrum.name}"]
    assert [value for value, selected, _ in select_options(html, "ordering") if selected] == [
        "-end"
    ]


def test_status_facet_takes_several_values(member):
    MeasureFactory(title="L", status="running")
    MeasureFactory(title="P", status="planned")
    MeasureFactory(title="I", status="idea")
    assert titles(member, status=["running", "planned"]) == ["L", "P"]


def test_poverty_focus_includes_measures_that_do_both(member):
    MeasureFactory(title="M", poverty_focus="mitigate")
    MeasureFactory(title="P", poverty_focus="prevent")
    MeasureFactory(title="B", poverty_focus="both")
    assert titles(member, poverty_focus="mitigate") == ["B", "M"]
    assert titles(member, poverty_focus="prevent") == ["B", "P"]


def test_ends_within_months_looks_at_end_and_funding_end(member):
    today = timezone.localdate()
    MeasureFactory(title="Ende bald", end_date=today + datetime.timedelta(days=30))
    MeasureFactory(title="Geld bald weg", funding_ends_on=today + datetime.timedelta(days=90))
    MeasureFactory(title="Lange", end_date=today + datetime.timedelta(days=400))
    MeasureFactory(title="Vorbei", end_date=today - datetime.timedelta(days=1))
    assert titles(member, ends_within=6) == ["Ende bald", "Geld bald weg"]
    assert titles(member, ends_within=2) == ["Ende bald"]


def test_archived_measures_are_hidden_unless_asked_for(member):
    MeasureFactory(title="Aktiv")
    MeasureFactory(title="Alt", is_archived=True)
    assert titles(member) == ["Aktiv"]
    assert titles(member, archived="only") == ["Alt"]
    assert titles(member, archived="all") == ["Aktiv", "Alt"]


def test_facets_combine(member, jugendamt, gesundheitsamt):
    group = TargetGroup.objects.first()
    MeasureFactory(title="Treffer", lead=jugendamt, status="running", target_groups=[group])
    MeasureFactory(title="Falscher Status", lead=jugendamt, status="idea", target_groups=[group])
    MeasureFactory(
        title="Falsches Amt", lead=gesundheitsamt, status="running", target_groups=[group]
    )
    MeasureFactory(title="Ohne Gruppe", lead=jugendamt, status="running")
    assert titles(member, department=jugendamt.pk, status="running", target_group=group.pk) == [
        "Treffer"
    ]


def test_sorting_by_title_start_end_and_lead(member):
    a, b = DepartmentFactory(name="Amt A"), DepartmentFactory(name="Amt B")
    MeasureFactory(
        title="Zwei",
        lead=a,
        start_date=datetime.date(2024, 1, 1),
        end_date=datetime.date(2026, 1, 1),
    )
    MeasureFactory(
        title="Eins",
        lead=b,
        start_date=datetime.date(2025, 1, 1),
        end_date=datetime.date(2025, 6, 1),
    )
    assert titles(member) == ["Eins", "Zwei"]
    assert titles(member, ordering="-title") == ["Zwei", "Eins"]
    assert titles(member, ordering="start") == ["Zwei", "Eins"]
    assert titles(member, ordering="end") == ["Eins", "Zwei"]
    assert titles(member, ordering="lead") == ["Zwei", "Eins"]
    assert titles(member, ordering="-lead") == ["Eins", "Zwei"]


def test_pagination_shows_25_per_page_and_keeps_the_filter(member, jugendamt):
    for i in range(30):
        MeasureFactory(title=f"Maßnahme {i:02d}", lead=jugendamt)
    first = member.get(URL, {"department": jugendamt.pk})
    assert len(first.context["measures"]) == 25
    assert f"department={jugendamt.pk}&amp;page=2" in first.content.decode()
    second = member.get(URL, {"department": jugendamt.pk, "page": 2})
    assert len(second.context["measures"]) == 5


def test_search_finds_words_in_title_summary_and_description(member):
    MeasureFactory(title="Sprachförderung für Kinder ohne Kitaplatz")
    MeasureFactory(title="Bewegung", summary="Sport im Park")
    MeasureFactory(title="Lotsen", description="Begleitung zu Ämtern und Sprachkursen")
    assert titles(member, q="Sport") == ["Bewegung"]
    assert "Sprachförderung für Kinder ohne Kitaplatz" in titles(member, q="Sprache")


@pytest.mark.skipif(connection.vendor != "postgresql", reason="ranking needs PostgreSQL")
def test_search_ranks_title_hits_above_description_hits_on_postgresql(member):
    MeasureFactory(title="Elterncafé", description="Auch Sprachförderung wird angeboten")
    MeasureFactory(title="Sprachförderung für Kinder ohne Kitaplatz")
    MeasureFactory(title="Kita-Sozialarbeit", summary="Sprachförderung in der Kita")
    assert titles(member, q="Sprache") == [
        "Sprachförderung für Kinder ohne Kitaplatz",
        "Kita-Sozialarbeit",
        "Elterncafé",
    ]


def test_search_survives_tsquery_syntax(member):
    MeasureFactory(title="Sprachförderung")
    for query in ["&", "!:*", "'", "a & | b", "(((", "x" * 300]:
        response = member.get(URL, {"q": query})
        assert response.status_code in (200, 400)


def test_invalid_filter_values_give_a_german_400(member):
    response = member.get(URL, {"department": "abc", "ends_within": "-3", "status": "weg"})
    assert response.status_code == 400
    assert "ungültig" in response.content.decode()


def test_an_invalid_filter_names_its_error_for_screen_readers(member):
    content = member.get(URL, {"department": "abc"}).content.decode()
    described = re.search(r'<select name="department"[^>]*aria-describedby="([^"]+)"', content)
    assert described, "the invalid select names its error"
    error = re.search(rf'id="{described.group(1)}"[^>]*>(.*?)</div></div>', content, re.S)
    assert error and "gültige Auswahl" in error.group(1)


def test_htmx_requests_get_only_the_results(member):
    MeasureFactory(title="Eins")
    response = member.get(URL, {"q": "Eins"}, headers={"HX-Request": "true"})
    content = response.content.decode()
    assert response.status_code == 200
    assert content.lstrip().startswith('<div id="results"')
    assert "<html" not in content


def test_filtered_list_runs_the_same_number_of_queries_for_10_and_200_measures(
    member, jugendamt, django_assert_num_queries
):
    from django.db import connection as conn
    from django.test.utils import CaptureQueriesContext

    group = TargetGroup.objects.first()
    params = {
        "department": jugendamt.pk,
        "target_group": group.pk,
        "status": "running",
        "q": "Maßnahme",
    }

    def count():
        with CaptureQueriesContext(conn) as queries:
            assert member.get(URL, params).status_code == 200
        return len(queries)

    for _ in range(10):
        MeasureFactory(lead=jugendamt, target_groups=[group], partners=[DepartmentFactory()])
    small = count()
    for _ in range(190):
        MeasureFactory(lead=jugendamt, target_groups=[group], partners=[DepartmentFactory()])
    assert Measure.objects.count() == 200
    assert count() == small


@pytest.mark.parametrize("page", ["99", "abc"])
def test_a_page_beyond_the_end_or_not_a_number_shows_the_nearest_page(member, page):
    MeasureFactory.create_batch(3)
    response = member.get(URL, {"page": page})
    assert response.status_code == 200
    assert len(response.context["measures"]) == 3


def test_an_empty_search_says_nothing_matches_and_offers_to_reset(client, kernteam_jug):
    """Issue #27: an empty result is not "Noch keine Maßnahmen erfasst." when measures exist."""
    MeasureFactory(title="Familienzentrum")
    client.force_login(kernteam_jug)
    html = client.get(reverse("measures:list"), {"q": "Zzzyx"}).content.decode()
    assert "Noch keine Maßnahmen erfasst." not in html
    assert "Keine Maßnahme passt zu Suche und Filtern." in html
    assert f'<a href="{reverse("measures:list")}">Suche und Filter zurücksetzen</a>' in html
