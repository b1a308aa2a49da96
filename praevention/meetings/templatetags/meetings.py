"""Parts of other apps' pages that show the network's collaboration (issue #16).

The start page and the measure page include these with one line each, so their views stay
as they are; each part runs a fixed number of queries.
"""

from django import template
from django.utils import timezone

from praevention.meetings import policy, selectors
from praevention.meetings.forms import CommentForm

register = template.Library()


@register.inclusion_tag("meetings/_start_panel.html", takes_context=True)
def start_panel(context):
    """Meine Aufgaben, my department's open follow-ups, for coordinators every overdue one,
    and the entries not confirmed for 12 months. Four queries."""
    request = context["request"]
    user = request.user
    person = selectors.person_of(user)
    stale_total, stale_own = selectors.stale_counts(person)
    return {
        "request": request,
        "csrf_token": context.get("csrf_token"),
        "person": person,
        "tasks": selectors.my_tasks(person, limit=selectors.START_PAGE_LIMIT),
        "department_open": selectors.department_open(
            person, limit=selectors.START_PAGE_OTHERS_LIMIT
        ),
        "all_overdue": (
            selectors.all_overdue(limit=selectors.START_PAGE_OTHERS_LIMIT)
            if policy.can_view_all_overdue(user)
            else None
        ),
        "stale_total": stale_total,
        "stale_own": stale_own,
        "today": timezone.localdate(),
    }


@register.inclusion_tag("meetings/_measure_collaboration.html", takes_context=True)
def measure_collaboration(context, measure):
    """A measure's decisions, follow-ups and comments, with the comment form. Three queries."""
    request = context["request"]
    user = request.user
    now = timezone.now()
    comments = [
        {
            "comment": comment,
            "can_edit": policy.can_edit_comment(user, comment, now),
            "can_hide": policy.can_hide_comment(user, comment),
        }
        for comment in selectors.measure_comments(measure)
    ]
    return {
        "request": request,
        "csrf_token": context.get("csrf_token"),
        "measure": measure,
        "decisions": selectors.measure_decisions(measure),
        "follow_ups": [
            (f, policy.can_change_follow_up(user, f)) for f in selectors.measure_follow_ups(measure)
        ],
        "comments": comments,
        "comment_form": CommentForm(prefix="comment")
        if policy.can_comment(user, measure)
        else None,
        "today": timezone.localdate(),
    }
