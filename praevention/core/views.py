from django.conf import settings
from django.contrib.auth.decorators import login_not_required
from django.core.exceptions import RequestDataTooBig, TooManyFieldsSent, TooManyFilesSent
from django.db import DatabaseError, connection
from django.http import JsonResponse
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET


@login_not_required
@never_cache
@require_GET
def healthz(request):
    """Liveness for the load balancer: says only whether the database answers."""
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except DatabaseError:
        return JsonResponse({"status": "error", "database": "unavailable"}, status=503)
    return JsonResponse({"status": "ok", "database": "ok"})


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
