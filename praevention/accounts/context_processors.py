from django.contrib.auth.models import AnonymousUser
from django.http import HttpRequest

from praevention.accounts.policy import Abilities


def abilities(request: HttpRequest) -> dict[str, Abilities]:
    """`abilities.can_import`, `abilities.can_freeze` …: what the visitor may do anywhere, as the
    apps' policies answer it (registered with `accounts.policy.register_ability`), asked only
    when a template reads it. Templates never decide from roles themselves."""
    # A request refused before the authentication middleware ran (an unknown host name: 400)
    # has no user; its error page is rendered for nobody.
    return {"abilities": Abilities(getattr(request, "user", None) or AnonymousUser())}
