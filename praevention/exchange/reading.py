"""Reading an uploaded CSV or XLSX table. The file is untrusted input.

Every way a file can be wrong ends in `FileRejected` with a German message; no exception
of the csv module or openpyxl may reach the user as a 500. Limits stop early: the row and
column caps end reading, and an XLSX is checked for its unpacked size before openpyxl
opens it (read-only mode then streams the sheet instead of loading it whole).
"""

import csv
import io
import logging
import re
import zipfile
from dataclasses import dataclass, field
from pathlib import PurePath

from django.utils import formats
from django.utils.translation import gettext as _
from openpyxl import load_workbook

from praevention.exchange.columns import as_text, csv_unescape

logger = logging.getLogger(__name__)

MAX_ROWS = 5000
MAX_COLUMNS = 100
MAX_CELL_CHARS = 10_000
# An XLSX of 5 MB may unpack to far more (a "zip bomb"); a real export of 5,000 measures
# unpacks to well under this.
MAX_UNPACKED_BYTES = 60 * 1024 * 1024
MAX_ZIP_ENTRIES = 1000

ZIP_MAGIC = b"PK\x03\x04"
CONTROL_CHARS = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


def _number(value):
    """10000 as "10.000" in German and "10,000" in English."""
    return formats.number_format(value, force_grouping=True)


class FileRejected(Exception):
    """The file as a whole cannot be read; `message` is German and shown as is."""

    def __init__(self, message, status=400):
        super().__init__(message)
        self.message = message
        self.status = status


@dataclass
class Table:
    headers: list
    # (spreadsheet row number, raw cells): the header is row 1, empty rows are left out.
    rows: list = field(default_factory=list)


def read_table(name, data):
    """The file's header row and data rows, whatever its format; FileRejected otherwise."""
    if not data:
        raise FileRejected(_("Die Datei ist leer."))
    suffix = PurePath(name or "").suffix.lower()
    is_zip = data.startswith(ZIP_MAGIC)
    if suffix == ".xlsx":
        if not is_zip:
            raise FileRejected(_("Die Datei endet auf .xlsx, ist aber keine Excel-Datei (.xlsx)."))
        return read_xlsx(data)
    if suffix == ".csv":
        if is_zip:
            raise FileRejected(
                _(
                    "Die Datei endet auf .csv, ist aber eine Excel- oder ZIP-Datei. "
                    "Bitte als .xlsx hochladen oder in Excel als „CSV UTF-8“ speichern."
                )
            )
        return read_csv(data)
    if suffix in (".xls", ".ods", ".numbers"):
        raise FileRejected(
            _(
                "Das Format %(suffix)s wird nicht unterstützt. Bitte die Datei als "
                "Excel-Arbeitsmappe (.xlsx) oder als CSV speichern."
            )
            % {"suffix": suffix}
        )
    raise FileRejected(_("Bitte eine CSV-Datei (.csv) oder eine Excel-Datei (.xlsx) hochladen."))


def _collect(rows):
    """Check the limits while reading (row number, cells) pairs; the first row is the header."""
    table = None
    count = 0
    for number, cells in rows:
        cells = list(cells)
        while cells and (cells[-1] is None or cells[-1] == ""):
            cells.pop()
        if len(cells) > MAX_COLUMNS:
            raise FileRejected(
                _(
                    "Zeile %(row)s hat mehr als %(max)s Spalten. Bitte nur die Spalten des "
                    "Exports verwenden."
                )
                % {"row": number, "max": MAX_COLUMNS}
            )
        if table is None:
            if not cells:
                raise FileRejected(
                    _("Die erste Zeile ist leer: sie muss die Spaltenüberschriften enthalten.")
                )
            table = Table(headers=[as_text(cell).strip() for cell in cells])
        else:
            if not any(as_text(cell).strip() for cell in cells):
                continue
            count += 1
            if count > MAX_ROWS:
                raise FileRejected(
                    _("Die Datei hat mehr als %(max)s Datenzeilen. Bitte in Teilen importieren.")
                    % {"max": MAX_ROWS}
                )
            table.rows.append((number, cells))
        for position, cell in enumerate(cells):
            if isinstance(cell, str) and len(cell) > MAX_CELL_CHARS:
                header = table.headers[position] if position < len(table.headers) else ""
                raise FileRejected(
                    _(
                        "Zeile %(row)s, Spalte „%(column)s“: Die Zelle ist länger als "
                        "%(max)s Zeichen."
                    )
                    % {
                        "row": number,
                        "column": header[:60] or position + 1,
                        "max": _number(MAX_CELL_CHARS),
                    }
                )
    if table is None:
        raise FileRejected(_("Die Datei ist leer."))
    if not table.rows:
        raise FileRejected(_("Die Datei enthält nur die Kopfzeile, aber keine Maßnahmen."))
    return table


def _decode(data):
    if b"\x00" in data:
        raise FileRejected(_("Die Datei ist keine Textdatei und damit keine CSV-Datei."))
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        # Excel's plain "CSV (Trennzeichen-getrennt)" on German Windows writes Windows-1252.
        try:
            text = data.decode("cp1252")
        except UnicodeDecodeError:
            raise FileRejected(
                _("Die Datei ist keine lesbare Textdatei (erwartet: UTF-8 oder Windows-1252).")
            ) from None
    if CONTROL_CHARS.search(text):
        raise FileRejected(_("Die Datei enthält Steuerzeichen und ist wohl keine CSV-Datei."))
    return text


def read_csv(data):
    text = _decode(data)
    first_line = text.split("\n", 1)[0]
    # The export writes ";"; a CSV saved elsewhere may use "," or tabs.
    delimiter = max([";", ",", "\t"], key=first_line.count)
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)

    def rows():
        number = 0
        try:
            for number, row in enumerate(reader, start=1):  # noqa: B007
                yield number, [csv_unescape(cell) for cell in row]
        except csv.Error as error:
            if "field larger than field limit" in str(error):
                raise FileRejected(
                    _("Zeile %(row)s: Eine Zelle ist länger als %(max)s Zeichen.")
                    % {"row": number + 1, "max": _number(MAX_CELL_CHARS)}
                ) from None
            raise FileRejected(
                _(
                    "Die CSV-Datei ist ab Zeile %(row)s nicht lesbar (z. B. ein Anführungszeichen "
                    "ohne Gegenstück)."
                )
                % {"row": number + 1}
            ) from None

    return _collect(rows())


def read_xlsx(data):
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            entries = archive.infolist()
    except (zipfile.BadZipFile, zipfile.LargeZipFile, ValueError, OSError):
        raise FileRejected(
            _("Die Excel-Datei ist beschädigt und kann nicht gelesen werden.")
        ) from None
    unpacked = sum(entry.file_size for entry in entries)
    if len(entries) > MAX_ZIP_ENTRIES or unpacked > MAX_UNPACKED_BYTES:
        raise FileRejected(
            _(
                "Die Excel-Datei ist entpackt zu groß (über %(max)s MB). Bitte nur die "
                "Maßnahmen-Tabelle ohne Bilder oder weitere Blätter hochladen."
            )
            % {"max": MAX_UNPACKED_BYTES // (1024 * 1024)}
        )

    try:
        workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception:  # openpyxl raises many kinds of errors on broken files
        logger.info("XLSX upload could not be opened", exc_info=True)
        raise FileRejected(
            _("Die Datei kann nicht als Excel-Arbeitsmappe (.xlsx) gelesen werden.")
        ) from None
    try:
        sheets = workbook.worksheets
        if not sheets:
            raise FileRejected(_("Die Excel-Datei enthält kein Tabellenblatt."))
        rows = enumerate(sheets[0].iter_rows(values_only=True, max_col=MAX_COLUMNS + 1), start=1)
        return _collect(rows)
    except FileRejected:
        raise
    except Exception:
        logger.info("XLSX upload could not be read", exc_info=True)
        raise FileRejected(
            _("Das erste Tabellenblatt der Excel-Datei kann nicht gelesen werden.")
        ) from None
    finally:
        workbook.close()
