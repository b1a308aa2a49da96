"""Master data entered in the admin is stored normalised, as the app's own forms store text."""

import pytest
from django.urls import reverse

from praevention.catalog.models import TargetGroup
from praevention.network.models import Department

pytestmark = pytest.mark.django_db


def test_a_department_pasted_with_control_characters_is_stored_clean(client, admin_user):
    client.force_login(admin_user)
    response = client.post(
        reverse("admin:network_department_add"),
        {
            "name": "Amt fu\u0308r  Glocke\x07 \ufeffBOM",
            "short_name": " Ctl\x1b ",
            "kind": Department.Kind.AMT,
            "colour": "#1f6f8b",
            "description": "Zeile 1\r\nZeile 2\x0b",
        },
    )
    assert response.status_code == 302, response.context["adminform"].form.errors
    department = Department.objects.get(short_name="Ctl")
    assert department.name == "Amt für Glocke BOM"  # NFC, one space, nothing invisible
    assert department.description == "Zeile 1\nZeile 2"


def test_a_catalogue_name_of_only_invisible_characters_is_refused_in_german(client, admin_user):
    client.force_login(admin_user)
    response = client.post(
        reverse("admin:catalog_targetgroup_add"), {"name": "\u200b\x07", "position": 1}
    )
    assert response.status_code == 200  # the form again, with the error
    assert "Bitte füllen Sie dieses Feld aus." in response.content.decode()
    assert not TargetGroup.objects.filter(name__in=["", "\x07", "\u200b\x07"]).exists()


def test_a_name_differing_only_in_letter_case_is_refused(client, admin_user, jugendamt):
    """The import finds departments and catalogue entries by name regardless of case: two
    such names would make one of them win silently."""
    client.force_login(admin_user)
    response = client.post(
        reverse("admin:network_department_add"),
        {"name": "JUGENDAMT", "short_name": jugendamt.short_name.lower(), "kind": "amt",
         "colour": "#1f6f8b"},
    )  # fmt: skip
    assert response.status_code == 200
    errors = response.context["adminform"].form.errors
    assert "Es gibt schon „Jugendamt“" in errors["name"][0]
    assert f"Es gibt schon „{jugendamt.short_name}“" in errors["short_name"][0]
    assert Department.objects.filter(name__iexact="jugendamt").count() == 1

    group = TargetGroup.objects.order_by("pk").first()
    response = client.post(
        reverse("admin:catalog_targetgroup_change", args=[group.pk]),
        {"name": group.name.upper(), "position": group.position},
    )
    assert response.status_code == 302  # the entry itself may change its own spelling
