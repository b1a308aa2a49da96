"""The weekly digest: one e-mail per person (German, plain text and HTML), once per ISO week.

What it holds (issue #16), for a person of department D:
1. their open follow-ups, overdue ones first;
2. D's measures changed by someone from another department since the person's last digest
   (or in the last 7 days before the first one);
3. D's measures whose end or funding ends within 3 months;
4. the measures led by D that nobody confirmed for 12 months (`Measure.is_stale`).

A person without anything to report gets no mail that week. Whoever switched the digest off
on their profile page (`DigestSetting`) gets none. The unique `DigestDelivery` row per person
and week makes a second run in the same week send nothing; it is written in the same
transaction as the mail is sent, so a failed send can be retried.
"""

import datetime
import logging
from dataclasses import dataclass, field

from dateutil.relativedelta import relativedelta
from django.core import signing
from django.db import IntegrityError, transaction
from django.db.models import Exists, OuterRef, Q
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation

from praevention.accounts.models import User
from praevention.core.mail import absolute_url, app_mail, site_url
from praevention.measures.models import Measure, Participation
from praevention.meetings import selectors
from praevention.meetings.models import DigestDelivery, DigestSetting

logger = logging.getLogger(__name__)

# "whose funding or end date comes within 3 months" (issue #16)
ENDING_WITHIN_MONTHS = 3
FIRST_DIGEST_LOOKBACK = datetime.timedelta(days=7)
# A mail lists this many open follow-ups at most (the earliest due) and counts the rest.
DIGEST_TASK_LIMIT = 50


@dataclass
class Digest:
    user: User
    since: datetime.datetime
    tasks: selectors.Tasks
    changed_by_others: list = field(default_factory=list)
    ending_soon: list = field(default_factory=list)
    to_confirm: list = field(default_factory=list)

    @property
    def is_empty(self):
        return not (
            self.tasks.count or self.changed_by_others or self.ending_soon or self.to_confirm
        )


def week_start(day: datetime.date) -> datetime.date:
    """The Monday of the ISO week of `day`: the digest's once-per-week key."""
    return day - datetime.timedelta(days=day.weekday())


def recipients():
    """Active network members with a profile and an e-mail address who did not opt out."""
    opted_out = DigestSetting.objects.filter(user=OuterRef("pk"), weekly_digest=False)
    return (
        User.objects.filter(is_active=True, person__isnull=False)
        .exclude(email="")
        .filter(Q(groups__isnull=False) | Q(is_superuser=True))
        .exclude(Exists(opted_out))
        .select_related("person__department")
        .distinct()
        .order_by("pk")
    )


def _department_measures(department_id):
    return Measure.objects.active().for_department(department_id)


def build_digest(user, now=None) -> Digest:
    """Everything one person's digest says; five queries."""
    now = now or timezone.now()
    today = timezone.localdate(now)
    person = user.person
    department_id = person.department_id
    last = (
        DigestDelivery.objects.filter(user=user, sent_at__lt=now)
        .order_by("-sent_at")
        .values_list("sent_at", flat=True)
        .first()
    )
    since = last or now - FIRST_DIGEST_LOOKBACK
    mine = _department_measures(department_id)

    changes = (
        Measure.history.filter(history_date__gt=since, history_date__lte=now)
        .exclude(history_user=None)
        .exclude(history_user__person__department_id=department_id)
        .filter(id=OuterRef("pk"))
    )
    changed_by_others = list(mine.filter(Exists(changes)).only("title").order_by("title"))

    until = today + relativedelta(months=ENDING_WITHIN_MONTHS)
    ending_soon = list(
        mine.ending_between(today, until)
        .only("title", "end_date", "funding_ends_on")
        .order_by("title")
    )
    to_confirm = list(
        Measure.objects.active()
        .for_department(department_id, Participation.Role.LEAD)
        .stale(now)
        .only("title", "confirmed_at")
        .order_by("confirmed_at")
    )
    return Digest(
        user=user,
        since=since,
        tasks=selectors.my_tasks(person, today, limit=DIGEST_TASK_LIMIT),
        changed_by_others=changed_by_others,
        ending_soon=ending_soon,
        to_confirm=to_confirm,
    )


UNSUBSCRIBE_SALT = "praevention.meetings.digest.unsubscribe"


def unsubscribe_token(user) -> str:
    """A signed token naming `user` (SECRET_KEY, salted for this use only) for the one-click
    unsubscribe address of their digest; it does not expire, as a mail may be read late."""
    return signing.dumps(user.pk, salt=UNSUBSCRIBE_SALT)


def user_for_unsubscribe_token(token: str) -> User | None:
    """The active user a token from `unsubscribe_token` names, or None for any other text."""
    try:
        pk = signing.loads(token, salt=UNSUBSCRIBE_SALT)
    except signing.BadSignature:
        return None
    return User.objects.filter(pk=pk, is_active=True).first() if isinstance(pk, int) else None


def unsubscribe_url(user) -> str:
    """The absolute one-click unsubscribe address of `user`'s digest (on SITE_URL)."""
    return absolute_url(reverse("meetings:unsubscribe", args=[unsubscribe_token(user)]))


def unsubscribe(user) -> None:
    """Switch `user`'s weekly digest off (as on the profile page), recorded as their change."""
    setting = DigestSetting.objects.filter(user=user).first() or DigestSetting(user=user)
    if setting.pk is None or setting.weekly_digest:
        setting.weekly_digest = False
        setting._history_user = user
        setting.save()


def render_digest(digest: Digest):
    """(subject, plain text, HTML), always in German: the network's working language."""
    context = {
        "digest": digest,
        "site_url": site_url(),
        "unsubscribe_url": unsubscribe_url(digest.user),
    }
    with translation.override("de"):
        subject = " ".join(render_to_string("meetings/email/digest_subject.txt", context).split())
        text = render_to_string("meetings/email/digest.txt", context)
        html = render_to_string("meetings/email/digest.html", context)
    return subject, text, html


def send_weekly_digests(now=None, dry_run=False):
    """Send this week's digest to every recipient who has not had it; returns counts.

    {"sent": n, "already": n (had it this week), "empty": n (nothing to report)}.
    """
    now = now or timezone.now()
    week = week_start(timezone.localdate(now))
    counts = {"sent": 0, "already": 0, "empty": 0}
    already = set(DigestDelivery.objects.filter(week_start=week).values_list("user_id", flat=True))
    for user in recipients():
        if user.pk in already:
            counts["already"] += 1
            continue
        digest = build_digest(user, now)
        if digest.is_empty:
            counts["empty"] += 1
            continue
        if dry_run:
            counts["sent"] += 1
            continue
        subject, text, html = render_digest(digest)
        try:
            with transaction.atomic():
                DigestDelivery.objects.create(user=user, week_start=week, sent_at=now)
                app_mail(
                    subject,
                    text,
                    to=[user.email],
                    html=html,
                    unsubscribe_url=unsubscribe_url(user),
                ).send()
        except IntegrityError:
            # Another run sent it a moment ago.
            counts["already"] += 1
            continue
        counts["sent"] += 1
    logger.info("weekly digest for week of %s: %s", week, counts)
    return counts
