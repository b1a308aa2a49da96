from django.http import HttpRequest

from praevention.accounts.policy import Abilities


def abilities(request: HttpRequest) -> dict[str, Abilities]:
    """`abilities.can_import`, `abilities.can_freeze` …: what the visitor may do anywhere, as the
    apps' policies answer it (registered with `accounts.policy.register_ability`), asked only
    when a template reads it. Templates never decide from roles themselves."""
    return {"abilities": Abilities(request.user)}
