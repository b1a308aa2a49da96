import contextlib
import threading

from django.conf import settings
from django.contrib.auth.decorators import login_not_required
from django.core.exceptions import (
    PermissionDenied,
    RequestDataTooBig,
    TooManyFieldsSent,
    TooManyFilesSent,
)
from django.db import DEFAULT_DB_ALIAS, DatabaseError, connections
from django.http import Http404, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, render
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from praevention.core import exporters
from praevention.core.models import ExportJob

# The check still running from an earlier request (a frozen database): not started twice.
_running_check = None
_check_lock = threading.Lock()


def _database_answers():
    """SELECT 1 over a new connection of its own (with the connect timeout of the settings),
    closed afterwards; True when the database answered."""
    database = connections.create_connection(DEFAULT_DB_ALIAS)
    try:
        with database.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
        return True
    except DatabaseError:
        return False
    finally:
        with contextlib.suppress(DatabaseError):
            database.close()


@login_not_required
@never_cache
@require_GET
def healthz(request):
    """Liveness for the load balancer: says only whether the database answers.

    Answers within `settings.HEALTHZ_TIMEOUT_S` (default 3 s) whatever the database does:
    the check runs in a thread on a connection of its own, and a database that does not
    answer in time is reported as unavailable (503) instead of blocking the worker (issue
    #12, fault 8). While an earlier check still hangs, no second one is started.
    """
    global _running_check
    with _check_lock:
        if _running_check is not None and _running_check.thread.is_alive():
            check = None
        else:
            check = _running_check = _Check()
    if check is None or not check.wait(settings.HEALTHZ_TIMEOUT_S):
        return JsonResponse({"status": "error", "database": "unavailable"}, status=503)
    return JsonResponse({"status": "ok", "database": "ok"})


class _Check:
    def __init__(self):
        self.ok = False
        self.thread = threading.Thread(target=self._run, name="healthz", daemon=True)
        self.thread.start()

    def _run(self):
        self.ok = _database_answers()

    def wait(self, timeout):
        self.thread.join(timeout)
        return not self.thread.is_alive() and self.ok


def bad_request(request, exception=None):
    """The German 400 page, saying plainly when a request was too large."""
    message = _("Die Anfrage konnte nicht verarbeitet werden. Bitte prüfen Sie Ihre Eingaben.")
    if isinstance(exception, RequestDataTooBig):
        limit = settings.DATA_UPLOAD_MAX_MEMORY_SIZE / 1024 / 1024
        message = _(
            "Die gesendeten Daten sind zu groß (höchstens %(limit).1f MB). "
            "Bitte kürzen Sie die Texte oder laden Sie kleinere Dateien hoch."
        ) % {"limit": limit}
    elif isinstance(exception, (TooManyFieldsSent, TooManyFilesSent)):
        message = _("Die Anfrage enthält zu viele Felder oder Dateien.")
    return render(request, "400.html", {"message": message}, status=400)


def _own_job(request, pk):
    """The user's own background download; anyone else's is a 404, not a 403 (its id says
    nothing to them)."""
    job = get_object_or_404(ExportJob.objects.defer("content"), pk=pk, user_id=request.user.pk)
    if not exporters.get(job.exporter).allowed(request.user):
        raise PermissionDenied(_("Dafür fehlt Ihnen die Berechtigung."))
    return job


@require_GET
def export_job(request, pk):
    """A background download's progress; the page reloads itself until the file is ready."""
    job = _own_job(request, pk)
    return render(
        request,
        "core/export_job.html",
        {"job": job, "exporter": exporters.get(job.exporter), "Status": ExportJob.Status},
    )


@require_GET
def export_job_file(request, pk):
    """The finished file of a background download; 404 until it is ready."""
    job = _own_job(request, pk)
    if job.status != ExportJob.Status.DONE:
        raise Http404
    content = ExportJob.objects.values_list("content", flat=True).get(pk=job.pk)
    exporter = exporters.get(job.exporter)
    response = HttpResponse(bytes(content), content_type=exporter.content_type)
    response["Content-Disposition"] = f'attachment; filename="{job.filename}.{exporter.extension}"'
    return response


def _statement_context():
    """The district's statement texts (`settings.STATEMENTS`), with the known limitations
    as a list and the date of the last check as a date."""
    import datetime

    statements = dict(settings.STATEMENTS)
    try:
        checked_on = datetime.date.fromisoformat(statements["accessibility_checked_on"])
    except (TypeError, ValueError):
        checked_on = None
    extra = [
        line.strip()
        for line in (statements.get("accessibility_limitations") or "").splitlines()
        if line.strip()
    ]
    return {"statements": statements, "checked_on": checked_on, "extra_limitations": extra}


@login_not_required
@require_GET
def accessibility(request):
    """Erklärung zur Barrierefreiheit (BIKTG Bln, BITV 2.0), following Berlin's model:
    conformance status, known limitations, the last check, feedback contact, enforcement and
    arbitration. Public: every public body publishes it for its web applications."""
    return render(request, "core/accessibility.html", _statement_context())


@login_not_required
@require_GET
def privacy(request):
    """Datenschutzhinweise for the staff whose names and contacts the app stores (Art. 13
    DSGVO): what is stored, why, how long, who to ask. Public, so it can be read before the
    first login."""
    return render(request, "core/privacy.html", _statement_context())
