"""Choice widgets that write their options in Python.

Django renders a select with one template include per option and per attribute list; on the
measure list, with a dozen filter selects, that was about a third of the page's server time.
These widgets keep Django's choice logic (`get_context`, `optgroups`) and write the same HTML
as its templates in `django/forms/widgets/` directly.
"""

from django import forms
from django.utils.formats import localize
from django.utils.html import conditional_escape
from django.utils.safestring import mark_safe


def html_attrs(attrs):
    """The attributes as attrs.html writes them: True bare, False left out, the rest quoted."""
    return "".join(
        f" {conditional_escape(name)}"
        if value is True
        else f' {conditional_escape(name)}="{conditional_escape(str(value))}"'
        for name, value in attrs.items()
        if value is not False
    )


def html_option(option):
    return (
        f'<option value="{conditional_escape(str(option["value"]))}"'
        f"{html_attrs(option['attrs'])}>{conditional_escape(localize(option['label']))}</option>"
    )


class Select(forms.Select):
    """forms.Select with the output of select.html and select_option.html, written in Python."""

    def render(self, name, value, attrs=None, renderer=None):
        widget = self.get_context(name, value, attrs)["widget"]
        parts = [f'<select name="{conditional_escape(name)}"{html_attrs(widget["attrs"])}>']
        for group_name, options, _index in widget["optgroups"]:
            if group_name:
                parts.append(f'\n  <optgroup label="{conditional_escape(group_name)}">')
            # select_option.html ends in a newline, so every option is followed by one.
            parts.extend(f"\n  {html_option(option)}\n" for option in options)
            if group_name:
                parts.append("\n  </optgroup>")
        parts.append("\n</select>")
        return mark_safe("".join(parts))
