"""Reading an uploaded CSV or XLSX table as people really have them. The file is untrusted input.

Every way a file can be wrong ends in `FileRejected` with a German message naming the problem
and the fix; no exception of the csv module, the decoders or openpyxl reaches the user as a 500.

What real files bring (the field cases in ../shared/field-cases/, each a test in
tests/exchange/test_field_cases.py), and what is done about it:
- Encodings: a byte-order mark decides (UTF-8, UTF-16, UTF-32; Excel's "Unicode-Text" is UTF-16
  LE with BOM); then UTF-8; then Windows-1252 (German Excel's "CSV (Trennzeichen-getrennt)"),
  unless charset-normalizer recognises another legacy encoding (Mac Roman, DOS). What cannot be
  decoded gets a message naming the encoding problem and the fix ("als CSV UTF-8 speichern").
- Excel's `sep=;` first line names the separator and is skipped; otherwise the separator is
  the one of ";", ",", TAB that occurs most in the first lines.
- The header row is found below title lines (the row naming the most known columns).
- XLSX: the active sheet if visible, else the first visible sheet holding data; hidden sheets
  are never read. The stored used range (`<dimension>`) is ignored (other tools write "A1"),
  and reading stops after a long run of empty rows (Excel formats down to row 1,048,576).
- Formula cells without a stored result are reported by cell, never read as empty.
"""

import codecs
import contextlib
import csv
import io
import logging
import re
import zipfile
from dataclasses import dataclass, field
from pathlib import PurePath

import msoffcrypto
from charset_normalizer import from_bytes
from django.utils import formats
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop
from openpyxl import load_workbook
from openpyxl.utils import get_column_letter

from praevention.core.text import match_key, normalize_line

logger = logging.getLogger(__name__)

MAX_ROWS = 5000
MAX_COLUMNS = 100
MAX_CELL_CHARS = 10_000
# An XLSX of 5 MB may unpack to far more (a "zip bomb"); a real export of 5,000 measures
# unpacks to well under this, a sheet formatted down to row 1,048,576 to about 42 MB.
MAX_UNPACKED_BYTES = 60 * 1024 * 1024
MAX_ZIP_ENTRIES = 1000
# Excel formats whole columns down to row 1,048,576; after this many empty rows in a row
# nothing more is expected (the preview says where reading stopped).
MAX_EMPTY_RUN = 1000
# Title lines above the header row: at most this many rows are looked at for the header.
HEADER_SEARCH_ROWS = 10

ZIP_MAGIC = b"PK\x03\x04"
CONTROL_CHARS = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
SEP_LINE = re.compile(r"^\s*\"?sep=(.)\"?\s*$", re.IGNORECASE)
FORMULA_TAG = re.compile(rb"<(?:\w+:)?f[\s>/]")
# Checked longest first: the UTF-32 LE mark starts with the UTF-16 LE one.
BOMS = [
    (codecs.BOM_UTF32_LE, "utf-32-le", "UTF-32"),
    (codecs.BOM_UTF32_BE, "utf-32-be", "UTF-32"),
    (codecs.BOM_UTF8, "utf-8", "UTF-8"),
    (codecs.BOM_UTF16_LE, "utf-16-le", "UTF-16"),
    (codecs.BOM_UTF16_BE, "utf-16-be", "UTF-16"),
]
# Encodings German files really come in besides UTF-8 and Windows-1252; charset-normalizer's
# guess is taken only from these (its guesses among the Latin code pages for short German
# texts differ only in letters German does not use, so Windows-1252 wins those).
OTHER_LEGACY = {"mac_roman": "Mac Roman", "cp850": "DOS (cp850)"}
LEGACY_NAMES = {"cp1252": "Windows-1252", **OTHER_LEGACY}
# Characters German texts are made of beyond ASCII, and characters that in a German text
# betray a file read in the wrong code page (Š for a Mac "ä", box drawing for a DOS "Ä" …).
GERMAN_CHARACTERS = set("äöüÄÖÜßéèàçñ„“”‚‘’–—…€°§·×")
WRONG_PAGE_CHARACTERS = set("ŠšŸŽžŒœƒ†‡‰¶¤¦¨¯¸¹²³¼½¾÷ÃÂ¬∂∑∏π∫ªº¿¡√≈≠≤≥◊ı˘˙˚˛˝") | {
    chr(code) for code in range(0x2500, 0x25A0)
}


def _german_score(text: str) -> int:
    """How German a decoded text looks: plausible characters minus tell-tale wrong ones."""
    plausible = sum(1 for char in text if char in GERMAN_CHARACTERS)
    wrong = sum(1 for char in text if char in WRONG_PAGE_CHARACTERS)
    return plausible - 3 * wrong


def _wide_codec(sample: bytes) -> str | None:
    """UTF-16/32 without a byte-order mark, told by where the zero bytes of mostly-Latin
    text fall (the high bytes of each code unit); None when it does not look like either."""
    if len(sample) < 4:
        return None
    if len(sample) % 4 == 0:
        quads = [sample[i : i + 4] for i in range(0, len(sample) - 3, 4)]
        if all(q[2:] == b"\x00\x00" for q in quads):
            return "utf-32-le"
        if all(q[:2] == b"\x00\x00" for q in quads):
            return "utf-32-be"
    even, odd = sample[0::2], sample[1::2]
    if odd.count(0) > 0.6 * len(odd) and even.count(0) < 0.1 * len(even):
        return "utf-16-le"
    if even.count(0) > 0.6 * len(even) and odd.count(0) < 0.1 * len(odd):
        return "utf-16-be"
    return None


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
    """A file's header and data rows as read, with what the reader noticed.

    rows: [(row number as the spreadsheet shows it, raw cells)], empty rows left out.
    formula_cells: {(row number, column position): "F2"} cells with a formula but no value.
    notes: German sentences for the preview (sheet read, title lines skipped, encoding …).
    """

    headers: list
    rows: list = field(default_factory=list)
    header_row: int = 1
    sheet: str = ""
    other_sheets: list = field(default_factory=list)
    encoding: str = ""
    formula_cells: dict = field(default_factory=dict)
    notes: list = field(default_factory=list)
    # [(row number, German reason)] rows left out as Excel hides them or as totals.
    left_out: list = field(default_factory=list)


OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
ODS_TYPE = b"application/vnd.oasis.opendocument.spreadsheet"
STRICT_NAMESPACE = b"purl.oclc.org/ooxml/spreadsheetml/main"


def refuse_unreadable(data: bytes) -> None:
    """FileRejected naming the format and the fix for files no reader here can read, by
    their content whatever their name (issue #26, item 4): encrypted workbooks (a password
    or a Microsoft 365 sensitivity label, both an OLE container with an encrypted package),
    old Excel 97–2003 workbooks, OpenDocument spreadsheets, "Strict Open XML" workbooks and
    web pages saved with an .xls name."""
    if data.startswith(OLE_MAGIC):
        if _is_encrypted(data):
            raise FileRejected(
                _(
                    "Die Excel-Datei ist verschlüsselt (mit einem Kennwort oder einer "
                    "Vertraulichkeitsbezeichnung) und kann nicht gelesen werden. Bitte in Excel "
                    "eine Kopie ohne Schutz speichern (Datei → Informationen → Arbeitsmappe "
                    "schützen bzw. Vertraulichkeit „Öffentlich“) oder als „CSV UTF-8“ speichern "
                    "und diese Datei hochladen."
                )
            )
        raise FileRejected(
            _(
                "Die Datei ist eine Excel-Arbeitsmappe im alten Format (.xls, Excel 97–2003). "
                "Bitte in Excel „Speichern unter“ → „Excel-Arbeitsmappe (.xlsx)“ oder "
                "„CSV UTF-8“ wählen und diese Datei hochladen."
            )
        )
    if data.startswith(ZIP_MAGIC):
        kind = _zip_kind(data)
        if kind == "ods":
            raise FileRejected(
                _(
                    "Die Datei ist eine OpenDocument-Tabelle (.ods, LibreOffice/OpenOffice). "
                    "Bitte in LibreOffice „Datei → Speichern unter“ → „Excel 2007-365 (.xlsx)“ "
                    "oder „Text CSV“ (UTF-8, Semikolon) wählen und diese Datei hochladen."
                )
            )
        if kind == "strict":
            raise FileRejected(
                _(
                    "Die Excel-Datei ist im Format „Strict Open XML“ gespeichert, das hier nicht "
                    "gelesen werden kann. Bitte in Excel „Speichern unter“ → "
                    "„Excel-Arbeitsmappe (.xlsx)“ (nicht „Strict Open XML“) wählen."
                )
            )
        return
    head = data[:2048].lstrip(b"\xef\xbb\xbf \t\r\n").lower()
    if head.startswith(b"<") and any(tag in head for tag in (b"<html", b"<table", b"<!doctype")):
        raise FileRejected(
            _(
                "Die Datei ist eine Webseite (HTML), die als Excel-Datei benannt wurde, z. B. "
                "ein Export aus einem Fachverfahren. Bitte in Excel öffnen und als "
                "„Excel-Arbeitsmappe (.xlsx)“ oder „CSV UTF-8“ speichern."
            )
        )


def _is_encrypted(data: bytes) -> bool:
    """Whether an OLE file is an encrypted Office document (msoffcrypto-tool reads the
    container's EncryptionInfo; a label's encryption uses the same container)."""
    try:
        return bool(msoffcrypto.OfficeFile(io.BytesIO(data)).is_encrypted())
    except Exception:  # any container msoffcrypto cannot parse is no encrypted workbook
        logger.info("OLE upload not recognised by msoffcrypto", exc_info=True)
        return False


def _zip_kind(data: bytes) -> str:
    """ "ods", "strict" or "" (anything else, read as XLSX) from the package's own marks."""
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            names = set(archive.namelist())
            if "mimetype" in names:
                with archive.open("mimetype") as member:
                    if member.read(100).strip() == ODS_TYPE:
                        return "ods"
            if "xl/workbook.xml" in names:
                with archive.open("xl/workbook.xml") as member:
                    if STRICT_NAMESPACE in member.read(4096):
                        return "strict"
    except (zipfile.BadZipFile, zipfile.LargeZipFile, ValueError, OSError, EOFError):
        return ""
    return ""


def read_table(name: str, data: bytes, sheet: str | None = None, known_headers=()) -> Table:
    """The file's header row and data rows, whatever its format; FileRejected otherwise.

    `sheet` names the XLSX sheet to read (default: the active visible one); `known_headers`
    are match keys of headers the app knows, used to find the header row below title lines.
    """
    if not data:
        raise FileRejected(_("Die Datei ist leer."))
    suffix = PurePath(name or "").suffix.lower()
    is_zip = data.startswith(ZIP_MAGIC)
    refuse_unreadable(data)
    if suffix == ".xlsx" or (suffix == ".xlsm" and is_zip):
        if not is_zip:
            raise FileRejected(_("Die Datei endet auf .xlsx, ist aber keine Excel-Datei (.xlsx)."))
        return read_xlsx(data, sheet, known_headers)
    if suffix in (".csv", ".txt", ".tsv"):
        if is_zip:
            raise FileRejected(
                _(
                    "Die Datei endet auf .csv, ist aber eine Excel- oder ZIP-Datei. "
                    "Bitte als .xlsx hochladen oder in Excel als „CSV UTF-8“ speichern."
                )
            )
        table = read_csv(data, known_headers)
        _leave_out_what_excel_hides(None, table)
        return table
    if suffix in (".xls", ".ods", ".numbers"):
        raise FileRejected(
            _(
                "Das Format %(suffix)s wird nicht unterstützt. Bitte die Datei als "
                "Excel-Arbeitsmappe (.xlsx) oder als CSV speichern."
            )
            % {"suffix": suffix}
        )
    raise FileRejected(_("Bitte eine CSV-Datei (.csv) oder eine Excel-Datei (.xlsx) hochladen."))


def _cell_text(cell):
    if cell is None:
        return ""
    return str(cell).strip()


def _trim(cells):
    cells = list(cells)
    while cells and (cells[-1] is None or cells[-1] == ""):
        cells.pop()
    return cells


def _header_score(cells, known_headers):
    return sum(1 for cell in cells if isinstance(cell, str) and match_key(cell) in known_headers)


def _find_header(first_rows, known_headers):
    """The index in `first_rows` of the header row: the row naming the most known columns,
    else the first row with at least two filled cells (a title line has one)."""
    scores = [_header_score(cells, known_headers) for _n, cells in first_rows]
    best = max(range(len(first_rows)), key=lambda i: (scores[i], -i))
    if scores[best] >= 2:
        return best
    for index, (_row, cells) in enumerate(first_rows):  # noqa: B007
        if sum(1 for cell in cells if _cell_text(cell)) >= 2:
            return index
    return 0


def _collect(rows, table, known_headers, *, stop_after_empty=None):
    """Fill `table` from (row number, cells) pairs, checking the limits while reading."""
    first_rows = []
    rows = iter(rows)
    empty_run = 0
    for number, cells in rows:
        cells = _trim(cells)
        if not any(_cell_text(cell) for cell in cells):
            empty_run += 1
            if stop_after_empty and empty_run >= stop_after_empty:
                break
            continue
        empty_run = 0
        first_rows.append((number, cells))
        if len(first_rows) >= HEADER_SEARCH_ROWS:
            break
    if not first_rows:
        raise FileRejected(_("Die Datei ist leer."))
    header_index = _find_header(first_rows, known_headers)
    header_number, header_cells = first_rows[header_index]
    if header_index:
        skipped = ", ".join(str(n) for n, _cells in first_rows[:header_index])
        table.notes.append(
            _(
                "Die Kopfzeile steht in Zeile %(row)s; die Zeilen darüber (%(rows)s) sind "
                "Titelzeilen und wurden übersprungen."
            )
            % {"row": header_number, "rows": skipped}
        )
    _check_width(header_number, header_cells)
    table.header_row = header_number
    table.headers = [normalize_line(_cell_text(cell)) for cell in header_cells]

    def data_rows():
        yield from first_rows[header_index + 1 :]
        yield from rows

    empty_run = 0
    last_number = header_number
    for number, cells in data_rows():
        cells = _trim(cells)
        if not any(_cell_text(cell) for cell in cells):
            empty_run += 1
            if stop_after_empty and empty_run >= stop_after_empty:
                table.notes.append(
                    _(
                        "Nach Zeile %(row)s folgten nur leere Zeilen; das Lesen endete nach "
                        "%(count)s leeren Zeilen."
                    )
                    % {"row": last_number, "count": _number(stop_after_empty)}
                )
                break
            continue
        empty_run = 0
        last_number = number
        _check_width(number, cells)
        if len(table.rows) >= MAX_ROWS:
            raise FileRejected(
                _("Die Datei hat mehr als %(max)s Datenzeilen. Bitte in Teilen importieren.")
                % {"max": _number(MAX_ROWS)}
            )
        for position, cell in enumerate(cells):
            if isinstance(cell, str) and len(cell) > MAX_CELL_CHARS:
                header = table.headers[position] if position < len(table.headers) else ""
                raise FileRejected(
                    _(
                        "Zeile %(row)s, Spalte „%(column)s“: Die Zelle ist länger als "
                        "%(max)s Zeichen. Bitte kürzen."
                    )
                    % {
                        "row": number,
                        "column": header[:60] or position + 1,
                        "max": _number(MAX_CELL_CHARS),
                    }
                )
        table.rows.append((number, cells))
    if not table.rows:
        raise FileRejected(
            _("Die Datei enthält nur die Kopfzeile (Zeile %(row)s), aber keine Maßnahmen.")
            % {"row": header_number}
        )
    return table


def _check_width(number, cells):
    if len(cells) > MAX_COLUMNS:
        raise FileRejected(
            _(
                "Zeile %(row)s hat mehr als %(max)s Spalten. Bitte nur die Spalten mit "
                "Angaben zu Maßnahmen hochladen."
            )
            % {"row": number, "max": MAX_COLUMNS}
        )


SAVE_AS_UTF8 = gettext_noop(
    "Bitte die Datei in Excel mit „Speichern unter“ → „CSV UTF-8 (durch Trennzeichen getrennt)“ "
    "speichern und erneut hochladen."
)


def decode(data: bytes) -> tuple[str, str]:
    """(text, name of the encoding) of a CSV file's bytes; FileRejected naming the problem."""
    for bom, codec, label in BOMS:
        if data.startswith(bom):
            try:
                return data[len(bom) :].decode(codec), label
            except UnicodeDecodeError:
                raise FileRejected(
                    _(
                        "Die Datei ist als %(encoding)s gekennzeichnet, enthält aber Zeichen, "
                        "die in %(encoding)s nicht gültig sind. %(fix)s"
                    )
                    % {"encoding": label, "fix": _(SAVE_AS_UTF8)}
                ) from None
    if b"\x00" in data:
        # UTF-16/32 without a byte-order mark, or not a text file at all.
        wide = _wide_codec(data[:65536])
        if wide is not None:
            try:
                return data.decode(wide), wide.upper()
            except UnicodeDecodeError:
                pass
        raise FileRejected(
            _(
                "Die Datei enthält Null-Bytes: sie ist keine Textdatei oder in einer "
                "Zeichenkodierung ohne Kennung (z. B. UTF-16 ohne BOM) gespeichert. %(fix)s"
            )
            % {"fix": _(SAVE_AS_UTF8)}
        )
    try:
        return data.decode("utf-8"), "UTF-8"
    except UnicodeDecodeError:
        pass
    decoded = {}
    for codec in ("cp1252", *OTHER_LEGACY):
        with contextlib.suppress(UnicodeDecodeError):
            decoded[codec] = data.decode(codec)
    if decoded:
        # Windows-1252 unless a Mac or DOS code page reads as far more plausible German.
        codec = max(decoded, key=lambda c: (_german_score(decoded[c]), c == "cp1252"))
        return decoded[codec], LEGACY_NAMES[codec]
    guess = from_bytes(data[:65536]).best()
    if guess is not None:
        try:
            return data.decode(guess.encoding), guess.encoding
        except (UnicodeDecodeError, LookupError):
            pass
    raise FileRejected(
        _(
            "Die Zeichenkodierung der Datei ist nicht erkennbar (weder UTF-8 noch Windows-1252). "
            "%(fix)s"
        )
        % {"fix": _(SAVE_AS_UTF8)}
    )


def read_csv(data: bytes, known_headers=()) -> Table:
    """A CSV (or Excel "Unicode-Text") file as a Table."""
    from praevention.exchange.columns import csv_unescape

    text, encoding = decode(data)
    if CONTROL_CHARS.search(text.replace("\x00", "")) or "\x00" in text:
        raise FileRejected(
            _(
                "Die Datei enthält Steuerzeichen und ist wohl keine CSV-Datei. "
                "Bitte als .xlsx oder als „CSV UTF-8“ speichern."
            )
        )
    table = Table(headers=[], encoding=encoding)
    if encoding not in ("UTF-8",):
        table.notes.append(_("Zeichenkodierung: %(encoding)s.") % {"encoding": encoding})
    lines = text.split("\n", 6)
    delimiter = None
    first = lines[0].rstrip("\r")
    found = SEP_LINE.match(first)
    if found:
        # Excel's hint line: it names the separator and is not part of the table.
        delimiter = found.group(1)
        text = text.split("\n", 1)[1] if "\n" in text else ""
        table.notes.append(
            _(
                "Die erste Zeile „%(line)s“ ist Excels Hinweis auf das Trennzeichen und wurde "
                "übersprungen."
            )
            % {"line": first.strip()}
        )
    if delimiter is None:
        sample = lines[:6]
        delimiter = max([";", ",", "\t"], key=lambda d: sum(line.count(d) for line in sample))
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)

    def rows():
        number = 0
        try:
            for number, row in enumerate(reader, start=1):  # noqa: B007
                yield number, [csv_unescape(cell) for cell in row]
        except csv.Error as error:
            if "field larger than field limit" in str(error):
                raise FileRejected(
                    _("Zeile %(row)s: Eine Zelle ist länger als %(max)s Zeichen. Bitte kürzen.")
                    % {"row": number + 1, "max": _number(MAX_CELL_CHARS)}
                ) from None
            raise FileRejected(
                _(
                    "Die CSV-Datei ist ab Zeile %(row)s nicht lesbar (z. B. ein Anführungszeichen "
                    "ohne Gegenstück). Bitte die Zeile prüfen."
                )
                % {"row": number + 1}
            ) from None

    return _collect(rows(), table, known_headers)


def _open_xlsx(data, data_only):
    try:
        return load_workbook(io.BytesIO(data), read_only=True, data_only=data_only)
    except Exception:  # openpyxl raises many kinds of errors on broken files
        logger.info("XLSX upload could not be opened", exc_info=True)
        raise FileRejected(
            _("Die Datei kann nicht als Excel-Arbeitsmappe (.xlsx) gelesen werden.")
        ) from None


def _has_data(sheet):
    sheet.reset_dimensions()
    for count, row in enumerate(sheet.iter_rows(values_only=True, max_col=MAX_COLUMNS)):
        if any(_cell_text(cell) for cell in row):
            return True
        if count > MAX_EMPTY_RUN:
            return False
    return False


def _choose_sheet(workbook, wanted):
    """(sheet to read, names of the other visible sheets holding data)."""
    visible = [s for s in workbook.worksheets if getattr(s, "sheet_state", "visible") == "visible"]
    if not visible:
        raise FileRejected(_("Die Excel-Datei enthält kein sichtbares Tabellenblatt."))
    if wanted is not None:
        for sheet in visible:
            if sheet.title == wanted:
                chosen = sheet
                break
        else:
            raise FileRejected(
                _("Die Excel-Datei hat kein sichtbares Tabellenblatt „%(name)s“.")
                % {"name": wanted}
            )
    else:
        active = workbook.active
        chosen = active if active in visible and _has_data(active) else None
        if chosen is None:
            chosen = next((s for s in visible if _has_data(s)), visible[0])
    others = [s.title for s in visible if s is not chosen and _has_data(s)]
    return chosen, others


HIDDEN_ROW = re.compile(rb"<row\b[^>]*\bhidden=\"(?:1|true)\"")
TOTALS = re.compile(r"^(?:summe|gesamt|insgesamt|gesamtsumme|zwischensumme)\b", re.IGNORECASE)


def _leave_out_what_excel_hides(data: bytes | None, table: "Table") -> None:
    """Rows the user does not see in Excel (hidden by hand or by an autofilter), struck-through
    rows and "Summe"/"Gesamt" lines are left out and named in the preview (issue #26, item 3).

    The workbook is opened a second time, fully, only when its XML has hidden rows or a
    struck-through font: a plain 5,000-row file costs nothing more.
    """
    reasons: dict[int, str] = {}
    for number, cells in table.rows:
        first = next((c for c in cells if c not in (None, "")), None)
        if isinstance(first, str) and TOTALS.match(first.strip()):
            reasons[number] = _("Summenzeile")
    marked = data is not None and _marks_rows(data)
    if marked:
        workbook = load_workbook(io.BytesIO(data or b""), data_only=True)
        try:
            sheet = workbook[table.sheet]
            for number, _cells in table.rows:
                if sheet.row_dimensions[number].hidden:
                    reasons[number] = _("in Excel ausgeblendet oder weggefiltert")
                    continue
                filled = [c for c in sheet[number] if c.value not in (None, "")]
                if filled and all(c.font is not None and c.font.strike for c in filled):
                    reasons[number] = _("durchgestrichen")
        finally:
            workbook.close()
    if not reasons:
        return
    table.rows = [(number, cells) for number, cells in table.rows if number not in reasons]
    table.left_out = sorted(reasons.items())
    listed = "; ".join(
        _("Zeile %(row)s (%(reason)s)") % {"row": row, "reason": reason}
        for row, reason in table.left_out
    )
    table.notes.append(
        _(
            "Nicht übernommen, weil Excel sie nicht zeigt oder sie keine Maßnahme sind: "
            "%(rows)s. Um eine davon zu übernehmen, sie in Excel einblenden, den Filter "
            "aufheben bzw. die Durchstreichung entfernen und die Datei erneut hochladen."
        )
        % {"rows": listed}
    )


def _marks_rows(data: bytes) -> bool:
    """Whether a workbook's XML hides rows or has a struck-through font (cheap: no parse)."""
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        names = archive.namelist()
        if "xl/styles.xml" in names and b"<strike" in archive.read("xl/styles.xml"):
            return True
        return any(
            HIDDEN_ROW.search(archive.read(name))
            for name in names
            if name.startswith("xl/worksheets/") and name.endswith(".xml")
        )


def _formula_cells(data, sheet_title, header_row, last_row):
    """{(row, position): "F2"} of formula cells in the sheet (read without stored values)."""
    workbook = _open_xlsx(data, data_only=False)
    try:
        sheet = workbook[sheet_title]
        sheet.reset_dimensions()
        found = {}
        for cells in sheet.iter_rows(min_row=header_row, max_row=last_row, max_col=MAX_COLUMNS):
            for position, cell in enumerate(cells):
                if getattr(cell, "data_type", None) == "f":
                    found[(cell.row, position)] = f"{get_column_letter(position + 1)}{cell.row}"
        return found
    finally:
        workbook.close()


# Excel, LibreOffice and openpyxl store XLSX parts stored or deflated. bzip2 and LZMA are valid
# ZIP but never XLSX, and Python's zipfile unpacks them without a bound per read: 5.8 KB of
# bzip2 became 2 GB in one call (issue #28, fault 1).
XLSX_COMPRESSION = {zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED}
COMPRESSION_NAMES = {zipfile.ZIP_BZIP2: "BZIP2", zipfile.ZIP_LZMA: "LZMA"}
UNPACK_CHUNK = 256 * 1024


def _too_big():
    return FileRejected(
        _(
            "Die Excel-Datei ist entpackt zu groß (über %(max)s MB). Bitte nur die "
            "Maßnahmen-Tabelle ohne Bilder oder weitere Blätter hochladen."
        )
        % {"max": MAX_UNPACKED_BYTES // (1024 * 1024)}
    )


def _check_entries(entries):
    """Refuse, before unpacking anything, what the ZIP directory already gives away."""
    for entry in entries:
        if entry.compress_type not in XLSX_COMPRESSION:
            method = COMPRESSION_NAMES.get(entry.compress_type, str(entry.compress_type))
            raise FileRejected(
                _(
                    "Die Excel-Datei ist mit einem Verfahren gepackt, das Excel nicht verwendet "
                    "(%(method)s). Bitte die Datei in Excel oder LibreOffice öffnen und wieder "
                    "als Excel-Arbeitsmappe (.xlsx) speichern."
                )
                % {"method": method}
            )
    if len(entries) > MAX_ZIP_ENTRIES or sum(e.file_size for e in entries) > MAX_UNPACKED_BYTES:
        raise _too_big()


def _inspect_archive(data: bytes) -> bool:
    """Check an uploaded XLSX's ZIP container before openpyxl opens it; True when a worksheet
    holds formulas.

    Every part is unpacked once, as a stream in chunks of UNPACK_CHUNK bytes, and the bytes
    really unpacked are counted: the sizes the ZIP directory declares are not trusted (a
    "lying" entry), and reading stops as soon as MAX_UNPACKED_BYTES is passed, so memory stays
    at one chunk whatever the file claims. Raises FileRejected (German) for too many parts,
    too many bytes, compression methods other than stored/deflate, archives packed inside the
    workbook (nothing of the import needs them, and they are how nested bombs travel) and
    broken ZIP data (a wrong checksum included).
    """
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            entries = archive.infolist()
            _check_entries(entries)
            unpacked = 0
            has_formulas = False
            for entry in entries:
                worksheet = entry.filename.startswith("xl/worksheets/") and (
                    entry.filename.endswith(".xml")
                )
                tail = b""
                with archive.open(entry) as part:
                    first = True
                    while chunk := part.read(UNPACK_CHUNK):
                        unpacked += len(chunk)
                        if unpacked > MAX_UNPACKED_BYTES:
                            raise _too_big()
                        if first and chunk.startswith(ZIP_MAGIC):
                            raise FileRejected(
                                _(
                                    "Die Excel-Datei enthält eine eingebettete gepackte Datei "
                                    "(%(name)s). Bitte nur die Maßnahmen-Tabelle ohne "
                                    "eingebettete Dateien hochladen."
                                )
                                % {"name": entry.filename}
                            )
                        first = False
                        if worksheet and not has_formulas:
                            # A tag split between two chunks is found in the joined seam.
                            has_formulas = bool(FORMULA_TAG.search(tail + chunk))
                            tail = chunk[-16:]
            return has_formulas
    # RuntimeError: an encrypted part; NotImplementedError: a method zipfile does not know.
    except (
        zipfile.BadZipFile,
        zipfile.LargeZipFile,
        ValueError,
        OSError,
        EOFError,
        RuntimeError,
        NotImplementedError,
    ):
        raise FileRejected(
            _("Die Excel-Datei ist beschädigt und kann nicht gelesen werden.")
        ) from None


def read_xlsx(data: bytes, sheet: str | None = None, known_headers=()) -> Table:
    """An XLSX workbook's chosen sheet as a Table (read-only, streaming)."""
    has_formulas = _inspect_archive(data)
    workbook = _open_xlsx(data, data_only=True)
    try:
        if not workbook.worksheets:
            raise FileRejected(_("Die Excel-Datei enthält kein Tabellenblatt."))
        chosen, others = _choose_sheet(workbook, sheet)
        table = Table(headers=[], sheet=chosen.title, other_sheets=others)
        if len(workbook.worksheets) > 1:
            table.notes.append(
                _("Gelesen wurde das Tabellenblatt „%(name)s“.") % {"name": chosen.title}
            )
        # The stored used range is not trusted: other tools write "A1" for a full sheet.
        chosen.reset_dimensions()
        rows = enumerate(chosen.iter_rows(values_only=True, max_col=MAX_COLUMNS + 1), start=1)
        _collect(rows, table, known_headers, stop_after_empty=MAX_EMPTY_RUN)
    except FileRejected:
        raise
    except Exception:
        logger.info("XLSX upload could not be read", exc_info=True)
        raise FileRejected(
            _("Das Tabellenblatt der Excel-Datei kann nicht gelesen werden.")
        ) from None
    finally:
        workbook.close()
    _leave_out_what_excel_hides(data, table)
    if has_formulas and table.rows:
        last_row = table.rows[-1][0]
        formulas = _formula_cells(data, table.sheet, table.header_row, last_row)
        values = {number: cells for number, cells in table.rows}
        for (number, position), coordinate in formulas.items():
            cells = values.get(number)
            if cells is not None and (position >= len(cells) or cells[position] is None):
                table.formula_cells[(number, position)] = coordinate
    return table
