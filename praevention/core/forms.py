"""Form fields that turn every malformed id into a German field error, and the admin's form
that normalises master data's texts."""

from collections.abc import Callable

from django import forms
from django.core.exceptions import FieldDoesNotExist, ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _

from praevention.core.text import normalize_line, normalize_text


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


class NormalizedModelForm(forms.ModelForm):
    """A model form whose texts are stored as every text of the app (core.text, STYLE habit
    14); a text that is empty afterwards counts as missing. The admin's master data uses it
    as it is: a name pasted with a bell, an escape or a BOM would otherwise reach every page,
    export and the PDF (where Typst refuses it)."""

    def normalizers(self) -> dict[str, Callable[[str], str]]:
        """{field name: normalize_line | normalize_text}: by the model field's type, a
        one-line field (CharField without choices) or a text (TextField)."""
        found: dict[str, Callable[[str], str]] = {}
        for name in self.fields:
            field = self._model_field(name)
            if isinstance(field, models.TextField):
                found[name] = normalize_text
            elif isinstance(field, models.CharField) and not field.choices:
                found[name] = normalize_line
        return found

    def clean(self):
        cleaned = super().clean()
        for name, normalize in self.normalizers().items():
            value = cleaned.get(name)
            if not isinstance(value, str):
                continue
            cleaned[name] = normalize(value)
            field = self._model_field(name)
            if not cleaned[name] and self.fields[name].required:
                self.add_error(name, _("Bitte füllen Sie dieses Feld aus."))
            elif field is not None and field.unique and cleaned[name]:
                self._refuse_other_spelling(name, cleaned[name])
        return cleaned

    def _model_field(self, name):
        try:
            return self._meta.model._meta.get_field(name)
        except FieldDoesNotExist:
            return None

    def _refuse_other_spelling(self, name, value):
        """A unique name must differ from the others in more than letter case: the import
        finds entries by `match_key`, so "JUGENDAMT" next to "Jugendamt" would be ambiguous."""
        others = self._meta.model._default_manager.exclude(pk=self.instance.pk)
        existing = others.filter(**{f"{name}__iexact": value}).values_list(name, flat=True)
        same = next((other for other in existing if other != value), None)
        if same is not None:
            self.add_error(
                name,
                _(
                    "Es gibt schon „%(existing)s“; Namen, die sich nur in Groß- und "
                    "Kleinschreibung unterscheiden, verwechselt der Import. Bitte den "
                    "vorhandenen Eintrag verwenden oder anders benennen."
                )
                % {"existing": same},
            )
