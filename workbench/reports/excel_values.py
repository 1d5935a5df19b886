"""Numbers the pack holds as text, turned into cell values for the workbook.

The pack data keeps some figures as the words a reader sees ("8,341", "8.5 %", "49 of 82 (59.8 %)",
"63:1", "1.5 to 2", a seed, a template version). An analyst needs the numbers: these helpers give
them back, with the number format that shows them, and leave the words to a display column.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime

EXACT_DIGITS = 15  # Excel keeps 15 significant digits: a longer whole number is not stored exactly

_NUM = r"[-+]?\d{1,3}(?:,\d{3})+(?:\.\d+)?|[-+]?\d+(?:\.\d+)?"
_PROPORTION = re.compile(rf"^\s*({_NUM}) of ({_NUM})(?:\s*\(.*\))?\s*$")
_PERCENT = re.compile(rf"^\s*({_NUM})\s*%(?:\s*\((target)\))?\s*$")
_COUNT_SHARE = re.compile(rf"^\s*({_NUM})\s*\(({_NUM})\s*%\)\s*$")
_RATIO = re.compile(rf"^\s*({_NUM})\s*:\s*1\s*$")
_RANGE = re.compile(rf"^\s*({_NUM}) to ({_NUM})\s*$")
_PLAIN = re.compile(rf"^\s*({_NUM})\s*$")


def _num(text: str) -> float | int:
    value = float(text.replace(",", ""))
    return int(value) if value.is_integer() and "." not in text else value


@dataclass(frozen=True)
class FigureValue:
    """A cited figure as numbers: ``value`` (a fraction for a percentage or proportion) with its
    ``kind`` in words; numerator / denominator for a proportion, low / high for a range."""

    kind: str = ""
    value: float | int | None = None
    numerator: float | int | None = None
    denominator: float | int | None = None
    low: float | int | None = None
    high: float | int | None = None


def figure_value(text: str) -> FigureValue:
    """The numbers in a cited figure's printed value; an empty ``FigureValue`` for words."""
    if m := _PROPORTION.match(text):
        num, den = _num(m.group(1)), _num(m.group(2))
        return FigureValue("proportion", num / den if den else None, num, den)
    if m := _COUNT_SHARE.match(text):
        return FigureValue("number", _num(m.group(1)))
    if m := _PERCENT.match(text):
        return FigureValue("target percentage" if m.group(2) else "percentage", _num(m.group(1)) / 100)
    if m := _RATIO.match(text):
        return FigureValue("ratio to 1", _num(m.group(1)))
    if m := _RANGE.match(text):
        return FigureValue("range", None, low=_num(m.group(1)), high=_num(m.group(2)))
    if m := _PLAIN.match(text):
        return FigureValue("number", _num(m.group(1)))
    return FigureValue()


def whole_number(text: object) -> int | None:
    """A seed or a version as a number when it is a whole number Excel stores exactly."""
    if isinstance(text, bool):
        return None
    if isinstance(text, int):
        return text if len(str(abs(text))) <= EXACT_DIGITS else None
    raw = re.sub(r"[\s,_\u00a0\u2009\u202f]", "", str(text))  # "7 311 904 552", "1,094"
    if re.fullmatch(r"-?\d+", raw) and len(raw.lstrip("-")) <= EXACT_DIGITS:
        return int(raw)
    return None


_ANSWER_NUMBER = re.compile(r"-?(?:0|[1-9]\d{0,14})(?:\.\d+)?")
_ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")
_ISO_DATETIME = re.compile(r"\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?")


def answer_value(text: str) -> object:
    """An answer as a cell value: a number or an ISO date / date and time as that value, other
    text (and numbers with a leading zero, which are codes) as it is."""
    raw = text.strip()
    if _ANSWER_NUMBER.fullmatch(raw):
        return float(raw) if "." in raw else int(raw)
    try:
        if _ISO_DATE.fullmatch(raw):
            return date.fromisoformat(raw)
        if _ISO_DATETIME.fullmatch(raw):
            return datetime.fromisoformat(raw)
    except ValueError:
        return text
    return text
