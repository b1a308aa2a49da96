"""Writes of the meetings app: each a `<entity>_<action>` service that records who did it."""

import datetime
import secrets
from collections.abc import Iterable
from typing import TypeVar

from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from praevention.accounts.models import User
from praevention.measures.models import Measure
from praevention.meetings import policy
from praevention.meetings.models import (
    CalendarSubscription,
    Comment,
    Decision,
    FollowUp,
    Meeting,
)
from praevention.network.models import Department, Person

Tracked = TypeVar("Tracked", Meeting, Decision, FollowUp, Comment)


def _save(obj: Tracked, by: User | None) -> Tracked:
    """Validate (German messages), save, and record `by` in the history."""
    obj._history_user = by
    obj.full_clean()
    obj.save()
    return obj


@transaction.atomic
def meeting_save(*, meeting: Meeting, participants: Iterable[Person], by: User | None) -> Meeting:
    """Create or change a meeting with its participants (a list of Person).

    Raises a German ValidationError when `by` removes participants the policy does not let
    them remove (`policy.participant_change_errors`, checked against the stored list read
    under the meeting's row lock).
    """
    participants = list(participants)
    if meeting.pk is None:
        meeting.created_by = by
    else:
        Meeting.objects.select_for_update().filter(pk=meeting.pk).exists()
        before = Meeting.participants.through.objects.filter(meeting_id=meeting.pk)
        errors = policy.participant_change_errors(
            by or AnonymousUser(),
            meeting,
            before.values_list("person_id", flat=True),
            [person.pk for person in participants],
        )
        if errors:
            raise ValidationError({"participants": errors})
    _save(meeting, by)
    meeting.participants.set(participants)
    return meeting


@transaction.atomic
def meeting_set_archived(*, meeting: Meeting, archived: bool, by: User) -> Meeting:
    """Archive instead of delete: the meeting leaves the list, its minutes stay readable."""
    meeting = Meeting.objects.select_for_update().get(pk=meeting.pk)
    if meeting.is_archived != archived:
        meeting.is_archived = archived
        meeting._history_user = by
        meeting.save(update_fields=["is_archived", "updated_at"])
    return meeting


@transaction.atomic
def decision_create(
    *,
    meeting: Meeting,
    text: str,
    measures: Iterable[Measure],
    departments: Iterable[Department],
    by: User | None,
) -> Decision:
    """Record a Beschluss of `meeting`, linked to measures and departments."""
    decision = _save(Decision(meeting=meeting, text=text, created_by=by), by)
    decision.measures.set(measures)
    decision.departments.set(departments)
    return decision


@transaction.atomic
def follow_up_create(*, follow_up: FollowUp, by: User | None) -> FollowUp:
    """Save a new follow-up; its department defaults to the responsible person's."""
    if follow_up.department_id is None:
        follow_up.department = follow_up.responsible.department
    follow_up.created_by = by
    return _save(follow_up, by)


@transaction.atomic
def follow_up_set_done(*, follow_up: FollowUp, done: bool, by: User) -> FollowUp:
    """Mark a follow-up done (with the moment) or open again."""
    follow_up = FollowUp.objects.select_for_update().get(pk=follow_up.pk)
    wanted = FollowUp.Status.DONE if done else FollowUp.Status.OPEN
    if follow_up.status == wanted:
        return follow_up
    follow_up.status = wanted
    follow_up.done_at = timezone.now() if done else None
    return _save(follow_up, by)


@transaction.atomic
def follow_up_reschedule(*, follow_up: FollowUp, due_on: datetime.date, by: User) -> FollowUp:
    """Move an open follow-up's due date (in its history with `by`)."""
    follow_up = FollowUp.objects.select_for_update().get(pk=follow_up.pk)
    follow_up.due_on = due_on
    return _save(follow_up, by)


@transaction.atomic
def comment_create(*, measure: Measure, text: str, by: User) -> Comment:
    return _save(Comment(measure=measure, author=by, text=text), by)


@transaction.atomic
def comment_update(*, comment: Comment, text: str, by: User) -> Comment:
    comment.text = text
    return _save(comment, by)


@transaction.atomic
def comment_withdraw(*, comment: Comment, by: User) -> Comment:
    """The author takes a comment back; the text stays in the history, not on the page."""
    comment.is_withdrawn = True
    return _save(comment, by)


@transaction.atomic
def comment_set_hidden(*, comment: Comment, hidden: bool, by: User) -> Comment:
    """A coordinator hides an inappropriate comment (or shows it again)."""
    comment.is_hidden = hidden
    comment.hidden_by = by if hidden else None
    return _save(comment, by)


@transaction.atomic
def calendar_key_renew(*, user: User) -> CalendarSubscription:
    """Give `user` a new secret calendar address; the previous one stops working at once.

    The key is 256 random bits (`secrets.token_urlsafe(32)`, 43 characters).
    """
    subscription, _created = CalendarSubscription.objects.select_for_update().get_or_create(
        user=user, defaults={"key": secrets.token_urlsafe(32)}
    )
    if not _created:
        subscription.key = secrets.token_urlsafe(32)
        subscription.created_at = timezone.now()
        subscription.save(update_fields=["key", "created_at"])
    return subscription


@transaction.atomic
def calendar_key_revoke(*, user: User) -> None:
    """Switch `user`'s calendar address off: it answers 404 from now on."""
    CalendarSubscription.objects.filter(user=user).delete()
