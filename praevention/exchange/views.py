"""Export of the filtered measure list (every member) and import of measures (coordinators)."""

import base64
import hashlib
import json

from django.conf import settings
from django.contrib import messages
from django.core.cache import cache
from django.db.models import Count, Max
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils import formats, timezone
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt, csrf_protect
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from praevention.accounts.policy import require
from praevention.core import downloads, exporters, jobs
from praevention.core.dataversion import current_token
from praevention.core.exporters import InvalidSelection
from praevention.core.text import match_key
from praevention.exchange import exporting, importing, policy
from praevention.exchange.columns import (
    BY_KEY,
    COLUMNS,
    IMPORT_ONLY,
    Catalog,
    as_text,
    has_several,
    known_header_keys,
    suggest_columns,
)
from praevention.exchange.forms import ImportUploadForm, SizeLimitHandler, too_big_message
from praevention.exchange.models import ColumnMapping, ValueMapping, headers_key
from praevention.exchange.reading import FileRejected, read_table

SESSION_KEY = "exchange_import"
MAX_SHOWN_ERRORS = 500
# The preview lists this many rows; the counts above it cover all.
MAX_SHOWN_ROWS = 500
# "Unbekannte Werte": at most this many values with their choices (issue #28: one file's
# table had 45,000 rows, 77 MB of HTML); the rest are counted and come after a new check.
MAX_SHOWN_UNKNOWN = 100
TABLE_CACHE_SECONDS = 30 * 60


def _filename():
    return f"massnahmen-{timezone.localdate():%Y-%m-%d}"


@require_GET
def export(request, fmt):
    """The list's filters decide what is exported: the same measures, all pages of them.

    CSV and JSON stream; an XLSX of more than EXPORT_XLSX_DIRECT_MAX measures is made in the
    background (`core.jobs`) and the user follows its progress. Each takes one of the user's
    download slots (`core.downloads`): one too many is a German 429.
    """
    exporter = exporters.find(f"measures.{fmt}")
    if exporter is None or fmt == "template":
        raise Http404
    require(policy.can_export(request.user))
    try:
        measures = exporting.select_measures(request.GET)
    except InvalidSelection as error:
        return HttpResponse(str(error), status=400, content_type="text/plain; charset=utf-8")
    if fmt == "xlsx" and (total := measures.count()) > settings.EXPORT_XLSX_DIRECT_MAX:
        job = jobs.start(request.user, exporter, request.GET, filename=_filename(), total=total)
        return downloads.too_many() if job is None else redirect(job)
    return downloads.download(request.user, exporter, measures, filename=_filename())


def _render_form(request, form, status=200, error=None):
    return render(
        request,
        "exchange/import_form.html",
        {
            "nav": "import",
            "form": form,
            "file_error": error,
            "columns": [c for c in COLUMNS if c.key != "version"],
        },
        status=status,
    )


def _stale_session(request):
    return _render_form(
        request,
        ImportUploadForm(),
        status=409,
        error=_(
            "Diese Vorschau ist nicht mehr aktuell (abgelaufen oder in einem anderen "
            "Fenster ersetzt). Bitte die Datei erneut hochladen."
        ),
    )


def _stored(request):
    """The file being imported, as the session keeps it between preview and confirmation."""
    stored = request.session.get(SESSION_KEY)
    if not stored or stored.get("sha256") != request.POST.get("token", request.GET.get("token")):
        return None
    return stored


def _read(stored):
    """The stored file as a Table. Preview and confirmation read the same bytes, so the
    table is cached by the file's hash for half an hour: confirming a 5,000-row XLSX skips
    the second read (a worker without it in its cache simply reads again)."""
    key = f"exchange:table:{stored['sha256']}:{stored.get('sheet') or ''}"
    table = cache.get(key)
    if table is None:
        table = read_table(
            stored["name"],
            base64.b64decode(stored["data"]),
            sheet=stored.get("sheet"),
            known_headers=known_header_keys(),
        )
        cache.set(key, table, TABLE_CACHE_SECONDS)
    return table


def _render_mapping(request, stored, table, suggestions=None, status=200, error=None):
    if suggestions is None:
        suggestions = [
            (BY_KEY.get(key) if key else None, False) for key in stored.get("mapping") or []
        ] or suggest_columns(table.headers)
    samples = {}
    for _number, cells in table.rows[:3]:
        for position, cell in enumerate(cells):
            # Numbers as the user's Excel shows them: "12,5", not "12.5".
            if isinstance(cell, float) and not cell.is_integer():
                text = formats.number_format(cell, force_grouping=True)
            else:
                text = as_text(cell).strip()
            if text:
                samples.setdefault(position, []).append(text[:40])
    rows = [
        {
            "position": position,
            "header": header,
            "column": column,
            "certain": certain,
            "samples": samples.get(position, []),
        }
        for position, (header, (column, certain)) in enumerate(
            zip(table.headers, suggestions, strict=False)
        )
    ]
    return render(
        request,
        "exchange/import_mapping.html",
        {
            "nav": "import",
            "filename": stored["name"],
            "table": table,
            "rows": rows,
            "choices": [c for c in COLUMNS if c.key != "version"]
            + IMPORT_ONLY
            + [BY_KEY["version"]],
            "token": stored["sha256"],
            "error": error,
        },
        status=status,
    )


def _render_preview(request, plan, stored, table, status=200, warning=None):
    errors = plan.errors
    shown = plan.rows[:MAX_SHOWN_ROWS]
    return render(
        request,
        "exchange/import_preview.html",
        {
            "nav": "import",
            "plan": plan,
            "table": table,
            "filename": stored["name"],
            "unknown": plan.unknown[:MAX_SHOWN_UNKNOWN],
            "hidden_unknown": max(0, len(plan.unknown) - MAX_SHOWN_UNKNOWN),
            "errors": errors[:MAX_SHOWN_ERRORS],
            "hidden_errors": max(0, len(errors) - MAX_SHOWN_ERRORS),
            "error_rows": len({e.row for e in errors}),
            "shown_rows": shown,
            "hidden_rows": max(0, len(plan.rows) - len(shown)),
            "token": stored["sha256"],
            "warning": warning,
            "mapped": stored.get("mapping") != importing.exact_mapping(table.headers),
            "form": ImportUploadForm(),
        },
        status=status,
    )


def _plan_key(request, stored):
    """What a plan depends on: the file, sheet, mapping and merge bases, the user, the data
    version (renewed by every write to the project's tables, `core.dataversion`) and the confirmed
    value mappings. None when there is no data version yet (then nothing is cached)."""
    token = current_token()
    if not token:
        return None
    mappings = ValueMapping.objects.aggregate(count=Count("pk"), last=Max("updated_at"))
    parts = [
        stored["sha256"],
        stored.get("sheet"),
        stored.get("mapping"),
        stored.get("base_versions"),
        request.user.pk,
        token,
        mappings["count"],
        str(mappings["last"]),
    ]
    digest = hashlib.sha256(json.dumps(parts, sort_keys=True).encode()).hexdigest()
    return f"exchange:plan:{digest}"


def _plan(request, stored, table):
    """The import plan; the preview's plan again when nothing it depends on has changed, so
    confirming a 5,000-row file does not check every row a second time."""
    key = _plan_key(request, stored)
    plan = cache.get(key) if key else None
    if plan is None:
        plan = importing.plan_import(
            table,
            stored["mapping"],
            by=request.user,
            base_versions=stored.get("base_versions"),
        )
    return plan


def _remember_plan(request, stored, plan):
    """Keep an error-free plan for the confirmation (key computed with the final merge bases:
    a plan whose rows were based on the versions it saw is the same plan with those bases)."""
    key = _plan_key(request, stored)
    if key and not plan.errors:
        cache.set(key, plan, TABLE_CACHE_SECONDS)


def _preview(request, stored, table):
    """Plan the stored file with its mapping and show the preview (or the errors)."""
    try:
        plan = _plan(request, stored, table)
    except FileRejected as rejected:
        return _render_mapping(
            request, stored, table, status=rejected.status, error=rejected.message
        )
    if not plan.errors:
        # The base of later merges: what this first error-free preview showed.
        stored.setdefault("base_versions", plan.base_versions())
        stored["signature"] = json.dumps(plan.signature())
        _remember_plan(request, stored, plan)
    request.session[SESSION_KEY] = stored
    return _render_preview(request, plan, stored, table, status=400 if plan.errors else 200)


def _mapping_for(table, stored):
    """The file's mapping without asking, or None: the export's headers, or a set of headers
    whose mapping a coordinator confirmed before."""
    exact = importing.exact_mapping(table.headers)
    if exact is not None:
        return exact
    remembered = ColumnMapping.objects.filter(headers_key=headers_key(table.headers)).first()
    if remembered is not None and len(remembered.fields) == len(table.headers):
        return remembered.fields
    return None


def _start(request, stored):
    """Read the stored file; map it (or ask how) and show the preview."""
    try:
        table = _read(stored)
    except FileRejected as rejected:
        request.session.pop(SESSION_KEY, None)
        return _render_form(
            request, ImportUploadForm(), status=rejected.status, error=rejected.message
        )
    mapping = _mapping_for(table, stored)
    if mapping is None:
        stored["mapping"] = None
        request.session[SESSION_KEY] = stored
        return _render_mapping(request, stored, table)
    stored["mapping"] = mapping
    return _preview(request, stored, table)


@csrf_exempt
@require_http_methods(["GET", "POST"])
def import_upload(request):
    """Upload and check a file. CSRF is checked below, once the size guard is in place."""
    require(policy.can_import(request.user))
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
    # The file waits in the session (its size is capped), so mapping, preview and
    # confirmation all read exactly the uploaded bytes, without a second upload.
    stored = {
        "name": upload.name,
        "sha256": hashlib.sha256(data).hexdigest(),
        "data": base64.b64encode(data).decode("ascii"),
    }
    return _start(request, stored)


@require_POST
def import_sheet(request):
    """Read another visible sheet of the uploaded workbook."""
    require(policy.can_import(request.user))
    stored = _stored(request)
    if stored is None:
        return _stale_session(request)
    stored = {**stored, "sheet": request.POST.get("sheet", "")[:100] or None}
    stored.pop("base_versions", None)
    return _start(request, stored)


@require_http_methods(["GET", "POST"])
def import_columns(request):
    """Which file column fills which field: suggested, changeable, remembered once confirmed."""
    require(policy.can_import(request.user))
    stored = _stored(request)
    if stored is None:
        return _stale_session(request)
    try:
        table = _read(stored)
    except FileRejected as rejected:
        return _render_form(
            request, ImportUploadForm(), status=rejected.status, error=rejected.message
        )
    if request.method == "GET":
        return _render_mapping(request, stored, table)
    mapping, suggestions = [], []
    for position, _header in enumerate(table.headers):
        key = request.POST.get(f"column-{position}", "")
        if key and key not in BY_KEY:
            key = ""
        mapping.append(key)
        suggestions.append((BY_KEY.get(key), False))
    chosen = [key for key in mapping if key]
    doubles = sorted({BY_KEY[key].header for key in chosen if chosen.count(key) > 1})
    error = None
    if doubles:
        error = _(
            "Diese Felder sind mehreren Spalten zugeordnet: %(names)s. Bitte jedes Feld nur "
            "einer Spalte zuordnen, die anderen „ignorieren“."
        ) % {"names": ", ".join(f"„{name}“" for name in doubles)}
    elif "title" not in chosen and "id" not in chosen:
        error = _(
            "Bitte die Spalte mit den Namen der Maßnahmen dem Feld „Titel“ zuordnen: ohne Titel "
            "(oder ID) lässt sich keine Zeile einer Maßnahme zuordnen."
        )
    if error:
        return _render_mapping(request, stored, table, suggestions, status=400, error=error)
    ColumnMapping.objects.update_or_create(
        headers_key=headers_key(table.headers),
        defaults={"headers": table.headers, "fields": mapping, "updated_by": request.user},
    )
    stored = {**stored, "mapping": mapping}
    stored.pop("base_versions", None)
    return _preview(request, stored, table)


@require_POST
def import_values(request):
    """Confirm what unknown names mean ("JugA" → Jugendamt); remembered for later files."""
    require(policy.can_import(request.user))
    stored = _stored(request)
    if stored is None or not stored.get("mapping"):
        return _stale_session(request)
    try:
        table = _read(stored)
    except FileRejected as rejected:
        return _render_form(
            request, ImportUploadForm(), status=rejected.status, error=rejected.message
        )
    count = request.POST.get("count", "0") or "0"
    if not (count.isascii() and count.isdigit()):
        return _render_form(
            request,
            ImportUploadForm(),
            status=400,
            error=_(
                "Die Zuordnung war unvollständig (Anzahl „%(count)s“). Bitte die Vorschau neu "
                "laden und die Werte erneut zuordnen."
            )
            % {"count": count[:20]},
        )
    catalog = Catalog()
    for index in range(min(int(count), MAX_SHOWN_UNKNOWN)):
        kind = request.POST.get(f"kind-{index}", "")
        value = request.POST.get(f"value-{index}", "")
        target = request.POST.get(f"target-{index}", "")
        if kind not in Catalog.KINDS or not value or not target.isdigit():
            continue
        if has_several(value):
            # Several names in one cell are several entries: mapping the cell to one of them
            # would drop the others in this and every later file (issue #26, item 1).
            continue
        if not any(obj.pk == int(target) for obj in catalog.entries[kind]):
            continue
        ValueMapping.objects.update_or_create(
            kind=kind,
            value_key=match_key(value)[:300],
            defaults={"value": value[:300], "target_id": int(target), "updated_by": request.user},
        )
    return _preview(request, stored, table)


@require_POST
def import_confirm(request):
    """Re-read and re-check the previewed file, then save all rows in one transaction."""
    require(policy.can_import(request.user))
    stored = _stored(request)
    if stored is None or not stored.get("mapping"):
        return _stale_session(request)
    try:
        table = _read(stored)
        plan = _plan(request, stored, table)
    except FileRejected as rejected:
        request.session.pop(SESSION_KEY, None)
        return _render_form(
            request, ImportUploadForm(), status=rejected.status, error=rejected.message
        )
    if plan.errors:
        return _render_preview(request, plan, stored, table, status=409)
    signature = json.dumps(plan.signature())
    if signature != stored.get("signature"):
        # The base versions stay those of the first preview: confirming again merges
        # against them, it never overwrites what a colleague saved in between.
        request.session[SESSION_KEY] = {**stored, "signature": signature}
        return _render_preview(
            request,
            plan,
            stored,
            table,
            status=409,
            warning=_(
                "Seit der Vorschau wurden Maßnahmen geändert. Bitte prüfen Sie die "
                "aktualisierte Vorschau und bestätigen Sie erneut."
            ),
        )
    try:
        importing.run_import(plan, by=request.user, filename=stored["name"])
    except importing.ImportFailed as failed:
        plan.errors = failed.errors
        return _render_preview(request, plan, stored, table, status=409)
    request.session.pop(SESSION_KEY, None)
    messages.success(
        request,
        _(
            "Import von „%(name)s“ abgeschlossen: %(created)s neu angelegt, %(updated)s "
            "aktualisiert, %(unchanged)s unverändert."
        )
        % {
            "name": stored["name"],
            "created": plan.created,
            "updated": plan.updated,
            "unchanged": plan.unchanged,
        },
    )
    return redirect("measures:list")


@require_GET
def import_template(request):
    """ "Vorlage herunterladen": the headers, an example row, hints and drop-down lists."""
    require(policy.can_import(request.user))
    return exporters.get("measures.template").response(None, filename="vorlage-massnahmen")
