"""Who may do what with measures. Views and templates ask here; nowhere else decides.

Roles are model-level (groups); the object-level rule is that a core-team member may
change only measures in which their own department takes part.
"""

from django.core.exceptions import PermissionDenied
from django.utils.translation import gettext as _

from praevention.accounts import roles


def require(allowed):
    """Views call `require(policy.can_…(…))`: a refusal is a German 403."""
    if not allowed:
        raise PermissionDenied(_("Dafür fehlt Ihnen die Berechtigung."))


def _department_id(user):
    person = getattr(user, "person", None) if user.is_authenticated else None
    return person.department_id if person else None


def is_network_member(user):
    """Anyone with a role (or a superuser) sees the network's measures."""
    if not user.is_authenticated or not user.is_active:
        return False
    return user.is_superuser or any(user.has_role(role) for role in roles.ALL)


def can_view(user, measure=None):
    return is_network_member(user)


def can_create(user):
    return is_network_member(user) and user.has_perm("measures.add_measure")


def can_edit(user, measure):
    """Coordinators and admins edit everything; core-team members their department's measures."""
    if not is_network_member(user) or not user.has_perm("measures.change_measure"):
        return False
    if user.is_coordinator:
        return True
    department_id = _department_id(user)
    if department_id is None:
        return False
    return any(p.department_id == department_id for p in measure.participations.all())


def can_archive(user, measure):
    return can_edit(user, measure)


def can_restore(user, measure):
    return can_edit(user, measure)


def can_view_history(user, measure):
    return can_view(user, measure)


def can_import(user):
    """Imports write many measures at once: coordinators only."""
    return is_network_member(user) and user.is_coordinator


def can_confirm(user, measure) -> bool:
    """The lead department's members confirm that an entry is still right; coordinators too.

    Issue #16: "set when its lead confirms with one click"; archived entries need no care.
    """
    if measure.is_archived or not is_network_member(user):
        return False
    if not user.has_perm("measures.change_measure"):
        return False
    if user.is_coordinator:
        return True
    department_id = _department_id(user)
    lead = measure.lead_participation
    return department_id is not None and lead is not None and lead.department_id == department_id
