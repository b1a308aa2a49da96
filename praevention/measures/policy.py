"""Who may do what with measures. Views and templates ask here; nowhere else decides.

Roles are model-level (groups); the object-level rule is that a core-team member may
change only measures in which their own department takes part.
"""

from collections.abc import Iterable
from typing import Any

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from praevention.accounts.policy import Visitor, department_id, is_coordinator, is_network_member
from praevention.measures.models import Measure
from praevention.measures.rules import LEAD

# [(department or department id, role)]: participations as the forms and the services pass them.
ParticipationPairs = Iterable[tuple[Any, str]]


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
    return can_edit_taking_part(user, (p.department_id for p in measure.participations.all()))


def can_edit_taking_part(user: Visitor, department_ids: Iterable[int]) -> bool:
    """`can_edit` for a measure the departments `department_ids` take part in, for callers
    that read participations in bulk (the import) instead of per measure."""
    if not is_network_member(user) or not user.has_perm("measures.change_measure"):
        return False
    if user.is_coordinator:
        return True
    own = department_id(user)
    return own is not None and own in set(department_ids)


def can_archive(user: Visitor, measure: Measure) -> bool:
    return can_edit(user, measure)


def can_restore(user: Visitor, measure: Measure) -> bool:
    return can_edit(user, measure)


def can_publish(user: Visitor) -> bool:
    """Coordinators decide which measures the public HSDS API shows (issue #25: opt-in)."""
    return is_coordinator(user)


def can_view_history(user: Visitor, measure: Measure) -> bool:
    return can_view(user, measure)


def _ids(participations: ParticipationPairs) -> dict[Any, str]:
    """{department id: role} of [(department or id, role)]."""
    return {getattr(department, "pk", department): role for department, role in participations}


def _lead_id(by_department: dict[Any, str]) -> int | None:
    return next((pk for pk, role in by_department.items() if role == LEAD), None)


def participation_change_errors(
    user: Visitor, before: ParticipationPairs, after: ParticipationPairs
) -> list[str]:
    """Why `user` may not change a measure's participations from `before` to `after`.

    `before` and `after` are [(department or department id, role)]; `before` is empty for a
    new measure and must be the stored state (read under the row lock by the services).
    Returns a list of German messages, empty when the change is allowed.

    Rule (issue #12, fault 1): coordinators and admins change anything. A core-team member's
    save keeps their own department as a participant; only the members of the lead
    department may change the lead, remove another department or change another
    department's role (issue #28, fault 7). Checked on the state
    before *and* after the save, so a forged form cannot take a measure over or push a
    department out.
    """
    if user.is_authenticated and user.is_coordinator:
        return []
    own = department_id(user)
    old, new = _ids(before), _ids(after)
    errors = []
    if own is None or own not in new:
        errors.append(
            _(
                "Ihr eigener Fachbereich muss an der Maßnahme beteiligt bleiben. Eine Maßnahme "
                "ohne Ihren Fachbereich kann nur die Koordination speichern."
            )
        )
    if not old:
        return errors
    if own not in old:
        errors.append(_("Ihr Fachbereich ist an dieser Maßnahme nicht beteiligt."))
        return errors
    old_lead = _lead_id(old)
    if own != old_lead:
        if _lead_id(new) != old_lead:
            errors.append(
                _(
                    "Die Federführung können nur Mitglieder des federführenden Fachbereichs "
                    "oder die Koordination ändern."
                )
            )
        if any(pk not in new for pk in old if pk != own):
            errors.append(
                _(
                    "Andere Fachbereiche können nur Mitglieder des federführenden Fachbereichs "
                    "oder die Koordination austragen."
                )
            )
        # Issue #28, fault 7 (L1): a partner changed another partner's role.
        if any(
            pk in new and new[pk] != role for pk, role in old.items() if pk not in (own, old_lead)
        ):
            errors.append(
                _(
                    "Die Rolle anderer Fachbereiche können nur Mitglieder des federführenden "
                    "Fachbereichs oder die Koordination ändern."
                )
            )
    return errors


def check_participation_change(
    user: Visitor, before: ParticipationPairs, after: ParticipationPairs
) -> None:
    """Raise a German ValidationError when `participation_change_errors` finds any."""
    errors = participation_change_errors(user, before, after)
    if errors:
        raise ValidationError(errors, code="participation_forbidden")


def can_confirm(user: Visitor, measure: Measure) -> bool:
    """The lead department's members confirm that an entry is still right; coordinators too.

    Issue #16: "set when its lead confirms with one click"; archived entries need no care.
    """
    if measure.is_archived or not is_network_member(user):
        return False
    if not user.has_perm("measures.change_measure"):
        return False
    if user.is_coordinator:
        return True
    own = department_id(user)
    lead = measure.lead_participation
    return own is not None and lead is not None and lead.department_id == own
