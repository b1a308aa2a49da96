"""Reads for the start page, the measure page and the digest: a fixed number of queries each."""

import datetime
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Count, Prefetch, Q, QuerySet
from django.shortcuts import get_object_or_404
from django.utils import timezone

from praevention.accounts.policy import Visitor
from praevention.measures.models import Measure
from praevention.measures.templatetags.datenstand import stale_figures
from praevention.meetings.models import Comment, Decision, FollowUp, FollowUpQuerySet, Meeting
from praevention.network.models import Department, Person

# How many rows the start page lists per box, and the task page (the rest is counted).
START_PAGE_LIMIT = 10
START_PAGE_OTHERS_LIMIT = 5
TASK_PAGE_LIMIT = 50


@dataclass
class Listing:
    """The first rows of a list of follow-ups and how many there are in all."""

    rows: list[FollowUp] = field(default_factory=list)
    total: int = 0

    @property
    def more(self) -> int:
        return self.total - len(self.rows)

    def __bool__(self) -> bool:
        return bool(self.rows)

    def __iter__(self) -> Iterator[FollowUp]:
        return iter(self.rows)


@dataclass
class Tasks:
    """A person's open follow-ups, split by urgency (`FollowUp.DUE_SOON_DAYS`), with counts
    of all of them (the lists may hold only the first ones)."""

    overdue: list[FollowUp] = field(default_factory=list)
    due: list[FollowUp] = field(default_factory=list)
    later: list[FollowUp] = field(default_factory=list)
    count: int = 0
    overdue_count: int = 0
    due_count: int = 0

    @property
    def more(self) -> int:
        return self.count - len(self.overdue) - len(self.due) - len(self.later)


def _listing(queryset: FollowUpQuerySet, limit: int | None) -> Listing:
    """The first `limit` rows (all without a limit) with their relations, and the count of
    all: two queries whatever the data, the count without joins (a window aggregate over
    the joined rows costs more)."""
    if not limit:
        rows = list(queryset.with_relations())
        return Listing(rows, len(rows))
    return Listing(list(queryset.with_relations()[:limit]), queryset.count())


def person_of(user: Visitor) -> Person | None:
    """The user's profile with its department (one query), or None."""
    if not user.is_authenticated:
        return None
    return Person.objects.select_related("department").filter(user=user).first()


def my_tasks(
    person: Person | None, today: datetime.date | None = None, limit: int | None = None
) -> Tasks:
    """The open follow-ups a person is responsible for: overdue, due within 7 days, later;
    the earliest `limit` of them (all without a limit) and the counts of all.

    One query (follow-ups with their measure, meeting, decision and department), and with a
    limit one more to count them all.
    """
    today = today or timezone.localdate()
    tasks = Tasks()
    if person is None:
        return tasks
    soon = today + datetime.timedelta(days=FollowUp.DUE_SOON_DAYS)
    mine = FollowUp.objects.open().for_person(person)
    rows = list(mine.with_relations()[:limit] if limit else mine.with_relations())
    if limit:
        counts = mine.aggregate(
            count=Count("pk"),
            overdue=Count("pk", filter=Q(due_on__lt=today)),
            due=Count("pk", filter=Q(due_on__gte=today, due_on__lte=soon)),
        )
        tasks.count, tasks.overdue_count, tasks.due_count = (
            counts["count"],
            counts["overdue"],
            counts["due"],
        )
    else:
        tasks.count = len(rows)
        tasks.overdue_count = sum(1 for f in rows if f.due_on < today)
        tasks.due_count = sum(1 for f in rows if today <= f.due_on <= soon)
    for follow_up in rows:
        if follow_up.due_on < today:
            tasks.overdue.append(follow_up)
        elif follow_up.due_on <= soon:
            tasks.due.append(follow_up)
        else:
            tasks.later.append(follow_up)
    return tasks


def department_open(person: Person | None, limit: int | None = None) -> Listing:
    """The open follow-ups of the person's department that others are responsible for.

    The earliest due `limit` rows (all without a limit) and the total; two queries.
    """
    if person is None:
        return Listing()
    return _listing(
        FollowUp.objects.open().for_department(person.department_id).exclude(responsible=person),
        limit,
    )


def all_overdue(today: datetime.date | None = None, limit: int | None = None) -> Listing:
    """The overdue follow-ups of the network (for coordinators), the oldest first; two
    queries."""
    return _listing(FollowUp.objects.overdue(today), limit)


def stale_counts(person: Person | None) -> tuple[int, int]:
    """(current entries not confirmed for 12 months, those led by the person's department).

    One aggregate query, cached per data version and day (`measures.templatetags.datenstand`).
    """
    figures = stale_figures(person.department_id if person else None)
    return figures["stale"], figures["own_stale"]


def measure_decisions(measure: Measure) -> list[Decision]:
    """The decisions about a measure, oldest meeting first, with their meetings; one query."""
    return list(
        Decision.objects.filter(measures=measure, is_archived=False, meeting__is_archived=False)
        .select_related("meeting")
        .order_by("meeting__starts_at", "pk")
    )


def measure_follow_ups(measure: Measure) -> list[FollowUp]:
    """The follow-ups about a measure, open ones first; one query."""
    return list(
        FollowUp.objects.active()
        .filter(measure=measure)
        .with_relations()
        .order_by("-status", "due_on", "pk")
    )


def measure_comments(measure: Measure) -> list[Comment]:
    """All comments on a measure, withdrawn and hidden ones included (the page says so)."""
    return list(Comment.objects.filter(measure=measure).with_authors())


def meeting_for_detail(queryset: QuerySet[Meeting], pk: int) -> Meeting:
    """A meeting with participants, decisions (with links) and follow-ups: five queries."""
    return get_object_or_404(
        queryset.select_related("created_by").prefetch_related(
            Prefetch(
                "participants",
                queryset=Person.objects.select_related("user", "department"),
            ),
            Prefetch(
                "decisions",
                queryset=Decision.objects.filter(is_archived=False).prefetch_related(
                    Prefetch("measures", queryset=Measure.objects.only("title")),
                    Prefetch("departments", queryset=Department.objects.all()),
                ),
            ),
            Prefetch(
                "follow_ups",
                queryset=FollowUp.objects.active().with_relations(),
            ),
        ),
        pk=pk,
    )


# How far back a calendar subscription shows meetings: recent minutes stay a click away.
CALENDAR_FEED_PAST = datetime.timedelta(days=90)


def calendar_feed(user: Any, now: datetime.datetime | None = None) -> tuple[list, list]:
    """(meetings, open follow-ups) of a person's calendar subscription; three queries.

    Meetings they take part in or created, from CALENDAR_FEED_PAST ago on (archived ones too:
    the feed shows them as cancelled), with participants; their open follow-ups.
    """
    now = now or timezone.now()
    person = Person.objects.filter(user=user).first()
    mine = Q(created_by=user)
    if person is not None:
        mine |= Q(participants=person)
    meetings = list(
        Meeting.objects.filter(mine, starts_at__gte=now - CALENDAR_FEED_PAST)
        .distinct()
        .order_by("starts_at")
        .prefetch_related(Prefetch("participants", Person.objects.select_related("user")))
    )
    follow_ups = (
        list(FollowUp.objects.open().for_person(person).order_by("due_on", "pk"))
        if person is not None
        else []
    )
    return meetings, follow_ups
