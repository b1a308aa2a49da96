"""Who may change a measure's participations (issue #12, fault 1), through every way in.

Rule (measures/policy.py): a core-team member's save keeps their own department as a
participant; only the lead department's members and coordinators may change the lead,
remove another department or change another department's role (L1, issue #28). The matrix
below runs each action × role through the edit form, the admin and the import.
"""

import pytest
from django.urls import reverse

from praevention.accounts import roles
from praevention.exchange import importing
from praevention.exchange.reading import read_table
from praevention.measures.models import Measure, Participation
from tests.conftest import _persona
from tests.exchange.helpers import csv_bytes, row
from tests.factories import DepartmentFactory, MeasureFactory
from tests.measures.forms_data import measure_post_data
from tests.measures.test_admin import change_url, measure_data

pytestmark = pytest.mark.django_db

LEAD = Participation.Role.LEAD
PARTNER = Participation.Role.PARTNER
FUNDING = Participation.Role.FUNDING


@pytest.fixture
def network(jugendamt, gesundheitsamt):
    """A measure led by the Schul- und Sportamt with Jugendamt and Gesundheitsamt as partners."""
    schule = DepartmentFactory(name="Schul- und Sportamt", short_name="Sch")
    sozial = DepartmentFactory(name="Sozialamt", short_name="Soz")
    measure = MeasureFactory(
        title="Bewegte Schule", lead=schule, partners=[jugendamt, gesundheitsamt]
    )
    people = {
        "lead_member": _persona(schule, roles.KERNTEAM, email="kt.sch@ba-cw.berlin.de"),
        "partner_member": _persona(jugendamt, roles.KERNTEAM, email="kt.jug@ba-cw.berlin.de"),
        "coordinator": _persona(
            DepartmentFactory(name="QPK", short_name="QPK"),
            roles.KOORDINATION,
            email="ko@ba-cw.berlin.de",
        ),
    }
    return {
        "measure": measure,
        "Sch": schule,
        "Jug": jugendamt,
        "Ges": gesundheitsamt,
        "Soz": sozial,
        "people": people,
    }


# The wanted participations after each action, by short name.
ACTIONS = {
    "add": {"Sch": LEAD, "Jug": PARTNER, "Ges": PARTNER, "Soz": PARTNER},
    "remove": {"Sch": LEAD, "Jug": PARTNER},
    "change_lead": {"Sch": PARTNER, "Jug": LEAD, "Ges": PARTNER},
    # L1 (issue #28, fault 7): another department's role.
    "change_role": {"Sch": LEAD, "Jug": PARTNER, "Ges": FUNDING},
}
ALLOWED = {
    ("lead_member", "add"): True,
    ("lead_member", "remove"): True,
    ("lead_member", "change_lead"): True,
    ("partner_member", "add"): True,
    ("partner_member", "remove"): False,
    ("partner_member", "change_lead"): False,
    ("coordinator", "add"): True,
    ("coordinator", "remove"): True,
    ("coordinator", "change_lead"): True,
    ("lead_member", "change_role"): True,
    ("partner_member", "change_role"): False,
    ("coordinator", "change_role"): True,
}
MATRIX = sorted(ALLOWED)
REFUSALS = (
    "Die Federführung können nur",
    "Andere Fachbereiche können nur",
    "Die Rolle anderer Fachbereiche können nur",
)


def stored(measure):
    return {p.department.short_name: p.role for p in measure.participations.all()}


BEFORE = {"Sch": LEAD, "Jug": PARTNER, "Ges": PARTNER}


def form_rows(net, wanted):
    """Participation rows of the edit form: existing rows kept, changed, or marked deleted."""
    existing = {p.department.short_name: p for p in net["measure"].participations.all()}
    rows, deleted = [], []
    for short, participation in existing.items():
        if short in wanted:
            rows.append((participation.department, wanted[short], participation.pk))
        else:
            deleted.append(len(rows))
            rows.append((participation.department, participation.role, participation.pk))
    for short, role in wanted.items():
        if short not in existing:
            rows.append((net[short], role, None))
    return rows, deleted


@pytest.mark.parametrize(("who", "action"), MATRIX)
def test_participation_matrix_through_the_edit_form(client, network, who, action):
    net = network
    client.force_login(net["people"][who])
    rows, deleted = form_rows(net, ACTIONS[action])
    data = measure_post_data(net["measure"], rows)
    for index in deleted:
        data[f"participations-{index}-DELETE"] = "on"

    response = client.post(reverse("measures:edit", args=[net["measure"].pk]), data)

    if ALLOWED[who, action]:
        assert response.status_code == 302, response.content.decode()[:3000]
        assert stored(net["measure"]) == ACTIONS[action]
    else:
        assert response.status_code == 400
        assert any(refusal in response.content.decode() for refusal in REFUSALS)
        assert stored(net["measure"]) == BEFORE


def admin_rows(net, wanted):
    existing = {p.department.short_name: p for p in net["measure"].participations.all()}
    rows, deleted = [], []
    for short, participation in existing.items():
        if short in wanted:
            rows.append((participation, participation.department, wanted[short]))
        else:
            deleted.append(len(rows))
            rows.append((participation, participation.department, participation.role))
    for short, role in wanted.items():
        if short not in existing:
            rows.append((None, net[short], role))
    return rows, deleted


@pytest.mark.parametrize(("who", "action"), MATRIX)
def test_participation_matrix_through_the_admin(client, network, who, action):
    net = network
    user = net["people"][who]
    # An admin may open the Django admin to a core-team member: the rule holds there too.
    user.is_staff = True
    user.save(update_fields=["is_staff"])
    client.force_login(user)
    rows, deleted = admin_rows(net, ACTIONS[action])
    data = measure_data(rows, net["measure"])
    for index in deleted:
        data[f"participations-{index}-DELETE"] = "on"

    response = client.post(change_url(net["measure"]), data)

    if ALLOWED[who, action]:
        assert response.status_code == 302, response.content.decode()[:3000]
        assert stored(net["measure"]) == ACTIONS[action]
    else:
        assert response.status_code == 200
        assert any(refusal in response.text for refusal in REFUSALS)
        assert stored(net["measure"]) == BEFORE


def import_table(wanted, title="Bewegte Schule"):
    lead = next(short for short, role in wanted.items() if role == LEAD)
    partners = "; ".join(f"{short} (Partner)" for short, role in wanted.items() if role != LEAD)
    data = csv_bytes([row(1, lead=lead, Titel=title, Beteiligte=partners)])
    return read_table("massnahmen.csv", data)


# The import's columns name the lead and the partners, no other role: change_role cannot be
# written through it.
@pytest.mark.parametrize(("who", "action"), [m for m in MATRIX if m[1] != "change_role"])
def test_participation_matrix_through_the_import(client, network, who, action):
    """The import page is for coordinators (a core-team member gets 403); each row's save
    also asks the policy, so a core-team member's rows would be held to the same rule."""
    net = network
    user = net["people"][who]
    client.force_login(user)
    page = client.get(reverse("exchange:import"))
    assert page.status_code == (200 if who == "coordinator" else 403)

    plan = importing.plan_import(import_table(ACTIONS[action]))
    assert not plan.errors, plan.errors
    if ALLOWED[who, action]:
        importing.run_import(plan, by=user, filename="massnahmen.csv")
        assert stored(net["measure"]) == ACTIONS[action]
    else:
        with pytest.raises(importing.ImportFailed) as failed:
            importing.run_import(plan, by=user, filename="massnahmen.csv")
        messages = " ".join(error.message for error in failed.value.errors)
        assert any(refusal in messages for refusal in REFUSALS)
        assert stored(net["measure"]) == BEFORE


# As above: the import's columns cannot express change_role.
@pytest.mark.parametrize(("who", "action"), [m for m in MATRIX if m[1] != "change_role"])
def test_participation_matrix_in_the_import_preview(
    network, who, action, django_assert_max_num_queries
):
    """The import saves in bulk, not through the services: the preview (plan with `by`)
    already refuses each row the policy refuses, in the policy's words, without a query per
    row; nothing is saved either way."""
    net = network
    user = net["people"][who]
    table = import_table(ACTIONS[action])
    # The import's fixed cost (catalogue, measures, relations, the user's roles), no more.
    with django_assert_max_num_queries(25):
        plan = importing.plan_import(table, by=user)
    messages = " ".join(error.message for error in plan.errors)
    if ALLOWED[who, action]:
        assert not plan.errors, plan.errors
    else:
        assert any(refusal in messages for refusal in REFUSALS), messages
        assert all(error.row == 2 for error in plan.errors)
        assert not plan.rows
    assert stored(net["measure"]) == BEFORE


def test_import_preview_refuses_a_measure_without_the_own_department(network):
    """A core-team member's row for a measure their department is not part of is refused."""
    user = network["people"]["lead_member"]
    network["measure"].participations.filter(department=network["Sch"]).update(
        department=network["Soz"]
    )
    plan = importing.plan_import(import_table({"Soz": LEAD, "Jug": PARTNER}), by=user)
    assert plan.errors and not plan.rows


def test_partner_member_cannot_take_the_lead_and_push_the_lead_out(client, network):
    """The reported attack: Jugendamt sets itself lead and deletes the Schul- und Sportamt."""
    net = network
    client.force_login(net["people"]["partner_member"])
    rows, deleted = form_rows(net, {"Jug": LEAD, "Ges": PARTNER})
    data = measure_post_data(net["measure"], rows)
    for index in deleted:
        data[f"participations-{index}-DELETE"] = "on"

    response = client.post(reverse("measures:edit", args=[net["measure"].pk]), data)

    assert response.status_code == 400
    assert stored(net["measure"]) == BEFORE
    lead_member = net["people"]["lead_member"]
    client.force_login(lead_member)
    assert client.get(reverse("measures:edit", args=[net["measure"].pk])).status_code == 200


def test_lead_member_cannot_hand_the_measure_over_and_leave(client, network):
    net = network
    client.force_login(net["people"]["lead_member"])
    rows, deleted = form_rows(net, {"Jug": LEAD, "Ges": PARTNER})
    data = measure_post_data(net["measure"], rows)
    for index in deleted:
        data[f"participations-{index}-DELETE"] = "on"

    response = client.post(reverse("measures:edit", args=[net["measure"].pk]), data)

    assert response.status_code == 400
    assert "Ihr eigener Fachbereich muss an der Maßnahme beteiligt bleiben" in response.text
    assert stored(net["measure"]) == BEFORE


def test_core_team_member_cannot_create_a_measure_without_their_department(client, network):
    net = network
    client.force_login(net["people"]["partner_member"])
    data = measure_post_data(participations=[(net["Ges"], LEAD, None)], title="Fremd angelegt")

    response = client.post(reverse("measures:create"), data)

    assert response.status_code == 400
    assert "Ihr eigener Fachbereich muss an der Maßnahme beteiligt bleiben" in response.text
    assert not Measure.objects.filter(title="Fremd angelegt").exists()


def test_core_team_member_may_create_a_measure_led_by_another_department(client, network):
    net = network
    client.force_login(net["people"]["partner_member"])
    data = measure_post_data(
        participations=[(net["Ges"], LEAD, None), (net["Jug"], PARTNER, None)],
        title="Gemeinsam angelegt",
    )

    response = client.post(reverse("measures:create"), data)

    assert response.status_code == 302
    assert stored(Measure.objects.get(title="Gemeinsam angelegt")) == {"Ges": LEAD, "Jug": PARTNER}


def test_single_participation_rows_in_the_admin_follow_the_same_rule(client, network):
    """The participation admin (one row at a time) asks the same policy."""
    net = network
    user = net["people"]["partner_member"]
    user.is_staff = True
    user.save(update_fields=["is_staff"])
    client.force_login(user)
    ges = net["measure"].participations.get(department=net["Ges"])

    delete = client.post(
        reverse("admin:measures_participation_delete", args=[ges.pk]), {"post": "yes"}
    )
    add = client.post(
        reverse("admin:measures_participation_add"),
        {"measure": net["measure"].pk, "department": net["Soz"].pk, "role": PARTNER},
    )

    assert delete.status_code == 403
    assert add.status_code == 302
    assert stored(net["measure"]) == {**BEFORE, "Soz": PARTNER}


def test_lead_member_may_remove_a_partner_row_in_the_participation_admin(client, network):
    net = network
    user = net["people"]["lead_member"]
    user.is_staff = True
    user.save(update_fields=["is_staff"])
    client.force_login(user)
    ges = net["measure"].participations.get(department=net["Ges"])

    response = client.post(
        reverse("admin:measures_participation_delete", args=[ges.pk]), {"post": "yes"}
    )

    assert response.status_code == 302
    assert stored(net["measure"]) == {"Sch": LEAD, "Jug": PARTNER}
