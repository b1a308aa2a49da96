"""Malformed ids in choice fields are field errors, never a 500."""

import pytest
from django.core.exceptions import ValidationError

from praevention.catalog.models import TargetGroup
from praevention.core.forms import SafeModelChoiceField, SafeModelMultipleChoiceField

pytestmark = pytest.mark.django_db

BEYOND_ANY_INTEGER_COLUMN = "9" * 30


@pytest.mark.parametrize(
    ("field", "value"),
    [
        (SafeModelChoiceField, BEYOND_ANY_INTEGER_COLUMN),
        (SafeModelMultipleChoiceField, [BEYOND_ANY_INTEGER_COLUMN]),
    ],
)
def test_an_id_beyond_the_integer_range_is_an_invalid_choice(field, value):
    with pytest.raises(ValidationError) as error:
        field(queryset=TargetGroup.objects.all()).clean(value)
    assert error.value.code == "invalid_choice"
