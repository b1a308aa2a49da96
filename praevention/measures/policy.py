"""Who may do what with measures. Views and templates ask here; nowhere else decides.

Roles are model-level (groups); the object-level rule is that a core-team member may
change only measures in which their own department takes part.
"""

from typing import TypeGuard

from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import PermissionDenied
from django.utils.translation import gettext as _

from praevention.accounts import roles
from praevention.accounts.models import User
from praevention.measures.models import Measure

# Whoever makes the request: a signed-in user or AnonymousUser.
Visitor = User | AnonymousUser


def require(allowed: bool) -> None:
    """Views call `require(policy.can_…(…))`: a refusal is a German 403."""
    if not allowed:
        raise PermissionDenied(_("Dafür fehlt Ihnen die Berechtigung."))


def _department_id(user: Visitor) -> int | None:
    person = getattr(user, "person", None) if user.is_authenticated else None
    return person.department_id if person else None


def is_network_member(user: Visitor) -> TypeGuard[User]:
    """Anyone with a role (or a superuser) sees the network's measures (always a signed-in User)."""
    if not user.is_authenticated or not user.is_active:
        return False
    return user.is_superuser or any(user.has_role(role) for role in roles.ALL)


def can_view(user: Visitor, measure: Measure | None = None) -> bool:
    return is_network_member(user)


def can_create(user: Visitor) -> bool:
    return is_network_member(user) and user.has_perm("measures.add_measure")


def can_edit(user: Visitor, measure: Measure) -> bool:
    """Coordinators and admins edit everything; core-team members their department's measures."""
    if not is_network_member(user) or not user.has_perm("measures.change_measure"):
        return False
    if user.is_coordinator:
        return True
    department_id = _department_id(user)
    if department_id is None:
        return False
    return any(p.department_id == department_id for p in measure.participations.all())


def can_archive(user: Visitor, measure: Measure) -> bool:
    return can_edit(user, measure)


def can_restore(user: Visitor, measure: Measure) -> bool:
    return can_edit(user, measure)


def can_view_history(user: Visitor, measure: Measure) -> bool:
    return can_view(user, measure)


def can_import(user: Visitor) -> bool:
    """Imports write many measures at once: coordinators only."""
    return is_network_member(user) and user.is_coordinator
