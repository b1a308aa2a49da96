"""Form fields that turn every malformed id into a German field error, and the admin's form
that normalises master data's texts."""

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
    """The admin's form for master data: every text is stored as the app's own forms store it
    (core.text, STYLE habit 14): a one-line field (CharField) through `normalize_line`, a
    text (TextField) through `normalize_text`. A name pasted with a bell, an escape or a BOM
    would otherwise reach every page, export and the PDF (where Typst refuses it)."""

    def clean(self):
        cleaned = super().clean()
        for name, value in list(cleaned.items()):
            if not isinstance(value, str):
                continue
            try:
                field = self._meta.model._meta.get_field(name)
            except FieldDoesNotExist:
                continue
            if isinstance(field, models.TextField):
                cleaned[name] = normalize_text(value)
            elif isinstance(field, models.CharField) and not field.choices:
                cleaned[name] = normalize_line(value)
            if not cleaned[name] and not field.blank:
                self.add_error(name, _("Bitte füllen Sie dieses Feld aus."))
            elif field.unique and cleaned[name]:
                self._refuse_other_spelling(name, cleaned[name])
        return cleaned

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
