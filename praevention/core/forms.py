"""Form fields that turn every malformed id into a German field error."""

from django import forms
from django.core.exceptions import ValidationError


class OverflowIsInvalidChoice:
    """An id beyond the database's integer range is an invalid choice, not a 500 (SQLite).

    Wraps `clean`, Django's public entry point of a field.
    """

    error_messages: dict

    def clean(self, value):
        try:
            return super().clean(value)
        except OverflowError:
            raise ValidationError(
                self.error_messages["invalid_choice"],
                code="invalid_choice",
                params={"value": "…"},
            ) from None


class SafeModelChoiceField(OverflowIsInvalidChoice, forms.ModelChoiceField):
    pass


class SafeModelMultipleChoiceField(OverflowIsInvalidChoice, forms.ModelMultipleChoiceField):
    pass
