"""Periods as departments write them in one "Zeitraum" column (issue #26, item 2).

`read_period(text)` returns (start, end, rule) or raises a ValidationError quoting the cell.
Every form and the dates it gives are in one table, RULES, tried in order; `rule` is the
German sentence the preview shows for the row.

| written                         | Beginn                 | Ende                     |
|---------------------------------|------------------------|--------------------------|
| "2023–2027", "2023 - 2027"      | 01.01.2023             | 31.12.2027               |
| "01.01.2026 - 31.12.2026"       | the first date         | the second date          |
| "03/2024 - 06/2025"             | first day of the month | last day of the month    |
| "seit 03/2024", "ab 03/2024"    | 01.03.2024             | — (open)                 |
| "seit 2024", "ab 2024"          | 01.01.2024             | —                        |
| "ab Herbst 2026" (Frühjahr …)   | 01.09.2026 (season)    | —                        |
| "bis 12/2025", "bis 2025"       | —                      | last day of month/year   |
| "laufend", "dauerhaft"          | —                      | — (status "laufend")     |
| "2025"                          | 01.01.2025             | 31.12.2025               |
| "SJ 2024/25", "Schuljahr …"     | 01.08.2024             | 31.07.2025 (Berlin)      |
| "Q3/2025", "3. Quartal 2025"    | 01.07.2025             | 30.09.2025               |
| "01.09.2025" (one date)         | that date              | —                        |
Seasons start on the first of March, June, September and December (meteorological).
A year stored as a number in a workbook (2025) is a year, not a date serial.
"""

import calendar
import datetime
import re
from collections.abc import Callable
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

DASH = r"\s*(?:-|–|—|bis)\s*"
DATE = r"(\d{1,2})\.(\d{1,2})\.(\d{4})"
MONTH = r"(\d{1,2})/(\d{4})"
YEAR = r"((?:19|20)\d{2})"
SEASONS = {"frühjahr": 3, "frühling": 3, "sommer": 6, "herbst": 9, "winter": 12}
RUNNING_WORDS = {"laufend", "dauerhaft", "fortlaufend", "unbefristet", "regelangebot"}


@dataclass(frozen=True)
class Period:
    start: datetime.date | None
    end: datetime.date | None
    rule: str
    # "laufend" and the like: the measure runs (status "laufend" once started).
    running: bool = False


def _last_day(year: int, month: int) -> datetime.date:
    return datetime.date(year, month, calendar.monthrange(year, month)[1])


def _date(day: str, month: str, year: str) -> datetime.date:
    return datetime.date(int(year), int(month), int(day))


def _years(m: re.Match) -> Period:
    return Period(
        datetime.date(int(m[1]), 1, 1),
        datetime.date(int(m[2]), 12, 31),
        _("Jahre: vom 1. Januar bis 31. Dezember"),
    )


def _dates(m: re.Match) -> Period:
    return Period(
        _date(m[1], m[2], m[3]), _date(m[4], m[5], m[6]), _("zwei Daten: Beginn bis Ende")
    )


def _months(m: re.Match) -> Period:
    return Period(
        datetime.date(int(m[2]), int(m[1]), 1),
        _last_day(int(m[4]), int(m[3])),
        _("Monate: vom Ersten bis zum Letzten des Monats"),
    )


def _since_month(m: re.Match) -> Period:
    return Period(
        datetime.date(int(m[2]), int(m[1]), 1), None, _("„seit/ab“ Monat: Beginn am Ersten")
    )


def _since_year(m: re.Match) -> Period:
    return Period(datetime.date(int(m[1]), 1, 1), None, _("„seit/ab“ Jahr: Beginn am 1. Januar"))


def _since_season(m: re.Match) -> Period:
    return Period(
        datetime.date(int(m[2]), SEASONS[m[1].casefold()], 1),
        None,
        _("„ab“ Jahreszeit: Beginn am Ersten ihres ersten Monats"),
    )


def _until_month(m: re.Match) -> Period:
    return Period(None, _last_day(int(m[2]), int(m[1])), _("„bis“ Monat: Ende am Monatsletzten"))


def _until_year(m: re.Match) -> Period:
    return Period(None, datetime.date(int(m[1]), 12, 31), _("„bis“ Jahr: Ende am 31. Dezember"))


def _running(m: re.Match) -> Period:
    return Period(None, None, _("„laufend“: kein Ende, Status „laufend“"), running=True)


def _year_rule() -> str:
    return _("ein Jahr: 1. Januar bis 31. Dezember")


def _year(m: re.Match) -> Period:
    return Period(datetime.date(int(m[1]), 1, 1), datetime.date(int(m[1]), 12, 31), _year_rule())


def _school_year(m: re.Match) -> Period:
    first = int(m[1])
    return Period(
        datetime.date(first, 8, 1),
        datetime.date(first + 1, 7, 31),
        _("Schuljahr (Berlin): 1. August bis 31. Juli"),
    )


def _quarter(m: re.Match) -> Period:
    quarter, year = int(m[1] or m[2]), int(m[3])
    return Period(
        datetime.date(year, 3 * quarter - 2, 1),
        _last_day(year, 3 * quarter),
        _("Quartal: erster bis letzter Tag"),
    )


def _one_date(m: re.Match) -> Period:
    return Period(_date(m[1], m[2], m[3]), None, _("ein Datum: Beginn"))


SINCE = r"(?:seit|ab)\s+"
RULES: list[tuple[re.Pattern, Callable[[re.Match], Period]]] = [
    (re.compile(rf"{YEAR}{DASH}{YEAR}"), _years),
    (re.compile(rf"{DATE}{DASH}{DATE}"), _dates),
    (re.compile(rf"{MONTH}{DASH}{MONTH}"), _months),
    (re.compile(rf"{SINCE}{MONTH}", re.I), _since_month),
    (re.compile(rf"{SINCE}{YEAR}", re.I), _since_year),
    (re.compile(rf"{SINCE}({'|'.join(SEASONS)})\s+{YEAR}", re.I), _since_season),
    (re.compile(rf"bis\s+{MONTH}", re.I), _until_month),
    (re.compile(rf"bis\s+{YEAR}", re.I), _until_year),
    (re.compile(rf"(?:{'|'.join(RUNNING_WORDS)})", re.I), _running),
    (re.compile(YEAR), _year),
    (re.compile(r"(?:sj|schuljahr)\s*((?:19|20)\d{2})\s*/\s*\d{2,4}", re.I), _school_year),
    (re.compile(r"(?:q([1-4])\s*/\s*|([1-4])\.\s*quartal\s+)" + YEAR, re.I), _quarter),
    (re.compile(DATE), _one_date),
]


def read_period(raw: object) -> Period | None:
    """The period a cell names (see RULES), None for an empty cell; ValidationError else."""
    if raw is None or raw == "":
        return None
    if isinstance(raw, bool):
        raise ValidationError(_("„%(value)s“ ist kein Zeitraum.") % {"value": raw})
    if isinstance(raw, (int, float)) and float(raw).is_integer() and 1900 <= raw <= 2100:
        # A year typed into a cell Excel keeps as a number: a year, not a date serial.
        year = int(raw)
        return Period(datetime.date(year, 1, 1), datetime.date(year, 12, 31), _year_rule())
    if isinstance(raw, datetime.datetime):
        raw = raw.date()
    if isinstance(raw, datetime.date):
        return Period(raw, None, _("ein Datum: Beginn"))
    text = " ".join(str(raw).split())
    if not text:
        return None
    for pattern, rule in RULES:
        match = pattern.fullmatch(text)
        if match:
            try:
                return rule(match)
            except ValueError:
                break  # 31.02. or month 13
    raise ValidationError(
        _(
            "„%(value)s“ ist kein lesbarer Zeitraum. Bitte z. B. „01.09.2025 - 31.08.2026“, "
            "„2023–2027“, „seit 03/2024“, „bis 12/2025“ oder „laufend“ eintragen."
        )
        % {"value": text[:60]}
    )
