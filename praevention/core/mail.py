"""Every mail the app sends is built here: automatic, and with links to the public address.

- `Auto-Submitted: auto-generated` (RFC 3834) on every mail, so mail servers and colleagues'
  out-of-office rules do not answer a machine.
- Links are absolute from `SITE_URL` (`absolute_url`): the weekly digest is sent by a cron
  job without any request to learn the host from, and a reset link must not depend on the
  Host header an attacker sends.
- A notification someone can switch off (`unsubscribe_url`) carries `List-Unsubscribe` and
  `List-Unsubscribe-Post: List-Unsubscribe=One-Click` (RFC 8058): mail programs show an
  "abbestellen" button that POSTs to the address without asking the person to log in.
"""

from urllib.parse import urlsplit

from django.conf import settings
from django.core.mail import EmailMultiAlternatives

AUTOMATIC_HEADERS = {"Auto-Submitted": "auto-generated"}
ONE_CLICK = "List-Unsubscribe=One-Click"


def site_url() -> str:
    """`settings.SITE_URL` without a trailing slash ("https://praevention.example.berlin.de")."""
    return settings.SITE_URL.rstrip("/")


def absolute_url(path: str) -> str:
    """`path` (starting with "/", e.g. from `reverse`) under `SITE_URL`."""
    return site_url() + path


def site_protocol_and_domain() -> tuple[str, str]:
    """("https", "praevention.example.berlin.de[:port]") of SITE_URL, for Django's reset mail."""
    parts = urlsplit(site_url())
    return parts.scheme or "https", parts.netloc


def app_mail(
    subject: str,
    text: str,
    *,
    to: list[str],
    html: str = "",
    unsubscribe_url: str = "",
    from_email: str | None = None,
) -> EmailMultiAlternatives:
    """A mail (plain text, and HTML when given) with the app's automatic headers; with
    `unsubscribe_url` (absolute, a one-click address) also the RFC 8058 headers. Not sent yet.
    """
    headers = dict(AUTOMATIC_HEADERS)
    if unsubscribe_url:
        headers["List-Unsubscribe"] = f"<{unsubscribe_url}>"
        headers["List-Unsubscribe-Post"] = ONE_CLICK
    message = EmailMultiAlternatives(subject, text, from_email=from_email, to=to, headers=headers)
    if html:
        message.attach_alternative(html, "text/html")
    return message
