from django import forms
from django.contrib.auth.forms import AuthenticationForm
from django.utils.translation import gettext_lazy as _


class EmailAuthenticationForm(AuthenticationForm):
    """The login form, labelled for e-mail login and with German messages."""

    username = forms.EmailField(
        label=_("E-Mail-Adresse"),
        widget=forms.EmailInput(attrs={"autofocus": True, "autocomplete": "email"}),
    )

    error_messages = {
        "invalid_login": _(
            "E-Mail-Adresse oder Passwort sind falsch. Bitte beachten Sie die Groß- und "
            "Kleinschreibung beim Passwort."
        ),
        "inactive": _("Dieses Konto ist deaktiviert."),
    }
