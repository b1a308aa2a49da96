"""Property-based: whatever a browser (or an attacker) posts, never a 500, never a partial write."""

import pytest
from django.urls import reverse
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from praevention.measures.models import Measure, Participation
from tests.measures.forms_data import measure_post_data

pytestmark = pytest.mark.django_db

FIELDS = [
    "title",
    "summary",
    "description",
    "status",
    "start_date",
    "end_date",
    "poverty_focus",
    "reach_planned",
    "reach_actual",
    "budget_eur",
    "funding_source",
    "funding_ends_on",
    "contact_person",
    "external_partners",
    "evidence_level",
    "evaluation_notes",
    "links",
    "target_groups",
    "life_phases",
    "social_spaces",
    "version",
    "participations-TOTAL_FORMS",
    "participations-INITIAL_FORMS",
    "participations-0-department",
    "participations-0-role",
    "participations-0-id",
    "participations-1-department",
]

text = st.one_of(
    st.text(max_size=300),
    st.text(alphabet=st.characters(codec="utf-8"), min_size=190, max_size=600),
    st.integers(min_value=-(10**30), max_value=10**30).map(str),
    st.floats(allow_nan=True, allow_infinity=True).map(str),
    st.sampled_from(
        [
            "",
            " ",
            "0",
            "-1",
            "1e999",
            "NaN",
            "2025-02-30",
            "31.12.2025",
            "null",
            "<script>alert(1)</script>",
            "'; DROP TABLE measures_measure; --",
            "\x00",
        ]
    ),
)
value = st.one_of(text, st.lists(text, max_size=3))


@settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    changes=st.dictionaries(st.sampled_from(FIELDS), value, max_size=6),
    drop=st.sets(st.sampled_from(FIELDS), max_size=4),
)
def test_random_create_posts_never_fail_or_half_save(
    client, kernteam_jug, jugendamt, changes, drop
):
    client.force_login(kernteam_jug)
    data = measure_post_data(participations=[(jugendamt, "lead", None)], title="Fuzz")
    data.update(changes)
    for name in drop:
        data.pop(name, None)
    before = (Measure.objects.count(), Participation.objects.count())
    response = client.post(reverse("measures:create"), data)
    assert response.status_code in (302, 400)
    after = (Measure.objects.count(), Participation.objects.count())
    if response.status_code == 400:
        assert after == before
    else:
        measure = Measure.objects.latest("pk")
        assert measure.participations.filter(role="lead").count() == 1
        measure.delete()


@settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(changes=st.dictionaries(st.sampled_from(FIELDS), value, max_size=6))
def test_random_edit_posts_never_fail_or_half_save(client, koordination, jugendamt, changes):
    from tests.factories import MeasureFactory
    from tests.measures.forms_data import existing_participations

    measure = MeasureFactory(lead=jugendamt)
    client.force_login(koordination)
    data = measure_post_data(measure, existing_participations(measure))
    data.update(changes)
    response = client.post(reverse("measures:edit", args=[measure.pk]), data)
    assert response.status_code in (302, 400, 409)
    measure.refresh_from_db()
    if response.status_code != 302:
        assert measure.version == 1
        assert list(measure.participations.values_list("role", flat=True)) == ["lead"]
    else:
        assert measure.participations.filter(role="lead").count() == 1
