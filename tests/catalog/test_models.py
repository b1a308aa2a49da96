import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from praevention.catalog.models import (
    EvidenceLevel,
    FieldOfAction,
    LifePhase,
    SocialSpace,
    StrategicGoal,
    TargetGroup,
)

pytestmark = pytest.mark.django_db


def refused(create):
    try:
        with transaction.atomic():
            create()
    except IntegrityError:
        return True
    return False


def test_target_group_names_are_unique():
    assert refused(lambda: TargetGroup.objects.create(name="Kinder mit Behinderung"))


def test_life_phase_positions_are_unique():
    assert refused(lambda: LifePhase.objects.create(name="Doppelt", position=1))


def test_life_phase_age_range_must_be_ordered():
    assert refused(
        lambda: LifePhase.objects.create(name="Verkehrt", position=50, age_from=10, age_to=6)
    )


def test_evidence_levels_stop_at_three():
    assert refused(lambda: EvidenceLevel.objects.create(level=4, name="Stufe 4"))


def test_strategic_goal_titles_are_unique_within_a_field_of_action():
    field = FieldOfAction.objects.get(name="Bildung")
    StrategicGoal.objects.create(field_of_action=field, title="Alle Kinder sprechen Deutsch")
    assert refused(
        lambda: StrategicGoal.objects.create(
            field_of_action=field, title="Alle Kinder sprechen Deutsch"
        )
    )


def test_a_bezirksregion_needs_a_six_digit_number_and_a_parent():
    assert refused(lambda: SocialSpace.objects.create(lor_number="0410", name="X", level="bzr"))
    parent = SocialSpace.objects.get(lor_number="0410")
    assert refused(
        lambda: SocialSpace.objects.create(lor_number="04100", name="X", level="bzr", parent=parent)
    )


def test_a_bezirk_has_two_digits_and_no_parent():
    parent = SocialSpace.objects.get(lor_number="0410")
    assert refused(
        lambda: SocialSpace.objects.create(lor_number="05", name="X", level="bez", parent=parent)
    )
    assert refused(lambda: SocialSpace.objects.create(lor_number="050", name="X", level="bez"))
    assert SocialSpace.objects.get(lor_number="0410").parent.lor_number == "04"


def test_validation_rejects_a_number_outside_the_parent():
    parent = SocialSpace.objects.get(lor_number="0410")
    space = SocialSpace(lor_number="042099", name="Falsch", level="bzr", parent=parent)
    with pytest.raises(ValidationError) as error:
        space.full_clean()
    assert "lor_number" in error.value.message_dict


def test_within_includes_the_space_and_everything_below():
    zentrum = SocialSpace.objects.get(lor_number="0430")
    inside = SocialSpace.objects.within(zentrum)
    names = set(inside.exclude(level="plr").values_list("name", flat=True))
    assert inside.planungsraeume().count() == 13
    assert names == {
        "Charlottenburg Zentrum",
        "Schloss Charlottenburg",
        "Mierendorffplatz",
        "Otto-Suhr-Allee/Kantstraße",
    }
