"""The list's second department (`partner_department`): the drill-down for measures run jointly."""

import pytest
from django.urls import reverse

from tests.factories import DepartmentFactory, MeasureFactory

pytestmark = pytest.mark.django_db

URL = reverse("measures:list")


def titles(client, **params):
    response = client.get(URL, params)
    assert response.status_code == 200, response.content.decode()[:500]
    return [m.title for m in response.context["measures"]]


def test_partner_department_alone_matches_any_role(member, jugendamt, gesundheitsamt):
    MeasureFactory(title="A", lead=jugendamt)
    MeasureFactory(title="B", lead=gesundheitsamt, partners=[jugendamt])
    MeasureFactory(title="C", lead=gesundheitsamt)
    assert titles(member, partner_department=jugendamt.pk) == ["A", "B"]


def test_two_departments_find_only_the_measures_they_run_together(
    member, jugendamt, gesundheitsamt, qpk
):
    MeasureFactory(title="Jug mit Ges", lead=jugendamt, partners=[gesundheitsamt])
    MeasureFactory(title="Ges mit Jug und QPK", lead=gesundheitsamt, partners=[jugendamt, qpk])
    MeasureFactory(title="Jug allein", lead=jugendamt)
    MeasureFactory(title="Ges mit QPK", lead=gesundheitsamt, partners=[qpk])
    assert titles(member, department=jugendamt.pk, partner_department=gesundheitsamt.pk) == [
        "Ges mit Jug und QPK",
        "Jug mit Ges",
    ]
    assert titles(member, department=qpk.pk, partner_department=jugendamt.pk) == [
        "Ges mit Jug und QPK"
    ]


def test_the_role_still_applies_to_the_first_department_only(member, jugendamt, gesundheitsamt):
    MeasureFactory(title="Jug führt", lead=jugendamt, partners=[gesundheitsamt])
    MeasureFactory(title="Ges führt", lead=gesundheitsamt, partners=[jugendamt])
    params = {"department": jugendamt.pk, "partner_department": gesundheitsamt.pk}
    assert titles(member, role="lead", **params) == ["Jug führt"]
    assert titles(member, role="partner", **params) == ["Ges führt"]


def test_the_same_department_twice_is_just_that_department(member, jugendamt):
    MeasureFactory(title="A", lead=jugendamt)
    assert titles(member, department=jugendamt.pk, partner_department=jugendamt.pk) == ["A"]


def test_an_unknown_partner_department_is_a_german_400(member):
    response = member.get(URL, {"partner_department": 999999})
    assert response.status_code == 400
    assert "ungültig" in response.content.decode()


def test_the_list_counts_each_measure_once_whatever_the_number_of_departments(
    member, jugendamt, gesundheitsamt, qpk
):
    other = DepartmentFactory(short_name="Soz", name="Sozialamt")
    MeasureFactory(title="Vier", lead=jugendamt, partners=[gesundheitsamt, qpk, other])
    response = member.get(URL, {"department": jugendamt.pk, "partner_department": qpk.pk})
    assert response.context["paginator"].count == 1
