"""The district's statements (accessibility, privacy) name the district's office by default.

The district is data (`catalog.districts`), read by the `district_name` context processor; the
settings only carry a district's own wording when it set one (STATEMENT_OPERATOR,
DATA_PROTECTION_OFFICER), so these filters fill in the default from the district's name.
"""

from django import template
from django.utils.translation import gettext as _

register = template.Library()


@register.filter
def or_district_office(value: str, district_name: object) -> str:
    """`value`, or "Bezirksamt <district> von Berlin" when the district set no wording."""
    return value or _("Bezirksamt %(name)s von Berlin") % {"name": district_name}


@register.filter
def or_district_dpo(value: str, district_name: object) -> str:
    """`value`, or the district office's data protection officer when none is configured."""
    return value or _("behördliche Datenschutzbeauftragte des Bezirksamts %(name)s") % {
        "name": district_name
    }
