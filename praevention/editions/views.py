"""Frozen report editions: list, freeze, reopen, download, compare and withdraw."""

from django.contrib import messages
from django.http import QueryDict
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import formats, timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy
from django.views.decorators.http import require_POST

from praevention.accounts.policy import allowed_if
from praevention.core import exporters
from praevention.core.exporters import Exporter
from praevention.editions import comparison, policy, services
from praevention.editions.forms import FreezeForm, WithdrawForm
from praevention.editions.models import Edition
from praevention.overview import exports, pdf
from praevention.overview.scope import Scope


@allowed_if(policy.can_view)
def edition_list(request, form=None, status=200):
    """Every edition, newest first; withdrawn ones marked, never hidden."""
    return render(
        request,
        "editions/list.html",
        {
            "nav": "editions",
            "editions": Edition.objects.listed(),
            "freeze_form": form,
        },
        status=status,
    )


@require_POST
@allowed_if(policy.can_freeze)
def freeze(request):
    """A coordinator "schreibt den Bericht fest": the report for `params` as a new edition."""
    form = FreezeForm(request.POST)
    if not form.is_valid():
        return edition_list(request, form=form, status=400)
    edition = services.edition_freeze(
        title=form.cleaned_data["title"],
        data=QueryDict(form.cleaned_data["params"]),
        by=request.user,
    )
    messages.success(
        request, _("Der Bericht ist festgeschrieben: „%(title)s“.") % {"title": edition.title}
    )
    return redirect("editions:detail", pk=edition.pk)


@allowed_if(policy.can_view)
def detail(request, pk):
    """The edition as it was shown; `?seit=<earlier edition>` or `?seit_datum=<JJJJ-MM-TT>`
    (before the edition) adds the progress from then to the edition."""
    edition = get_object_or_404(Edition.objects.select_related("created_by", "withdrawn_by"), pk=pk)
    since = comparison.since_of(request.GET, before=edition.created_at)
    progress = None
    if since.wanted and since.error is None:
        if since.edition is not None:
            progress = comparison.compare(
                since.edition.figures,
                edition.figures,
                since_label=comparison.edition_label(since.edition),
            )
        elif since.day >= timezone.localtime(edition.created_at).date():
            since.error = _("Bitte ein Datum vor dem Festschreiben dieser Ausgabe wählen.")
        else:
            scope = Scope(QueryDict(edition.params))
            progress = comparison.compare(
                comparison.snapshot_on(since.day, scope),
                edition.figures,
                since_label=formats.date_format(since.day, "DATE_FORMAT"),
                structural=False,
            )
    return render(
        request,
        "editions/detail.html",
        {
            "nav": "editions",
            "edition": edition,
            "since": since,
            "progress": progress,
            "can_withdraw": policy.can_withdraw(request.user) and not edition.is_withdrawn,
            "can_download_xlsx": policy.can_download_xlsx(request.user),
            "withdraw_form": WithdrawForm(),
        },
        status=400 if since.error else 200,
    )


def _stored_pdf(edition):
    return bytes(edition.pdf)


def _stored_xlsx(edition):
    return bytes(edition.xlsx)


# The frozen files, exactly as they were made; registered in EditionsConfig.ready().
EXPORTERS = (
    Exporter(
        key="edition.pdf",
        label=_lazy("Ausgabe als PDF"),
        content_type=pdf.PDF_CONTENT_TYPE,
        extension="pdf",
        render=_stored_pdf,
        allowed=policy.can_view,
    ),
    Exporter(
        key="edition.xlsx",
        label=_lazy("Ausgabe als Tabelle (XLSX)"),
        content_type=exports.XLSX_CONTENT_TYPE,
        extension="xlsx",
        render=_stored_xlsx,
        allowed=policy.can_download_xlsx,
    ),
)


def _download(request, pk, key):
    """The view's decorator asks the same predicate as `exporter.allowed`."""
    exporter = exporters.get(key)
    stored = exporter.extension  # the file's field: Edition.pdf or Edition.xlsx
    edition = get_object_or_404(Edition.objects.only("pk", "created_at", stored), pk=pk)
    filename = f"praeventionsnetz-bericht-{edition.created_at:%Y-%m-%d}-{edition.pk}"
    return exporter.response(edition, filename=filename)


@allowed_if(policy.can_view)
def edition_pdf(request, pk):
    """The PDF exactly as it was made when the report was frozen."""
    return _download(request, pk, "edition.pdf")


@allowed_if(policy.can_download_xlsx)
def edition_xlsx(request, pk):
    """The spreadsheet exactly as it was made; coordinators only, as for the live report."""
    return _download(request, pk, "edition.xlsx")


@require_POST
@allowed_if(policy.can_withdraw)
def withdraw(request, pk):
    """Withdraw an edition: it stays readable and is marked; coordinators only."""
    edition = get_object_or_404(Edition.objects.listed(), pk=pk)
    form = WithdrawForm(request.POST)
    reason = form.cleaned_data["reason"] if form.is_valid() else ""
    services.edition_withdraw(edition=edition, reason=reason, by=request.user)
    messages.success(
        request,
        _("„%(title)s“ ist zurückgezogen und bleibt markiert lesbar.") % {"title": edition.title},
    )
    return redirect("editions:detail", pk=edition.pk)
