"""The Python-written select gives exactly the HTML of Django's template-rendered one."""

import pytest
from django import forms
from django.utils.safestring import mark_safe

from praevention.measures.widgets import Select

CHOICES = [
    ("", "alle"),
    (1, "Kinder & Jugendliche"),
    ("<x>", mark_safe("<b>sicher</b>")),
    ("Gruppe", [(2, "zwei"), (3, '"drei"')]),
]


@pytest.mark.parametrize("value", [None, "", 1, "<x>", 3, "unbekannt"])
@pytest.mark.parametrize(
    "attrs",
    [
        None,
        {"id": "id_f", "class": "form-select", "required": True, "disabled": False},
        {"aria-invalid": "true", "aria-describedby": "id_f_error", "data-x": 'a"b'},
    ],
)
def test_select_renders_like_djangos_template(value, attrs):
    expected = forms.Select(choices=CHOICES).render("f", value, attrs)
    assert Select(choices=CHOICES).render("f", value, attrs) == expected
