"""Whatever is uploaded, the answer is a German message and a 4xx, never a 500, and no rows."""

import io
import random
import zipfile

import pytest
from openpyxl import Workbook

from praevention.exchange import reading
from praevention.exchange.columns import HEADERS
from praevention.measures.models import Measure
from tests.exchange.helpers import csv_bytes, row, upload, xlsx_bytes

pytestmark = pytest.mark.django_db


@pytest.fixture
def coordinator(client, koordination, jugendamt):
    client.force_login(koordination)
    return client


def noise(size, seed=7):
    return random.Random(seed).randbytes(size)


def zip_bytes(files):
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, content in files.items():
            archive.writestr(name, content)
    return buffer.getvalue()


def wide_xlsx(columns):
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet()
    sheet.append(HEADERS + [f"Extra {n}" for n in range(columns - len(HEADERS))])
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def rejected(client, name, data, status=400):
    response = upload(client, name, data)
    assert response.status_code == status, response.content.decode()[:2000]
    assert not Measure.objects.exists()
    return response.context["file_error"] or str(response.context["form"].errors)


@pytest.mark.parametrize(
    ("name", "data", "fragment"),
    [
        ("leer.csv", b"", "Die Datei ist leer."),
        ("leer.xlsx", b"", "Die Datei ist leer."),
        ("bom.csv", b"\xef\xbb\xbf", "Die Datei ist leer."),
        ("leerzeilen.csv", b";;;\r\n\r\n", "Die Datei ist leer."),
        ("rauschen.csv", noise(4000), "keine Textdatei"),
        ("rauschen.xlsx", noise(4000), "keine Excel-Datei"),
        ("kaputt.xlsx", b"PK\x03\x04" + noise(4000), "beschädigt"),
        ("fremd.xlsx", zip_bytes({"hallo.txt": "kein Excel"}), "Excel-Arbeitsmappe"),
        ("zip.csv", zip_bytes({"a.txt": "x"}), "endet auf .csv"),
        ("steuerzeichen.csv", b"Titel;Status\x07\r\nA;B\r\n", "Steuerzeichen"),
        ("alt.xls", b"\xd0\xcf\x11\xe0" + noise(100), "Format .xls"),
        ("tabelle.ods", b"PK\x03\x04" + noise(100), "Format .ods"),
        ("notizen.doc", b"Titel\r\nA\r\n", "CSV-Datei (.csv) oder eine Excel-Datei"),
        ("ohne_endung", b"Titel\r\nA\r\n", "CSV-Datei (.csv) oder eine Excel-Datei"),
        ("nur_kopf.csv", csv_bytes([]), "nur die Kopfzeile"),
        ("nur_kopf.xlsx", xlsx_bytes([]), "nur die Kopfzeile"),
    ],
)
def test_unreadable_files_are_rejected_in_german(coordinator, name, data, fragment):
    assert fragment in rejected(coordinator, name, data)


def test_a_field_named_by_two_columns_is_refused_on_the_mapping_page(coordinator):
    headers = ["Titel", "Name", "Status", "Status"] + HEADERS[5:-1]
    response = upload(coordinator, "falsch.csv", csv_bytes([row(1)], headers=headers))
    assert response.status_code == 200
    assert "Spalten zuordnen" in response.content.decode()
    fields = {f"column-{n}": "" for n in range(len(headers))}
    fields.update({"token": response.context["token"], "column-0": "title"})
    fields.update({"column-2": "status", "column-3": "status"})
    response = coordinator.post("/austausch/import/spalten/", fields)
    assert response.status_code == 400
    assert "Diese Felder sind mehreren Spalten zugeordnet: „Status“." in response.context["error"]
    assert not Measure.objects.exists()


def test_a_file_that_is_not_a_table_of_measures_needs_a_title_column(coordinator):
    response = upload(coordinator, "adressen.csv", b"Name,Strasse,Ort\r\nA,B,C\r\n")
    assert response.status_code == 200
    fields = {"token": response.context["token"], "column-0": "", "column-1": "", "column-2": ""}
    response = coordinator.post("/austausch/import/spalten/", fields)
    assert response.status_code == 400
    assert "dem Feld „Titel“ zuordnen" in response.context["error"]
    assert not Measure.objects.exists()


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_ten_thousand_columns_are_rejected(coordinator, fmt):
    if fmt == "csv":
        data = ";".join(f"Spalte {n}" for n in range(10_000)).encode() + b"\r\nA\r\n"
    else:
        data = wide_xlsx(10_000)
    assert "mehr als 100 Spalten" in rejected(coordinator, f"breit.{fmt}", data)


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_a_cell_over_10000_characters_is_rejected_with_row_and_column(coordinator, fmt):
    rows = [row(1), row(2, Beschreibung="x" * 10_001)]
    data = csv_bytes(rows) if fmt == "csv" else xlsx_bytes(rows)
    message = rejected(coordinator, f"lang.{fmt}", data)
    assert message == (
        "Zeile 3, Spalte „Beschreibung“: Die Zelle ist länger als 10.000 Zeichen. Bitte kürzen."
    )


def test_a_csv_cell_beyond_the_csv_modules_limit_is_rejected(coordinator):
    data = csv_bytes([row(1, Beschreibung="x" * 200_000)])
    assert "länger als 10.000 Zeichen" in rejected(coordinator, "riesig.csv", data)


def test_more_than_5000_rows_are_rejected(coordinator):
    lines = ";".join(HEADERS) + "\r\n" + "".join(f"M {n};\r\n" for n in range(5001))
    message = rejected(coordinator, "lang.csv", lines.encode())
    assert "mehr als 5.000 Datenzeilen" in message


def test_an_xlsx_that_unpacks_too_big_is_not_opened(coordinator, monkeypatch):
    monkeypatch.setattr(reading, "MAX_UNPACKED_BYTES", 200_000)
    data = zip_bytes({"[Content_Types].xml": "<x/>", "xl/bombe.xml": "0" * 1_000_000})
    assert len(data) < 10_000
    assert "entpackt zu groß" in rejected(coordinator, "bombe.xlsx", data)


def test_a_file_over_the_size_limit_is_refused_with_the_limit(coordinator, settings):
    settings.IMPORT_MAX_BYTES = 2000
    data = csv_bytes([row(n) for n in range(1, 40)])
    assert len(data) > 2000
    response = upload(coordinator, "gross.csv", data)
    assert response.status_code == 413
    assert response.context["file_error"] == (
        "Die Datei ist zu groß: erlaubt sind höchstens 2,0\xa0KB. Bitte die Datei aufteilen "
        "oder Bilder und weitere Tabellenblätter entfernen."
    )
    # The upload handler stopped reading; the form never saw a file.
    assert not response.context["form"].is_bound
    assert not Measure.objects.exists()


def test_without_a_file_the_form_asks_for_one(coordinator):
    response = coordinator.post("/austausch/import/", {})
    assert response.status_code == 400
    assert "Bitte eine Datei auswählen." in response.content.decode()


def test_cells_of_the_wrong_type_in_an_xlsx_are_row_errors(coordinator):
    data = xlsx_bytes([row(1, Status=3.14159, Beginn=True)])
    response = upload(coordinator, "typen.xlsx", data)
    assert response.status_code == 400
    found = [(e.row, e.column) for e in response.context["plan"].errors]
    assert found == [(2, "Status"), (2, "Beginn")]
    assert not Measure.objects.exists()
