import pytest

from praevention.catalog.models import (
    EvidenceLevel,
    FieldOfAction,
    GoodPracticeCriterion,
    LifePhase,
    RiskFactor,
    SocialSpace,
    TargetGroup,
)

pytestmark = pytest.mark.django_db


def test_life_phases_form_the_chain_from_pregnancy_to_parents():
    phases = list(LifePhase.objects.values_list("name", flat=True))
    assert len(phases) == 7
    assert phases[0] == "Schwangerschaft und Geburt"
    assert phases[2] == "3–6 Jahre: Kita"
    assert phases[-1] == "Eltern"


def test_the_strategys_four_fields_of_action_are_seeded():
    assert list(FieldOfAction.objects.values_list("name", flat=True)) == [
        "Teilhabe",
        "Bildung",
        "Gesund aufwachsen",
        "Materielle Versorgung",
    ]


def test_target_groups_include_children_without_a_kita_place_and_burdened_families():
    names = set(TargetGroup.objects.values_list("name", flat=True))
    assert len(names) == 8
    assert "Kinder von 3–6 Jahren ohne Kitaplatz" in names
    assert "Kinder und Jugendliche aus belasteten Familien" in names


def test_risk_factors_are_linked_to_target_groups():
    factor = RiskFactor.objects.get(name="Fehlender Kitaplatz")
    assert [g.name for g in factor.target_groups.all()] == ["Kinder von 3–6 Jahren ohne Kitaplatz"]


def test_five_prognoseraeume_and_eleven_bezirksregionen_with_lor_numbers():
    assert SocialSpace.objects.prognoseraeume().count() == 5
    assert SocialSpace.objects.bezirksregionen().count() == 11
    region = SocialSpace.objects.get(lor_number="043005")
    assert region.name == "Mierendorffplatz"
    assert region.parent.lor_number == "0430"
    assert region.parent.name == "Charlottenburg Zentrum"


def test_evidence_levels_run_from_not_evaluated_to_proven():
    assert list(EvidenceLevel.objects.values_list("level", "name")) == [
        (0, "nicht evaluiert"),
        (1, "theoretisch gut begründet"),
        (2, "Effektivität wahrscheinlich"),
        (3, "Effektivität nachgewiesen"),
    ]


def test_good_practice_criteria_are_seeded():
    names = set(GoodPracticeCriterion.objects.values_list("name", flat=True))
    assert {"Zielgruppenbezug", "Setting-Ansatz", "Partizipation", "Empowerment"} <= names
