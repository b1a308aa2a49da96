from django import forms
from django.contrib.auth.forms import AuthenticationForm
from django.utils.translation import gettext_lazy as _

from praevention.accounts.addresses import canonical_email


class CanonicalEmailField(forms.EmailField):
    """An address field whose value is the canonical form (accounts/addresses.py), validated
    after canonicalising: "ｋｅｒｎｔｅａｍ@…" is the same address as "kernteam@…"."""

    def to_python(self, value):
        return canonical_email(super().to_python(value))


class EmailAuthenticationForm(AuthenticationForm):
    """The login form, labelled for e-mail login and with German messages."""

    username = CanonicalEmailField(
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
