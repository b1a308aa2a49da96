"""Password reset that tells nobody which addresses have an account (issue #12, fault 10).

Two leaks are closed here. Timing: Django sends the reset mail inside the request, so a known
address answered in ~360 ms (SMTP) and an unknown one in ~4 ms. Every request now starts one
background thread, which waits RESET_MAIL_DELAY_S before it writes and sends the mail (if
any), so both answer alike (bench/reset_timing.py). Volume: without
a limit anyone could flood a colleague's inbox. At most RESET_LIMIT_PER_ADDRESS requests per
address and RESET_LIMIT_PER_IP per client machine (accounts/lockout.py) are handled per
RESET_LIMIT_WINDOW_S; further requests get a German 429, whether the address is known or not.
The counters live in the database (core/ratelimit.py), where no cache eviction can erase them
(issue #28, fault 3).
"""

import hashlib
import logging
import threading
import time
from typing import Any

from django import forms
from django.conf import settings
from django.contrib.auth import views as auth_views
from django.contrib.auth.forms import PasswordResetForm
from django.template import loader
from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy

from praevention.accounts.addresses import canonical_email
from praevention.accounts.forms import CanonicalEmailField
from praevention.accounts.lockout import client_ip
from praevention.accounts.models import User
from praevention.core.mail import app_mail, site_protocol_and_domain
from praevention.core.ratelimit import RateDecision, hit

logger = logging.getLogger(__name__)

_threads: list[threading.Thread] = []


def wait_for_mails(timeout: float = 10) -> None:
    """Wait until every reset mail handed to a background thread has been sent (tests)."""
    while _threads:
        _threads.pop().join(timeout)


def _deliver(
    subject_template_name,
    email_template_name,
    context,
    from_email,
    to_email,
    html_email_template_name=None,
    *,
    language,
):
    """Django's reset mail, built by `core.mail.app_mail` (automatic, its link on SITE_URL)."""
    try:
        protocol, domain = site_protocol_and_domain()
        context = {**context, "protocol": protocol, "domain": domain}
        with translation.override(language):
            subject = "".join(loader.render_to_string(subject_template_name, context).splitlines())
            body = loader.render_to_string(email_template_name, context)
            html = (
                loader.render_to_string(html_email_template_name, context)
                if html_email_template_name
                else ""
            )
        app_mail(subject, body, to=[to_email], html=html, from_email=from_email).send()
    except Exception:  # a failing mail server must not go unnoticed, nor crash anything
        logger.exception("Password reset mail could not be sent")


def _send(mails, language):
    # Rendering and sending wait until the answer has left: a thread working beside the
    # request would slow only the answers for known addresses (issue #28, fault 9: 3.5 ms).
    time.sleep(settings.RESET_MAIL_DELAY_S)
    for args, kwargs in mails:
        _deliver(*args, **kwargs, language=language)


def send_in_background(form) -> None:
    """Start the one background thread of a reset request, also when no mail is due (an
    unknown address), so known and unknown addresses cost the request the same work."""
    thread = threading.Thread(
        target=_send,
        args=(list(form.outgoing), translation.get_language()),
        name="password-reset-mail",
        daemon=True,
    )
    _threads.append(thread)
    thread.start()


class BackgroundPasswordResetForm(PasswordResetForm):
    """Django's reset form, finding the account by the canonical address (Django compares
    case-insensitively in the database, which maps "ı" to "i") and sending its mail in a
    background thread."""

    email = CanonicalEmailField(
        label=_lazy("E-Mail-Adresse"),
        max_length=254,
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
    )

    def get_users(self, email):
        return (
            user
            for user in User.objects.by_email(email).filter(is_active=True)
            if user.has_usable_password()
        )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.outgoing: list[tuple[tuple, dict]] = []

    def send_mail(self, *args, **kwargs):
        self.outgoing.append((args, kwargs))


def _key(kind, value):
    # Hashed: the counters table holds no e-mail address.
    digest = hashlib.sha256(value.encode()).hexdigest()[:32]
    return f"password-reset:{kind}:{digest}"


def over_limit(request, email: str) -> RateDecision:
    """Count this reset request against its address and its client machine; the decision
    refuses it when either is over its limit (settings RESET_LIMIT_PER_ADDRESS,
    RESET_LIMIT_PER_IP per RESET_LIMIT_WINDOW_S seconds)."""
    window = settings.RESET_LIMIT_WINDOW_S
    address = canonical_email(email)
    by_address = hit(
        _key("address", address), limit=settings.RESET_LIMIT_PER_ADDRESS, window=window
    )
    by_ip = hit(
        _key("ip", client_ip(request) or "unknown"),
        limit=settings.RESET_LIMIT_PER_IP,
        window=window,
    )
    if by_address.allowed and by_ip.allowed:
        return by_address
    refused = [d for d in (by_address, by_ip) if not d.allowed]
    return max(refused, key=lambda d: d.retry_after)


class PasswordResetView(auth_views.PasswordResetView):
    """Rate-limited, and as fast for unknown addresses as for known ones."""

    form_class = BackgroundPasswordResetForm

    def form_valid(self, form):
        decision = over_limit(self.request, form.cleaned_data["email"])
        if not decision.allowed:
            form.add_error(
                None,
                _(
                    "Für diese E-Mail-Adresse oder von diesem Rechner wurden zu viele Links "
                    "angefordert. Bitte versuchen Sie es in einer Stunde erneut; ein bereits "
                    "gesendeter Link gilt weiter."
                ),
            )
            response = self.form_invalid(form)
            response.status_code = 429
            response["Retry-After"] = str(decision.retry_after)
            return response
        response = super().form_valid(form)
        send_in_background(form)
        return response
