"""The admin shows meetings, decisions, follow-ups and comments, and deletes none of them."""

import pytest
from django.urls import reverse

from tests.meetings.factories import CommentFactory, DecisionFactory, FollowUpFactory

pytestmark = pytest.mark.django_db

MODELS = ["meeting", "decision", "followup", "comment", "digestsetting", "digestdelivery"]


@pytest.mark.parametrize("model", MODELS)
def test_admin_lists_and_opens_every_model(client, admin_user, model, kernteam_jug):
    follow_up = FollowUpFactory(responsible=kernteam_jug.person)
    DecisionFactory(meeting=follow_up.meeting)
    CommentFactory()
    client.force_login(admin_user)
    assert client.get(reverse(f"admin:meetings_{model}_changelist")).status_code == 200
    if model not in ("digestdelivery",):
        assert client.get(reverse(f"admin:meetings_{model}_add")).status_code == 200


def test_admin_archives_instead_of_deleting(client, admin_user, kernteam_jug):
    follow_up = FollowUpFactory(responsible=kernteam_jug.person)
    client.force_login(admin_user)
    url = reverse("admin:meetings_followup_delete", args=[follow_up.pk])
    assert client.get(url).status_code == 403
    response = client.post(
        reverse("admin:meetings_followup_changelist"),
        {"action": "archive", "_selected_action": [follow_up.pk]},
    )
    assert response.status_code == 302
    follow_up.refresh_from_db()
    assert follow_up.is_archived
