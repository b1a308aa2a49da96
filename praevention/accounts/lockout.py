"""Who django-axes counts failed logins for: one account, one client machine.

Settings `AXES_USERNAME_CALLABLE` and `AXES_CLIENT_IP_CALLABLE` point here (issue #12,
fault 3). Login finds the account by the canonical form of the address (`accounts/addresses.py`,
issue #28 fault 2), so the lockout counts that same form, or every look-alike spelling gets
five fresh guesses. The counter is kept
per address *and* client IP (`AXES_LOCKOUT_PARAMETERS`): behind the district's shared proxy
every colleague has the proxy's address, so the client IP is read from the proxy's
X-Forwarded-For header, but only when the request really comes from a configured trusted
proxy (`TRUSTED_PROXIES`); anyone else could write any address into that header.
"""

import ipaddress

from django.conf import settings
from django.http import HttpRequest

from praevention.accounts.addresses import canonical_email

USERNAME_FIELD = "username"


def username(request: HttpRequest, credentials: dict | None = None) -> str:
    """The login name as axes counts it: the address's canonical form ("KERNTEAM@…",
    full-width "ｋｅｒｎ@…" and "kern@…" are one), from the credentials of
    `authenticate()` or the posted login form (the app's and the admin's login forms both
    call the field "username")."""
    if credentials and credentials.get(USERNAME_FIELD) is not None:
        value = credentials.get(USERNAME_FIELD)
    else:
        data = getattr(request, "data", None) or getattr(request, "POST", {})
        value = data.get(USERNAME_FIELD, "") if data else ""
    return canonical_email(value)


def _trusted(address: str) -> bool:
    try:
        ip = ipaddress.ip_address(address.strip())
    except ValueError:
        return False
    for network in settings.TRUSTED_PROXIES:
        try:
            if ip in ipaddress.ip_network(network, strict=False):
                return True
        except ValueError:
            continue
    return False


def client_ip(request: HttpRequest) -> str | None:
    """The address of the machine that sent the login: REMOTE_ADDR, unless that is one of
    `settings.TRUSTED_PROXIES` (addresses or networks); then the right-most address of
    X-Forwarded-For that is not itself a trusted proxy (the one our proxy saw connecting).
    Entries to its left were written by the client and are not believed."""
    remote = request.META.get("REMOTE_ADDR")
    if not remote or not _trusted(remote):
        return remote
    forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
    for address in reversed([part.strip() for part in forwarded.split(",") if part.strip()]):
        if not _trusted(address):
            try:
                return str(ipaddress.ip_address(address))
            except ValueError:
                return remote
    return remote
