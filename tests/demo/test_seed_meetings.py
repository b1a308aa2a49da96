"""The demo shows the feature: two past core-team meetings with decisions and follow-ups,
some of them overdue, and a few entries waiting for confirmation."""

from io import StringIO

import pytest
from django.core.management import call_command
from django.utils import timezone

from praevention.measures.models import Measure
from praevention.meetings.models import Decision, FollowUp, Meeting

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _fast_passwords(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


def test_seed_demo_loads_two_past_meetings_with_decisions_and_overdue_follow_ups():
    call_command("seed_demo", stdout=StringIO())
    meetings = list(Meeting.objects.all())
    assert len(meetings) == 2
    assert all(m.starts_at < timezone.now() for m in meetings)
    assert all(m.decisions.exists() and m.follow_ups.exists() for m in meetings)
    assert all(m.participants.count() >= 2 for m in meetings)
    assert FollowUp.objects.overdue().count() >= 2
    assert FollowUp.objects.filter(status=FollowUp.Status.DONE).exists()
    assert FollowUp.objects.open().exclude(pk__in=FollowUp.objects.overdue()).exists()
    assert Decision.objects.filter(measures__isnull=False).exists()
    assert Measure.objects.stale().count() == 2


def test_seed_demo_twice_adds_no_meeting_row():
    call_command("seed_demo", stdout=StringIO())
    counts = [
        model.objects.count()
        for model in (Meeting, Decision, FollowUp, Meeting.history.model, FollowUp.history.model)
    ]
    call_command("seed_demo", stdout=StringIO())
    assert counts == [
        model.objects.count()
        for model in (Meeting, Decision, FollowUp, Meeting.history.model, FollowUp.history.model)
    ]
