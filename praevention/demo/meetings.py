"""Demo core-team meetings for `manage.py seed_demo`, from `demo_meetings.json`.

Loaded through the same services as users' edits (STYLE.md habit 15). Idempotent: a meeting
that exists (same title) is left as it is, so a second run adds no row, not even history.
"""

import datetime
import json
from pathlib import Path

from django.db import transaction
from django.utils import timezone

from praevention.accounts.models import User
from praevention.measures.models import Measure, stale_cutoff
from praevention.meetings import services
from praevention.meetings.models import FollowUp, Meeting
from praevention.network.models import Department, Person

DATA_FILE = Path(__file__).with_name("data") / "demo_meetings.json"


def _local(day, hhmm):
    hour, minute = (int(part) for part in hhmm.split(":"))
    naive = datetime.datetime.combine(day, datetime.time(hour, minute))
    return timezone.make_aware(naive)


@transaction.atomic
def seed_demo_meetings(today: datetime.date | None = None, data_file: Path = DATA_FILE) -> int:
    """Create the demo meetings with their decisions and follow-ups; returns how many were new.

    Needs the demo persons, departments and measures of seed_demo. Dates are relative to
    `today` (default: the local date), so the demo always has past meetings, overdue and
    upcoming follow-ups.
    """
    today = today or timezone.localdate()
    data = json.loads(data_file.read_text(encoding="utf-8"))
    persons = {p.user.email: p for p in Person.objects.select_related("user", "department")}
    departments = {d.short_name: d for d in Department.objects.all()}
    measures = {m.title: m for m in Measure.objects.only("title")}
    created = 0
    for spec in data["meetings"]:
        if Meeting.objects.filter(title=spec["title"]).exists():
            continue
        by = User.objects.filter(email=spec["created_by"]).first()
        starts = _local(today + datetime.timedelta(days=spec["days"]), spec["time"])
        meeting = Meeting(
            title=spec["title"],
            starts_at=starts,
            ends_at=starts + datetime.timedelta(minutes=spec["duration_minutes"]),
            place=spec["place"],
            online_link=spec["online_link"],
            agenda="\n".join(spec["agenda"]),
            notes=spec["notes"],
        )
        services.meeting_save(
            meeting=meeting,
            participants=[persons[email] for email in spec["participants"]],
            by=by,
        )
        decisions = {}
        for item in spec["decisions"]:
            decisions[item["key"]] = services.decision_create(
                meeting=meeting,
                text=item["text"],
                measures=[measures[title] for title in item["measures"]],
                departments=[departments[short] for short in item["departments"]],
                by=by,
            )
        for item in spec["follow_ups"]:
            responsible = persons[item["responsible"]]
            follow_up = services.follow_up_create(
                follow_up=FollowUp(
                    title=item["title"],
                    responsible=responsible,
                    department=responsible.department,
                    due_on=today + datetime.timedelta(days=item["due_days"]),
                    meeting=meeting,
                    decision=decisions.get(item["decision"]) if item["decision"] else None,
                    measure=measures.get(item["measure"]) if item["measure"] else None,
                ),
                by=by,
            )
            if item["done"]:
                services.follow_up_set_done(follow_up=follow_up, done=True, by=responsible.user)
        created += 1
    for item in data.get("stale_measures", []):
        # Only entries that are not stale yet: a second run changes nothing.
        Measure.objects.filter(title=item["title"], confirmed_at__gte=stale_cutoff()).update(
            confirmed_at=timezone.now() + datetime.timedelta(days=item["confirmed_days"])
        )
    return created
