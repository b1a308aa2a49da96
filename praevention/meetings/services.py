"""Writes of the meetings app: each a `<entity>_<action>` service that records who did it."""

from django.db import transaction
from django.utils import timezone

from praevention.meetings.models import Comment, Decision, FollowUp, Meeting


def _save(obj, by):
    obj._history_user = by
    obj.full_clean()
    obj.save()
    return obj


@transaction.atomic
def meeting_save(*, meeting, participants, by):
    """Create or change a meeting with its participants (a list of Person)."""
    if meeting.pk is None:
        meeting.created_by = by
    _save(meeting, by)
    meeting.participants.set(participants)
    return meeting


@transaction.atomic
def meeting_set_archived(*, meeting, archived, by):
    """Archive instead of delete: the meeting leaves the list, its minutes stay readable."""
    meeting = Meeting.objects.select_for_update().get(pk=meeting.pk)
    if meeting.is_archived != archived:
        meeting.is_archived = archived
        meeting._history_user = by
        meeting.save(update_fields=["is_archived", "updated_at"])
    return meeting


@transaction.atomic
def decision_create(*, meeting, text, measures, departments, by):
    """Record a Beschluss of `meeting`, linked to measures and departments."""
    decision = _save(Decision(meeting=meeting, text=text, created_by=by), by)
    decision.measures.set(measures)
    decision.departments.set(departments)
    return decision


@transaction.atomic
def follow_up_create(*, follow_up, by):
    """Save a new follow-up; its department defaults to the responsible person's."""
    if follow_up.department_id is None:
        follow_up.department = follow_up.responsible.department
    follow_up.created_by = by
    return _save(follow_up, by)


@transaction.atomic
def follow_up_set_done(*, follow_up, done, by):
    """Mark a follow-up done (with the moment) or open again."""
    follow_up = FollowUp.objects.select_for_update().get(pk=follow_up.pk)
    wanted = FollowUp.Status.DONE if done else FollowUp.Status.OPEN
    if follow_up.status == wanted:
        return follow_up
    follow_up.status = wanted
    follow_up.done_at = timezone.now() if done else None
    return _save(follow_up, by)


@transaction.atomic
def follow_up_set_due(*, follow_up, due_on, by):
    follow_up.due_on = due_on
    return _save(follow_up, by)


@transaction.atomic
def follow_up_set_archived(*, follow_up, archived, by):
    follow_up.is_archived = archived
    return _save(follow_up, by)


@transaction.atomic
def comment_create(*, measure, text, by):
    return _save(Comment(measure=measure, author=by, text=text), by)


@transaction.atomic
def comment_update(*, comment, text, by):
    comment.text = text
    return _save(comment, by)


@transaction.atomic
def comment_withdraw(*, comment, by):
    """The author takes a comment back; the text stays in the history, not on the page."""
    comment.is_withdrawn = True
    return _save(comment, by)


@transaction.atomic
def comment_set_hidden(*, comment, hidden, by):
    """A coordinator hides an inappropriate comment (or shows it again)."""
    comment.is_hidden = hidden
    comment.hidden_by = by if hidden else None
    return _save(comment, by)
