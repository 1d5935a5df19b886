"""The fieldwork workbook's format, shared by its writer (reports) and its reader (importers).

Plain data the workbook is written from, the sheet names and rows, the column layout, and the
token / digest of a cell value that lets the reader tell whether a locked cell was edited.
"""

from __future__ import annotations

import functools
import hashlib
from collections.abc import Hashable, Mapping
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal
from typing import Any, cast

from openpyxl.utils import get_column_letter

from workbench.templates.values import number_text

FORMAT = "workbench-fieldwork"
FORMAT_VERSION = 1
CASES = "Cases"
META = "_meta"
LISTS = "_lists"
INSTRUCTIONS = "Instructions"
HEADER_ROWS = 2
FIRST_ROW = HEADER_ROWS + 1
YES_NO_NA = ("yes", "no", "n/a")
DATE_FORMAT = "dd/mm/yyyy hh:mm"
NUMBER_LIMIT = 1e12

TYPE_HINTS = {"yes_no_na": "yes / no / n/a", "choice": "choose from the list", "number": "a number",
              "datetime": "a date dd/mm/yyyy (and time hh:mm)", "text": "free text"}


@dataclass(frozen=True)
class SheetField:
    key: str
    label: str
    type: str = "text"  # the template field type: text | number | datetime | date | choice


@dataclass(frozen=True)
class SheetCriterion:
    key: str
    question: str
    answer: str  # yes_no_na | choice | number | datetime | text
    choices: tuple[str, ...] = ()
    critical: bool = False
    computed: bool = False
    guidance: str = ""


@dataclass(frozen=True)
class SheetCase:
    case_id: int
    ref: str
    stratum: str | None
    fields: Mapping[str, Any]  # field key -> value (ISO text for dates, numbers, text)
    answers: Mapping[str, str | None]  # criterion key -> canonical answer
    working: Mapping[str, str] = field(default_factory=dict)  # computed criterion key -> working
    comment: str = ""
    state: Mapping[str, Any] = field(default_factory=dict)  # opaque, kept in _meta for the importer


@dataclass(frozen=True)
class FieldworkSheetData:
    audit_id: int
    audit_title: str
    template_key: str
    template_version: int
    template_sha256: str
    template_name: str
    marking: str
    force: str
    exported_at: datetime
    exported_by: str
    fields: tuple[SheetField, ...]
    criteria: tuple[SheetCriterion, ...]
    cases: tuple[SheetCase, ...]


@dataclass(frozen=True)
class SheetColumn:
    """One column of the Cases sheet, as recorded in _meta."""

    letter: str
    kind: str  # ref | stratum | field | answer | computed | working | comment
    key: str = ""


def cell_token(value: object) -> str:
    """A cell value as comparable text, the same whether written or read back."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, datetime):
        return value.replace(tzinfo=None, microsecond=0).isoformat()
    if isinstance(value, date):
        return datetime(value.year, value.month, value.day).isoformat()
    if isinstance(value, (int, float)):
        return number_text(value)
    return str(value)


def token_digest(value: object) -> str:
    """A short hash of a cell's token (the same values recur down a column: reckoned once each)."""
    kind = type(value)
    if kind in _RECURRING and (kind is not str or len(cast(str, value)) <= 200):  # short ones recur
        return _digest_of(cast(Hashable, kind), value)
    return _digest(value)


#: the kinds a cell holds whose values recur down a column (a type test: cheaper than an ABC's)
_RECURRING: frozenset[type] = frozenset({str, int, float, bool, type(None), datetime, date, Decimal})


@functools.lru_cache(maxsize=4096)
def _digest_of(_kind: Hashable, value: Hashable) -> str:  # the type in the key: True, 1 and 1.0 differ
    return _digest(value)


def _digest(value: object) -> str:
    return hashlib.sha256(cell_token(value).encode("utf-8")).hexdigest()[:16]


def as_datetime(text: object) -> datetime | None:
    """ISO text (or a datetime) as a naive datetime for a date cell, else None."""
    if isinstance(text, datetime):
        return text.replace(tzinfo=None)
    if not isinstance(text, str):
        return None
    try:
        return datetime.fromisoformat(text.strip()).replace(tzinfo=None)
    except ValueError:
        return None


def as_number(text: object) -> int | float | None:
    if isinstance(text, bool) or text is None:
        return None
    if isinstance(text, (int, float)):
        return text
    try:
        number = Decimal(str(text).strip())
    except ArithmeticError:
        return None
    if not number.is_finite():
        return None
    return int(number) if number == number.to_integral_value() else float(number)


def layout(data: FieldworkSheetData) -> list[SheetColumn]:
    kinds: list[tuple[str, str]] = [("ref", "")]
    if any(c.stratum for c in data.cases):
        kinds.append(("stratum", ""))
    kinds += [("field", f.key) for f in data.fields]
    for c in data.criteria:
        kinds += [("computed", c.key), ("working", c.key)] if c.computed else [("answer", c.key)]
    kinds.append(("comment", ""))
    return [SheetColumn(get_column_letter(i), kind, key) for i, (kind, key) in enumerate(kinds, start=1)]
