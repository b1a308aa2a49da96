"""The scheduled jobs and when they are due: the one table the scheduler runs.

`manage.py run_scheduler` (the `scheduler` service of docker-compose.yml) looks at `JOBS`
once a minute and runs each due job's management command (`call_command`, in the scheduler's
process), one after the other. A row whose command does not exist in this version (another
branch adds it) is skipped with a note at start, so the table can name a job before its
command lands.

Every job must be safe to run again (idempotent): the scheduler keeps no state across
restarts, so a restart within a job's hours runs it once more, and a day or week the
scheduler was down is caught up by the next run in the job's hours.
"""

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta


@dataclass(frozen=True)
class Job:
    """One scheduled management command.

    `command`: the name for `manage.py` (no arguments). `every`: the shortest time between
    two starts. `hours`: local hours (Europe/Berlin, 0–23) in which it may start.
    """

    command: str
    every: timedelta
    hours: range
    why: str


JOBS: tuple[Job, ...] = (
    Job(
        "send_digest",
        every=timedelta(hours=1),
        hours=range(7, 19),
        why=(
            "weekly digest: each person gets at most one per ISO week, so hourly runs in "
            "office hours send it on Monday from 07:00 and catch up after a pause"
        ),
    ),
    Job(
        "apply_retention",
        every=timedelta(days=1),
        hours=range(3, 4),
        why="deletes personal data past its retention period (issue #28), at night",
    ),
    # The reminders of the yearly round (issue #23) join here once their command exists.
)


def available(jobs: Iterable[Job], commands: Iterable[str]) -> tuple[list[Job], list[Job]]:
    """Split `jobs` into those whose command is among `commands` (names as
    `django.core.management.get_commands()` lists them) and those whose command is missing."""
    names = set(commands)
    jobs = list(jobs)
    return [j for j in jobs if j.command in names], [j for j in jobs if j.command not in names]


def due(jobs: Iterable[Job], now: datetime, last_started: dict[str, datetime]) -> list[Job]:
    """The jobs that should start at local time `now`: inside their hours and never started
    (by this scheduler process) or last started at least `every` ago. In table order."""
    return [
        job
        for job in jobs
        if now.hour in job.hours
        and (job.command not in last_started or now - last_started[job.command] >= job.every)
    ]
