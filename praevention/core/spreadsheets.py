"""The one place that turns values into spreadsheet cells for every XLSX the app writes.

Why: openpyxl stores a string starting with "=" as a formula, so a measure titled
`=HYPERLINK(...)` would become a live formula in a committee member's Excel (CSV/formula
injection, OWASP). Every string cell written through here is typed as text ("s"), with the
characters XML cannot hold removed; dates and euro amounts get German number formats.
"""

import datetime
from decimal import Decimal
from typing import Any

from openpyxl.cell import WriteOnlyCell
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.worksheet.worksheet import Worksheet

DATE_FORMAT = "DD.MM.YYYY"
EURO_FORMAT = "#,##0.00"


def _style(cell: Any, value: Any) -> None:
    if isinstance(value, str):
        cell.value = ILLEGAL_CHARACTERS_RE.sub("", value)
        cell.data_type = "s"  # text stays text, never a formula
    elif isinstance(value, datetime.date):
        cell.number_format = DATE_FORMAT
    elif isinstance(value, Decimal):
        cell.number_format = EURO_FORMAT


def text_safe_cell(sheet: Any, value: Any) -> WriteOnlyCell:
    """A cell for a write-only sheet (`Workbook(write_only=True)`) holding `value` as data."""
    if value is not None and not isinstance(value, str | int | float | Decimal | datetime.date):
        value = str(value)
    cell = WriteOnlyCell(sheet, value=value)
    _style(cell, value)
    return cell


def set_cell(sheet: Worksheet, row: int, column: int, value: Any) -> Any:
    """Write `value` into a normal sheet's cell (row and column from 1) as data, never a
    formula; returns the cell."""
    if value is not None and not isinstance(value, str | int | float | Decimal | datetime.date):
        value = str(value)
    cell = sheet.cell(row=row, column=column)
    cell.value = value
    _style(cell, value)
    return cell


def append_row(sheet: Worksheet, values: list[Any]) -> None:
    """Append one row of values to a normal sheet through `set_cell`."""
    row = sheet.max_row + 1 if sheet.max_row > 1 or sheet.cell(1, 1).value is not None else 1
    for column, value in enumerate(values, start=1):
        set_cell(sheet, row, column, value)
