"""`{% slot "name" %}`: renders what other apps registered for a place of the page (core.slots)."""

from django import template
from django.template import Engine
from django.template.context import Context
from django.utils.safestring import SafeString, mark_safe

from praevention.core import slots

register = template.Library()


@register.simple_tag(takes_context=True)
def slot(context: Context, name: str) -> SafeString:
    """Every template registered for `name`, rendered in the page's context like `{% include %}`;
    an empty string when none is registered. Each part is a template and escapes what it shows."""
    if name not in slots.SLOTS:
        raise template.TemplateSyntaxError(f"Unknown slot {name!r}.")
    engine = context.template.engine if context.template else Engine.get_default()
    parts = (engine.get_template(part).render(context) for part in slots.templates(name))
    return mark_safe("".join(parts))
