"""The only writers of editions: freezing a report and withdrawing an edition."""

import datetime

from django.db import transaction
from django.http import QueryDict
from django.template.loader import render_to_string
from django.utils import timezone, translation

from praevention.accounts.models import User
from praevention.core.text import normalize_line
from praevention.editions import comparison
from praevention.editions.models import Edition
from praevention.overview import exports, pages, pdf


def edition_freeze(
    *, title: str, data: QueryDict, by: User, now: datetime.datetime | None = None
) -> Edition:
    """Freeze the report for the selection `data` (a QueryDict) as an edition titled `title`.

    Stores the figures (`comparison.snapshot`), the page body as rendered now, the PDF and the
    XLSX: reopening, printing and downloading later show exactly this, whatever the measures
    become. The report is read in one transaction, so figures and files agree.
    """
    now = now or timezone.localtime()
    with transaction.atomic():
        report = pages.report_page(data)
        figures = comparison.snapshot(report)
        page_html = render_to_string(
            "overview/_report_body.html", {**report, "now": now, "links": False}
        )
        title = normalize_line(title)
        edition = Edition(
            title=title,
            created_at=now,
            created_by=by,
            created_by_name=by.get_full_name() or by.get_username(),
            params=report["scope"].query_string(),
            language=translation.get_language() or "de",
        )
        pdf_bytes = pdf.report_pdf(report, now=now, title=title, edition=edition)
        edition.figures = figures
        edition.page_html = page_html
        edition.pdf = pdf_bytes
        edition.xlsx = exports.report_workbook(report, now=now, title=title)
        edition.full_clean()
        edition.save()
    return edition


@transaction.atomic
def edition_withdraw(
    *, edition: Edition, reason: str, by: User, now: datetime.datetime | None = None
) -> Edition:
    """Mark `edition` withdrawn (kept and readable); withdrawing twice changes nothing."""
    if edition.is_withdrawn:
        return edition
    edition.withdrawn_at = now or timezone.now()
    edition.withdrawn_by = by
    edition.withdrawal_reason = normalize_line(reason)
    edition.full_clean(exclude=["figures", "page_html", "pdf", "xlsx"])
    edition.save(update_fields=list(Edition.WITHDRAWAL_FIELDS))
    return edition
