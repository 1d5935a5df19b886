"""Reading case values as UK extracts write them: dates, times, numbers and choice labels.

The regular expressions here are shared with the population importer, which runs them
vectorised (pyarrow/RE2); the functions below are the one-value equivalents used by rules
and fieldwork.  Accepted date forms: ``dd/mm/yyyy hh:mm[:ss]``, ``dd/mm/yyyy``, ``dd-mm-yy``,
``dd.mm.yyyy`` and ISO 8601 (``yyyy-mm-dd[Thh:mm[:ss]]``); two-digit years pivot at 70
(``69`` -> 2069, ``70`` -> 1970).  Times are naive local times.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from datetime import date, datetime
from decimal import Decimal
from typing import Any

UK_DATE_PATTERN = (
    r"^(?P<d>\d{1,2})[/.\-](?P<m>\d{1,2})[/.\-](?P<y>\d{4}|\d{2})"
    r"(?:[ T,]+(?P<H>\d{1,2})[:.](?P<M>\d{2})(?:[:.](?P<S>\d{2})(?:\.\d+)?)?)?$"
)
ISO_DATE_PATTERN = (
    r"^(?P<y>\d{4})-(?P<m>\d{1,2})-(?P<d>\d{1,2})"
    r"(?:[ T](?P<H>\d{1,2}):(?P<M>\d{2})(?::(?P<S>\d{2})(?:\.\d+)?)?)?$"
)
NUMBER_PATTERN = r"^[+-]?(?:\d+|\d{1,3}(?:,\d{3})+)(?:\.\d+)?$"
YEAR_PIVOT = 70

_UK = re.compile(UK_DATE_PATTERN)
_ISO = re.compile(ISO_DATE_PATTERN)
_NUMBER = re.compile(NUMBER_PATTERN)


def normalise_label(text: object) -> str:
    """Case- and space-insensitive form of a label: ``'  High  Risk'`` -> ``'high risk'``."""
    return " ".join(str(text).split()).casefold()


def is_blank(value: Any) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def parse_datetime(value: Any) -> tuple[datetime, bool] | None:
    """``(datetime, has_time)`` for a datetime/date object or text in an accepted form.

    Returns None for blank input; raises ValueError for text that is not a real date.
    """
    if is_blank(value):
        return None
    if isinstance(value, datetime):
        return value.replace(tzinfo=None), True
    if isinstance(value, date):
        return datetime(value.year, value.month, value.day), False
    text = str(value).strip()
    match = _UK.match(text) or _ISO.match(text)
    if match is None:
        raise ValueError(f"{text!r} is not a date in a recognised form (dd/mm/yyyy hh:mm or yyyy-mm-dd)")
    parts = match.groupdict()
    year = int(parts["y"])
    if len(parts["y"]) == 2:
        year += 2000 if year < YEAR_PIVOT else 1900
    has_time = bool(parts["H"])
    try:
        return (
            datetime(
                year,
                int(parts["m"]),
                int(parts["d"]),
                int(parts["H"] or 0),
                int(parts["M"] or 0),
                int(parts["S"] or 0),
            ),
            has_time,
        )
    except ValueError as exc:
        raise ValueError(f"{text!r} is not a real date or time ({exc})") from None


def parse_number(value: Any) -> int | float | None:
    """A number from a cell (``'1,234'``, ``'3.5'``, ``7``); None when blank; ValueError otherwise."""
    if is_blank(value):
        return None
    if isinstance(value, bool):
        raise ValueError(f"{value!r} is not a number")
    if isinstance(value, (int, float)):
        return value
    text = str(value).strip()
    if not _NUMBER.match(text):
        raise ValueError(f"{text!r} is not a number")
    text = text.replace(",", "")
    return float(text) if "." in text else int(text)


def match_choice(value: Any, choices: Iterable[str]) -> str | None:
    """The canonical choice matching ``value`` ignoring case and spacing, or None."""
    wanted = normalise_label(value)
    for choice in choices:
        if normalise_label(choice) == wanted:
            return choice
    return None


def number_text(value: int | float) -> str:
    """A number's one written form (a canonical answer, a workbook cell's token): plain digits, no
    exponent, no trailing zeros, no "-0" (a spreadsheet gives -0 back as 0)."""
    number = Decimal(str(value)).normalize()
    return "0" if number.is_zero() else format(number, "f")
