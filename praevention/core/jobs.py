"""Downloads that cannot be streamed, made in the background: queued, progress, file.

A view calls `start(...)`, which takes a download slot, stores an `ExportJob` and enqueues
`make_export` through Django's tasks framework (the database backend; the worker is
`python manage.py db_worker`). The job's page (`core.views.export_job`) shows the progress
that the exporter reports through `advance` and, when the file is ready, a download link.
"""

import contextvars
import importlib
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import timedelta
from importlib.util import find_spec

from django.conf import settings
from django.contrib.auth.base_user import AbstractBaseUser
from django.http import QueryDict
from django.utils import timezone

from praevention.core import downloads, exporters
from praevention.core.exporters import Exporter
from praevention.core.models import ExportJob

# Django 6 ships the tasks framework; on Django 5.2 the django-tasks backport provides it.
task = importlib.import_module("django.tasks" if find_spec("django.tasks") else "django_tasks").task

# A background job lives this long; older ones are removed when the next one starts.
KEEP_SECONDS = 24 * 60 * 60
# How often the progress is written: every this many rows.
PROGRESS_STEP = 500

_progress: contextvars.ContextVar[Callable[[int], None] | None] = contextvars.ContextVar(
    "export_progress", default=None
)


def advance(rows: int) -> None:
    """An exporter reports `rows` more rows done; outside a background job nothing happens."""
    report = _progress.get()
    if report is not None:
        report(rows)


@contextmanager
def _reporting(job: ExportJob) -> Iterator[None]:
    written = 0

    def report(rows: int) -> None:
        nonlocal written
        job.done += rows
        if job.done - written >= PROGRESS_STEP:
            ExportJob.objects.filter(pk=job.pk).update(done=job.done)
            written = job.done

    token = _progress.set(report)
    try:
        yield
    finally:
        _progress.reset(token)


def start(
    user: AbstractBaseUser,
    exporter: Exporter,
    params: QueryDict,
    *,
    filename: str,
    total: int | None,
) -> ExportJob | None:
    """Queue `exporter` over `params` for `user`; None when all their slots are taken.

    `total`: the rows the file will have, for the progress bar (None when unknown).
    """
    slot = downloads.acquire(user, exporter, seconds=settings.DOWNLOAD_SLOT_SECONDS * 3)
    if slot is None:
        return None
    cutoff = timezone.now() - timedelta(seconds=KEEP_SECONDS)
    ExportJob.objects.filter(created_at__lt=cutoff).delete()
    job = ExportJob.objects.create(
        user_id=user.pk,
        exporter=exporter.key,
        params=params.urlencode(),
        filename=filename,
        total=total,
        slot=slot,
    )
    make_export.enqueue(str(job.pk))
    return job


@task()
def make_export(job_id: str) -> None:
    """Make the job's file; the slot is freed whatever happens."""
    job = ExportJob.objects.select_related("user", "slot").get(pk=job_id)
    exporter = exporters.get(job.exporter)
    ExportJob.objects.filter(pk=job.pk).update(status=ExportJob.Status.RUNNING)
    try:
        if not exporter.allowed(job.user) or exporter.select is None:
            raise PermissionError(job.exporter)
        subject = exporter.select(QueryDict(job.params))
        with _reporting(job):
            content = exporter.render(subject)
        if not isinstance(content, bytes):
            content = b"".join(c.encode() if isinstance(c, str) else c for c in content)
        job.content = content
        job.status = ExportJob.Status.DONE
    except Exception:
        job.status = ExportJob.Status.FAILED
        raise
    finally:
        job.finished_at = timezone.now()
        job.save(update_fields=["content", "status", "done", "finished_at"])
        if job.slot is not None:
            downloads.release(job.slot)
