"""Form fields that turn every malformed id into a German field error."""

from django import forms
from django.core.exceptions import ValidationError


class SafeModelChoiceField(forms.ModelChoiceField):
    """An id beyond the database's integer range is an invalid choice, not a 500 (SQLite)."""

    def to_python(self, value):
        try:
            return super().to_python(value)
        except OverflowError:
            raise ValidationError(
                self.error_messages["invalid_choice"], code="invalid_choice"
            ) from None


class SafeModelMultipleChoiceField(forms.ModelMultipleChoiceField):
    """The same for a list of ids (through `clean`, Django's public entry point)."""

    def clean(self, value):
        try:
            return super().clean(value)
        except OverflowError:
            raise ValidationError(
                self.error_messages["invalid_choice"],
                code="invalid_choice",
                params={"value": "…"},
            ) from None
