"""What of a measure may leave the app without a login: one function decides (issue #25).

The public HSDS API (`praevention.api`) and any public file call `public_service`; the
members' own exports behind the login (`exporting.hsds_document`) stay complete.

The rule is a whitelist over the HSDS mapping of `exporting.hsds_service` (one mapping, not
a second one): a field not named here never leaves, whatever is added to the mapping later.
Left out on purpose: contacts (staff names, their functions and phone numbers), any e-mail but
a department's public function address (`Department.public_email`), reach figures, the end of
funding, free texts written for the network (external partners, evaluation notes), the
evidence rating and good-practice criteria, the version. The budget only when the network opts
in (`settings.HSDS_PUBLISH_BUDGET`).
"""

import datetime
from typing import Any

from django.conf import settings

from praevention.exchange.columns import german
from praevention.exchange.exporting import (
    ServiceFacts,
    hsds_organization,
    hsds_service,
    hsds_service_summary,
)
from praevention.measures.models import Measure
from praevention.network.models import Department

# A whitelist: {key: True (keep the value as it is) | a whitelist for a nested object |
# [a whitelist] for each object of a list}.
Whitelist = dict[str, Any]

TAXONOMY_TERM: Whitelist = {
    key: True
    for key in ("id", "code", "name", "description", "taxonomy", "taxonomy_id", "language")
}
ORGANIZATION: Whitelist = {
    "id": True,
    "name": True,
    "alternate_name": True,
    "description": True,
    "email": True,  # the department's public function address only
    "x_praeventionsnetz": {"short_name": True, "kind": True, "kind_label": True},
}
EXTENSION: Whitelist = {
    key: True
    for key in (
        "id",
        "summary",
        "status",
        "status_label",
        "start_date",
        "end_date",
        "target_groups",
        "life_phases",
        "social_spaces",
        "fields_of_action",
        "strategic_goals",
        "poverty_focus",
        "poverty_focus_label",
        "links",
    )
} | {
    "participations": [
        {"department": True, "department_name": True, "role": True, "role_label": True}
    ]
}
SERVICE: Whitelist = {
    "id": True,
    "name": True,
    "description": True,
    "url": True,
    "email": True,  # the lead department's public function address only
    "status": True,
    "eligibility_description": True,
    "minimum_age": True,
    "maximum_age": True,
    "assured_date": True,
    "last_modified": True,
    "organization_id": True,
    "organization": ORGANIZATION,
    "funding": [{"id": True, "service_id": True, "source": True}],
    "service_areas": [
        {"id": True, "service_id": True, "name": True, "description": True, "uri": True}
    ],
    "attributes": [
        {
            "id": True,
            "link_id": True,
            "link_type": True,
            "link_entity": True,
            "taxonomy_term_id": True,
            "taxonomy_term": TAXONOMY_TERM,
        }
    ],
    "x_praeventionsnetz": EXTENSION,
}


def _pick(value: Any, whitelist: Any) -> Any:
    if whitelist is True:
        return value
    if isinstance(whitelist, list):
        return [_pick(item, whitelist[0]) for item in value]
    return {key: _pick(item, whitelist[key]) for key, item in value.items() if key in whitelist}


def public_fields(service: dict[str, Any], *, budget: bool | None = None) -> dict[str, Any]:
    """THE decision: what of an HSDS service (`hsds_service` or `hsds_service_summary`) may
    leave the app without a login. Only the whitelisted fields (`SERVICE`); the budget
    (`x_praeventionsnetz.budget_eur`, Euro per year as a decimal string) only when `budget`,
    default `settings.HSDS_PUBLISH_BUDGET` (off unless the network opts in)."""
    if budget is None:
        budget = settings.HSDS_PUBLISH_BUDGET
    public = _pick(service, SERVICE)
    budget_eur = service.get("x_praeventionsnetz", {}).get("budget_eur")
    if budget and budget_eur is not None:
        public["x_praeventionsnetz"]["budget_eur"] = budget_eur
    return public


def public_service(
    measure: Measure | ServiceFacts,
    *,
    full: bool = True,
    changed_at: datetime.datetime | None = None,
    budget: bool | None = None,
) -> dict[str, Any]:
    """One public measure as an HSDS 3.0 service, through `public_fields` (a dict).

    `full`: fully nested (`hsds_service`, a Measure loaded with `with_relations()`; no
    contact person is read), else its one-to-one fields and organization
    (`hsds_service_summary`, a Measure loaded with `for_service_list()` or its ServiceFacts).
    `changed_at`: its last change as `MeasureQuerySet.with_changed_at` finds it (fields,
    links, participations, publication), sent as `last_modified`; default: the facts' own,
    else `updated_at`. Whether the measure is public at all is `MeasureQuerySet.public`'s
    decision.
    """
    with german():
        if full:
            if not isinstance(measure, Measure):
                raise TypeError("a fully nested service needs the Measure")
            service = hsds_service(measure, contacts=False)
        else:
            service = hsds_service_summary(measure)
    public = public_fields(service, budget=budget)
    if changed_at is None and isinstance(measure, ServiceFacts):
        changed_at = measure.changed_at
    if changed_at is not None:
        public["last_modified"] = changed_at.isoformat()
    return public


def public_organization(department: Department) -> dict[str, Any]:
    """A department as a public HSDS organization, only with the whitelisted fields."""
    with german():
        return _pick(hsds_organization(department), ORGANIZATION)
