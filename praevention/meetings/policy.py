"""Who may do what with meetings, decisions, follow-ups and comments (issue #16).

Views and templates ask here; nowhere else decides. The rules:
- anonymous users and accounts without a role see nothing;
- every core-team member (any role) sees meetings and creates meetings and follow-ups;
- a meeting, its decisions and its follow-ups are changed by whoever created the meeting,
  its participants, and coordinators; only the creator and coordinators remove other
  participants (`participant_change_errors`);
- a follow-up is changed (done, reopened, edited) by its responsible person and coordinators;
- comments: members write them; authors change or withdraw their own within
  `Comment.EDIT_WINDOW`; coordinators hide and show them.
"""

import datetime
from collections.abc import Iterable

from django.utils import timezone
from django.utils.translation import gettext as _

from praevention.accounts.policy import Visitor, is_coordinator, is_network_member
from praevention.measures.models import Measure
from praevention.meetings.models import Comment, FollowUp, Meeting


def _person_id(user: Visitor) -> int | None:
    person = getattr(user, "person", None) if user.is_authenticated else None
    return person.pk if person else None


def can_view_meetings(user: Visitor) -> bool:
    return is_network_member(user)


def can_create_meeting(user: Visitor) -> bool:
    """Core-team members (every role) record meetings."""
    return is_network_member(user)


def can_edit_meeting(user: Visitor, meeting: Meeting) -> bool:
    """The meeting's creator, its participants and coordinators keep its minutes."""
    if not is_network_member(user) or meeting.is_archived:
        return False
    if user.is_coordinator or meeting.created_by_id == user.pk:
        return True
    person_id = _person_id(user)
    return person_id is not None and any(p.pk == person_id for p in meeting.participants.all())


def participant_change_errors(
    user: Visitor, meeting: Meeting, before: Iterable[int], after: Iterable[int]
) -> list[str]:
    """Why `user` may not change the meeting's participants (Person ids) from `before` (as
    stored) to `after`; empty when allowed.

    Rule (issue #28, fault 7, L2): the meeting's creator and coordinators change the list as
    they like; another participant adds people and takes themself off, but removes nobody
    else.
    """
    if user.is_authenticated and (user.is_coordinator or meeting.created_by_id == user.pk):
        return []
    removed = set(before) - set(after) - {_person_id(user)}
    if removed:
        return [
            _(
                "Andere Teilnehmende können nur die Person, die die Sitzung angelegt hat, oder "
                "die Koordination austragen."
            )
        ]
    return []


def can_archive_meeting(user: Visitor, meeting: Meeting) -> bool:
    return can_edit_meeting(user, meeting)


def can_record_decision(user: Visitor, meeting: Meeting) -> bool:
    return can_edit_meeting(user, meeting)


def can_create_follow_up(user: Visitor, meeting: Meeting | None = None) -> bool:
    """Members create follow-ups; in a meeting's minutes only those who keep them."""
    if meeting is not None:
        return can_edit_meeting(user, meeting)
    return is_network_member(user)


def can_change_follow_up(user: Visitor, follow_up: FollowUp) -> bool:
    """The responsible person and coordinators: mark done, reopen, change the due date."""
    if not is_network_member(user) or follow_up.is_archived:
        return False
    return user.is_coordinator or follow_up.responsible_id == _person_id(user)


def can_comment(user: Visitor, measure: Measure) -> bool:
    return is_network_member(user) and not measure.is_archived


def can_edit_comment(user: Visitor, comment: Comment, now: datetime.datetime | None = None) -> bool:
    """Only the author, only within the edit window, and only while it is shown."""
    if not is_network_member(user) or comment.author_id != user.pk:
        return False
    if comment.is_withdrawn or comment.is_hidden:
        return False
    return (now or timezone.now()) <= comment.editable_until()


def can_withdraw_comment(
    user: Visitor, comment: Comment, now: datetime.datetime | None = None
) -> bool:
    return can_edit_comment(user, comment, now)


def can_hide_comment(user: Visitor, comment: Comment | None = None) -> bool:
    return is_coordinator(user)


def can_view_all_overdue(user: Visitor) -> bool:
    """Coordinators see every overdue follow-up of the network on their start page."""
    return is_coordinator(user)


def can_edit_profile(user: Visitor) -> bool:
    return is_network_member(user)
