"""Export of the filtered measure list (every member) and import of measures (coordinators)."""

import base64
import hashlib
import json

from django.contrib import messages
from django.http import Http404, HttpResponse, JsonResponse, StreamingHttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt, csrf_protect
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from praevention.exchange import exporting, importing
from praevention.exchange.columns import COLUMNS
from praevention.exchange.forms import ImportUploadForm, SizeLimitHandler, too_big_message
from praevention.exchange.reading import FileRejected, read_table
from praevention.measures import policy
from praevention.measures.filters import MeasureFilter

SESSION_KEY = "exchange_import"
MAX_SHOWN_ERRORS = 500
XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _attachment(response, extension):
    name = f"massnahmen-{timezone.localdate():%Y-%m-%d}.{extension}"
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


@require_GET
def export(request, fmt):
    """The list's filters decide what is exported: the same measures, all pages of them."""
    if fmt not in ("csv", "xlsx", "json"):
        raise Http404
    policy.require(policy.is_network_member(request.user))
    filterset = MeasureFilter(request.GET, queryset=MeasureFilter.base_queryset().with_relations())
    if filterset.errors:
        return HttpResponse(
            _("Die Filter sind ungültig; bitte in der Liste prüfen."),
            status=400,
            content_type="text/plain; charset=utf-8",
        )
    measures = list(filterset.qs)
    if fmt == "csv":
        response = StreamingHttpResponse(
            exporting.csv_lines(measures), content_type="text/csv; charset=utf-8"
        )
    elif fmt == "xlsx":
        response = HttpResponse(exporting.xlsx_bytes(measures), content_type=XLSX_TYPE)
    else:
        response = JsonResponse(
            exporting.hsds_document(measures),
            json_dumps_params={"ensure_ascii": False, "indent": 2},
        )
    return _attachment(response, fmt)


def _render_form(request, form, status=200, error=None):
    return render(
        request,
        "exchange/import_form.html",
        {"nav": "import", "form": form, "file_error": error, "columns": COLUMNS},
        status=status,
    )


def _render_preview(request, plan, filename, status=200, token=None, warning=None):
    errors = plan.errors
    return render(
        request,
        "exchange/import_preview.html",
        {
            "nav": "import",
            "plan": plan,
            "filename": filename,
            "errors": errors[:MAX_SHOWN_ERRORS],
            "hidden_errors": max(0, len(errors) - MAX_SHOWN_ERRORS),
            "error_rows": len({e.row for e in errors}),
            "token": token,
            "warning": warning,
            "form": ImportUploadForm(),
        },
        status=status,
    )


@csrf_exempt
@require_http_methods(["GET", "POST"])
def import_upload(request):
    """Upload and check a file. CSRF is checked below, once the size guard is in place."""
    policy.require(policy.can_import(request.user))
    guard = SizeLimitHandler(request)
    if request.method == "POST":
        request.upload_handlers.insert(0, guard)
    return _import_upload(request, guard)


@csrf_protect
def _import_upload(request, guard):
    if request.method == "GET":
        # Back at the form, a previewed file is abandoned: it need not wait in the session.
        request.session.pop(SESSION_KEY, None)
        return _render_form(request, ImportUploadForm())
    form = ImportUploadForm(request.POST, request.FILES)
    if guard.too_big:
        return _render_form(request, ImportUploadForm(), status=413, error=too_big_message())
    if not form.is_valid():
        status = 413 if form.has_error("file", "too_big") else 400
        return _render_form(request, form, status=status)
    upload = form.cleaned_data["file"]
    data = upload.read()
    try:
        plan = importing.plan_import(read_table(upload.name, data))
    except FileRejected as rejected:
        return _render_form(
            request, ImportUploadForm(), status=rejected.status, error=rejected.message
        )
    if plan.errors:
        request.session.pop(SESSION_KEY, None)
        return _render_preview(request, plan, upload.name, status=400)
    token = hashlib.sha256(data).hexdigest()
    # The checked file waits in the session (its size is capped), so confirming saves
    # exactly what the preview showed, without a second upload.
    request.session[SESSION_KEY] = {
        "name": upload.name,
        "sha256": token,
        "data": base64.b64encode(data).decode("ascii"),
        "signature": json.dumps(plan.signature()),
    }
    return _render_preview(request, plan, upload.name, token=token)


@require_POST
def import_confirm(request):
    """Re-read and re-check the previewed file, then save all rows in one transaction."""
    policy.require(policy.can_import(request.user))
    stored = request.session.get(SESSION_KEY)
    if not stored or stored.get("sha256") != request.POST.get("token"):
        return _render_form(
            request,
            ImportUploadForm(),
            status=409,
            error=_(
                "Diese Vorschau ist nicht mehr aktuell (abgelaufen oder in einem anderen "
                "Fenster ersetzt). Bitte die Datei erneut hochladen."
            ),
        )
    data = base64.b64decode(stored["data"])
    name = stored["name"]
    try:
        plan = importing.plan_import(read_table(name, data))
    except FileRejected as rejected:
        request.session.pop(SESSION_KEY, None)
        return _render_form(
            request, ImportUploadForm(), status=rejected.status, error=rejected.message
        )
    if plan.errors:
        request.session.pop(SESSION_KEY, None)
        return _render_preview(request, plan, name, status=400)
    signature = json.dumps(plan.signature())
    if signature != stored["signature"]:
        request.session[SESSION_KEY] = {**stored, "signature": signature}
        return _render_preview(
            request,
            plan,
            name,
            status=409,
            token=stored["sha256"],
            warning=_(
                "Seit der Vorschau wurden Maßnahmen geändert. Bitte prüfen Sie die "
                "aktualisierte Vorschau und bestätigen Sie erneut."
            ),
        )
    try:
        importing.run_import(plan, by=request.user, filename=name)
    except importing.ImportFailed as failed:
        request.session.pop(SESSION_KEY, None)
        plan.errors = failed.errors
        return _render_preview(request, plan, name, status=409)
    request.session.pop(SESSION_KEY, None)
    messages.success(
        request,
        _(
            "Import von „%(name)s“ abgeschlossen: %(created)s neu angelegt, %(updated)s "
            "aktualisiert, %(unchanged)s unverändert."
        )
        % {
            "name": name,
            "created": plan.created,
            "updated": plan.updated,
            "unchanged": plan.unchanged,
        },
    )
    return redirect("measures:list")
