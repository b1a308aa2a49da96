"""The base of every app's policy: who the visitor is, "no" as a 403, and global abilities.

Each app keeps its own rules in its `policy.py` (`measures.policy.can_edit`, …); they are
predicates with one shape, `can_…(user: Visitor, obj: … = None) -> bool`, built on
`is_network_member`. Views refuse with `require(…)` or the `allowed_if(…)` decorator; views and
templates never decide a permission themselves.

What a template needs to know about the user regardless of the page (may they import, export
the report, freeze an edition …) is an *ability*: an app registers its predicate under a name
in its `AppConfig.ready()` (`register_ability("can_import", policy.can_import)`), and the
context processor `abilities` hands templates `abilities.can_import`, asked only when a template
reads it. This module imports no app above `accounts`.
"""

from collections.abc import Callable, Iterator, Mapping
from functools import wraps
from typing import Any, TypeGuard, TypeVar

from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest
from django.utils.translation import gettext as _

from praevention.accounts import roles
from praevention.accounts.models import User

# Whoever makes the request: a signed-in user or AnonymousUser.
Visitor = User | AnonymousUser
# A global ability: may the visitor do this anywhere in the app (no object to ask about)?
Ability = Callable[[Visitor], bool]

R = TypeVar("R")

_ABILITIES: dict[str, Ability] = {}


def require(allowed: bool) -> None:
    """Views call `require(policy.can_…(…))`: a refusal is a German 403."""
    if not allowed:
        raise PermissionDenied(_("Dafür fehlt Ihnen die Berechtigung."))


def allowed_if(ability: Ability) -> Callable[[Callable[..., R]], Callable[..., R]]:
    """A view decorator: `@allowed_if(policy.can_view_overview)` answers 403 (German) before
    the view runs unless `ability(request.user)` holds. For rules about one object, the view
    fetches it and calls `require(policy.can_…(request.user, obj))` itself."""

    def decorator(view: Callable[..., R]) -> Callable[..., R]:
        @wraps(view)
        def checked(request: HttpRequest, *args: Any, **kwargs: Any) -> R:
            require(ability(request.user))
            return view(request, *args, **kwargs)

        return checked

    return decorator


def is_network_member(user: Visitor) -> TypeGuard[User]:
    """Anyone with a role (or a superuser) sees the network's measures (always a signed-in User)."""
    if not user.is_authenticated or not user.is_active:
        return False
    return user.is_superuser or any(user.has_role(role) for role in roles.ALL)


def is_coordinator(user: Visitor) -> TypeGuard[User]:
    """A member of the network with the coordinators' rights (coordination, admin, superuser)."""
    return is_network_member(user) and user.is_coordinator


def department_id(user: Visitor) -> int | None:
    """The id of the department the user works in, None without one (or when anonymous)."""
    person = getattr(user, "person", None) if user.is_authenticated else None
    return person.department_id if person else None


def register_ability(name: str, ability: Ability) -> None:
    """Offer `ability` to every template as `abilities.<name>` (called in `AppConfig.ready`).

    A name is registered once; a second registration under the same name is a programming
    error (two apps would answer the same question) and raises ValueError.
    """
    if name in _ABILITIES and _ABILITIES[name] is not ability:
        raise ValueError(f"Ability {name!r} is registered twice.")
    _ABILITIES[name] = ability


def registered_abilities() -> dict[str, Ability]:
    """{name: predicate} of every registered ability (a copy)."""
    return dict(_ABILITIES)


class Abilities(Mapping[str, bool]):
    """The registered abilities of one visitor, each asked once and only when read."""

    def __init__(self, user: Visitor) -> None:
        self.user = user
        self.answers: dict[str, bool] = {}

    def __getitem__(self, name: str) -> bool:
        if name not in self.answers:
            self.answers[name] = bool(_ABILITIES[name](self.user))
        return self.answers[name]

    def __iter__(self) -> Iterator[str]:
        return iter(_ABILITIES)

    def __len__(self) -> int:
        return len(_ABILITIES)
