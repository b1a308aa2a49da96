"""Shared fixtures of the meetings tests (personas and `as_persona`: tests/conftest.py)."""

import pytest

from tests.factories import MeasureFactory
from tests.meetings.factories import CommentFactory, FollowUpFactory, MeetingFactory


@pytest.fixture
def jug_measure(jugendamt, gesundheitsamt):
    """Led by the Jugendamt; the Gesundheitsamt takes no part."""
    return MeasureFactory(title="Frühe Hilfen Lotsendienst", lead=jugendamt)


@pytest.fixture
def meeting(koordination, kernteam_jug):
    """Recorded by the coordinator, with the Jugendamt member taking part."""
    return MeetingFactory(
        title="Kernteamsitzung November",
        created_by=koordination,
        participants=[koordination.person, kernteam_jug.person],
    )


@pytest.fixture
def follow_up(meeting, kernteam_jug, jug_measure):
    """The Jugendamt member's open task from the meeting."""
    return FollowUpFactory(
        title="Flyer für Familienzentren abstimmen",
        responsible=kernteam_jug.person,
        meeting=meeting,
        measure=jug_measure,
    )


@pytest.fixture
def comment(jug_measure, kernteam_ges):
    """A fresh comment by the Gesundheitsamt member."""
    return CommentFactory(measure=jug_measure, author=kernteam_ges, text="Wie viele Familien?")
