"""Building import files and driving the import views, shared by the exchange tests."""

import io

from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from openpyxl import Workbook

from praevention.exchange.columns import HEADERS
from praevention.measures.models import Measure
from praevention.measures.services import M2M_FIELDS

IMPORT_URL = reverse("exchange:import")
CONFIRM_URL = reverse("exchange:import_confirm")
UNTRACKED = {"id", "created_at", "updated_at", "version", "created_by"}


def export_url(fmt):
    return reverse("exchange:export", args=[fmt])


def row(number, lead="Jug", **cells):
    """A valid import row as {header: value}; `cells` override or add columns."""
    values = {
        "Titel": f"Importierte Maßnahme {number}",
        "Status": "laufend",
        "Federführung": lead,
        "Armutsbezug": "Beides",
        "Archiviert": "nein",
    }
    values.update(cells)
    return values


def csv_bytes(rows, headers=HEADERS, delimiter=";"):
    lines = [delimiter.join(headers)]
    for values in rows:
        lines.append(delimiter.join(_csv_quote(values.get(h, ""), delimiter) for h in headers))
    return ("\ufeff" + "\r\n".join(lines) + "\r\n").encode("utf-8")


def _csv_quote(value, delimiter):
    value = str(value)
    if any(c in value for c in (delimiter, '"', "\n", "\r")):
        return '"' + value.replace('"', '""') + '"'
    return value


def xlsx_bytes(rows, headers=HEADERS):
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(list(headers))
    for values in rows:
        sheet.append([values.get(h) for h in headers])
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def upload(client, name, data):
    return client.post(IMPORT_URL, {"file": SimpleUploadedFile(name, data)})


def confirm(client, preview):
    assert preview.status_code == 200, preview.content.decode()[:2000]
    return client.post(CONFIRM_URL, {"token": preview.context["token"]})


def import_file(client, name, data):
    """Upload, check the preview, confirm: the way a coordinator imports."""
    response = confirm(client, upload(client, name, data))
    assert response.status_code == 302, response.content.decode()[:3000]
    return response


def errors(response):
    """[(row, column, message)] the preview lists."""
    return [(e.row, e.column, e.message) for e in response.context["plan"].errors]


def snapshot(measure):
    """Everything a measure is: scalars, participations with roles and every M2M."""
    return {
        "fields": {
            f.name: getattr(measure, f.attname)
            for f in Measure._meta.concrete_fields
            # An imported entry is confirmed when it is imported, not when it was exported; the
            # "öffentlich" mark is a coordinator's decision in this database, never in a file.
            if f.name not in UNTRACKED
            and f.name != "confirmed_at"
            and f.name not in Measure.PUBLICATION_FIELDS
        },
        "participations": sorted(
            (p.department.short_name, p.role) for p in measure.participations.all()
        ),
        **{name: sorted(str(o) for o in getattr(measure, name).all()) for name in M2M_FIELDS},
    }


def all_snapshots():
    return {m.title: snapshot(m) for m in Measure.objects.with_relations()}
