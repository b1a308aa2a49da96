from django import forms
from django.utils.translation import gettext_lazy as _

from praevention.core.text import normalize_line


class FreezeForm(forms.Form):
    """Title of the edition and the report's selection (its query string)."""

    title = forms.CharField(
        label=_("Titel der Ausgabe"),
        max_length=200,
        help_text=_("z. B. „Jugendhilfeausschuss 12.03.2027“"),
        error_messages={
            "required": _("Bitte einen Titel angeben, z. B. den Ausschuss und das Datum.")
        },
    )
    params = forms.CharField(required=False, widget=forms.HiddenInput, max_length=2000)

    def clean_title(self):
        title = normalize_line(self.cleaned_data["title"])
        if not title:
            raise forms.ValidationError(
                _("Bitte einen Titel angeben, z. B. den Ausschuss und das Datum.")
            )
        return title


class WithdrawForm(forms.Form):
    reason = forms.CharField(label=_("Grund (optional)"), max_length=500, required=False)
