"""The rules of a measure's participations, in one place for every way in.

The database holds them too (a unique index per department, a partial unique index on the
lead and, on PostgreSQL, a deferred trigger for "exactly one lead"); this function says the
same in German before anything is written. The edit form, the admin, the import and the
write services all call it, so every entry point refuses with the same words.
"""

from collections.abc import Iterable
from typing import Any

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

# The lead role's value, the one definition: `Participation.Role.LEAD` is this string, and
# the policy and this module compare with it without importing models.
LEAD = "lead"


def participation_errors(participations: Iterable[tuple[Any, str]]) -> list[ValidationError]:
    """The broken rules of a measure's participations, as German ValidationErrors.

    `participations` is [(department, role)], the departments as model instances. Rules
    (DESIGN.md, "Maßnahmen"): exactly one lead department (code `one_lead`), every department
    at most once (code `duplicate_department`). Returns [] when the set is valid.
    """
    participations = list(participations)
    errors = []
    leads = sum(1 for _department, role in participations if role == LEAD)
    if leads != 1:
        errors.append(
            ValidationError(
                _(
                    "Eine Maßnahme braucht genau einen federführenden Fachbereich "
                    "(eingetragen: %(count)s)."
                ),
                params={"count": leads},
                code="one_lead",
            )
        )
    seen = set()
    for department, _role in participations:
        key = getattr(department, "pk", department)
        if key in seen:
            errors.append(
                ValidationError(
                    _(
                        "Der Fachbereich „%(name)s“ ist mehrfach eingetragen. Jeder "
                        "Fachbereich kann nur einmal beteiligt sein."
                    ),
                    params={"name": department},
                    code="duplicate_department",
                )
            )
            break
        seen.add(key)
    return errors


def check_participations(participations: Iterable[tuple[Any, str]]) -> None:
    """Raise one ValidationError listing every broken rule of `participation_errors`."""
    errors = participation_errors(participations)
    if errors:
        raise ValidationError(errors)
