"""A person is erased by pseudonymising (issue #28, fault 8): afterwards no text column of any
table but the frozen editions holds their name, e-mail address or phone; what they wrote stays,
signed "ehemalige Person"."""

import pytest
from django.db import connection
from django.urls import reverse

from praevention.accounts import roles
from praevention.measures.models import Measure
from praevention.meetings.models import Comment, FollowUp
from tests.factories import PASSWORD, MeasureFactory, PersonFactory, UserFactory
from tests.meetings.factories import CommentFactory, FollowUpFactory

pytestmark = pytest.mark.django_db

NAME = ("Zacharias", "Quenzelbrink")
EMAIL = "z.quenzelbrink@ba-cw.berlin.de"
PHONE = "030 9029-17733"
FUNCTION = "Leitung Xylophonwerkstatt"
TRACES = [NAME[0], NAME[1], EMAIL, "quenzelbrink@", PHONE, "17733", FUNCTION]
# The frozen editions keep what they printed (the committee's record).
KEPT = ("editions_",)


@pytest.fixture
def leaver(jugendamt, client):
    user = UserFactory(first_name=NAME[0], last_name=NAME[1], email=EMAIL, role=roles.KERNTEAM)
    person = PersonFactory(user=user, department=jugendamt, phone=PHONE, function=FUNCTION)
    measure = MeasureFactory(lead=jugendamt)
    client.post(reverse("accounts:login"), {"username": EMAIL, "password": PASSWORD})
    client.post(reverse("accounts:login"), {"username": EMAIL, "password": "falsch"})
    CommentFactory(measure=measure, author=user, text="Wir übernehmen die Elternabende.")
    FollowUpFactory(responsible=person, title="Elternabend planen")
    person.phone = PHONE + " "  # a second history row
    person.save()
    Measure.objects.filter(pk=measure.pk).update(contact_person=person)
    return person


def traces():
    """(table, column, value) of every text column holding a trace of the leaver."""
    found = []
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT table_name, column_name FROM information_schema.columns "
            "WHERE table_schema = current_schema() "
            "AND data_type IN ('text', 'character varying', 'jsonb', 'json')"
        )
        columns = cursor.fetchall()
        for table, column in columns:
            if table.startswith(KEPT):
                continue
            for trace in TRACES:
                cursor.execute(
                    f'SELECT "{column}"::text FROM "{table}" WHERE "{column}"::text ILIKE %s',
                    [f"%{trace}%"],
                )
                found += [(table, column, row[0]) for row in cursor.fetchall()]
    return found


def test_pseudonymising_leaves_no_trace_but_keeps_what_they_wrote(client, admin_user, leaver):
    if connection.vendor != "postgresql":
        pytest.skip("information_schema of PostgreSQL")
    client.force_login(admin_user)
    # The admin's own log names the person once they are edited there.
    client.post(
        reverse("admin:network_person_change", args=[leaver.pk]),
        {
            "user": leaver.user_id,
            "department": leaver.department_id,
            "function": FUNCTION,
            "phone": PHONE,
            "is_core_team": "on",
        },
    )
    assert traces()

    response = client.post(
        reverse("admin:network_person_changelist"),
        {"action": "pseudonymise", "_selected_action": [leaver.pk]},
        follow=True,
    )

    assert response.status_code == 200
    page = response.content.decode()
    assert "1 Person pseudonymisiert." in page
    assert "Festgeschriebene Ausgaben des Berichts behalten, was sie gedruckt haben" in page
    assert traces() == []
    comment = Comment.objects.get()
    assert comment.text == "Wir übernehmen die Elternabende."
    assert str(comment.author) == "ehemalige Person"
    assert FollowUp.objects.get().responsible_id == leaver.pk
    leaver.user.refresh_from_db()
    assert not leaver.user.is_active
    # The account can no longer log in.
    client.logout()
    assert (
        client.post(
            reverse("accounts:login"), {"username": EMAIL, "password": PASSWORD}
        ).status_code
        == 200
    )
    assert "_auth_user_id" not in client.session


def test_a_leaver_is_no_longer_shown_as_contact(client, koordination, leaver):
    leaver.user.is_active = False
    leaver.user.save(update_fields=["is_active"])
    measure = Measure.objects.get(contact_person=leaver)
    client.force_login(koordination)

    page = client.get(reverse("measures:detail", args=[measure.pk])).content.decode()
    response = client.get(reverse("exchange:export", args=["csv"]))
    export = b"".join(response.streaming_content).decode("utf-8-sig")

    assert "Ansprechperson fehlt" in page
    assert PHONE not in page and FUNCTION not in page  # their comment still names them
    assert EMAIL not in export
