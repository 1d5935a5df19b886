"""What a tracker's cells mean: dates, statuses, RAG ratings and plain text, each with its problem.

A tracker is typed by people: due dates come as ISO dates, UK day-first dates (03/04/2025),
words ("3 April 2025", "3rd Apr 25") or Excel serial numbers; statuses in the team's own words;
RAG as a word, a letter or the cell's fill colour. Each reader returns the value it understood
and, when it could not understand it for certain, a problem in words: an ambiguous or invalid date
is flagged, never guessed silently.
"""

from __future__ import annotations

import colorsys
import re
from dataclasses import dataclass
from datetime import date, datetime, timedelta

#: Excel's day 0 (serial 1 is 1 January 1900; the 1900 leap-year bug makes 1899-12-30 the epoch)
EXCEL_EPOCH = date(1899, 12, 30)
#: serial numbers this range are read as dates (1 January 1980 to 31 December 2099)
SERIAL_RANGE = (29221, 73050)
MAX_TEXT = 20_000  # characters kept of one cell

MONTHS = {name: i for i, names in enumerate(
    (("jan", "january"), ("feb", "february"), ("mar", "march"), ("apr", "april"), ("may",),
     ("jun", "june"), ("jul", "july"), ("aug", "august"), ("sep", "sept", "september"),
     ("oct", "october"), ("nov", "november"), ("dec", "december")), 1) for name in names}

_ISO = re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})(?:[ T]\d{1,2}:\d{2}(?::\d{2}(?:\.\d+)?)?)?$")
_NUMERIC = re.compile(r"^(\d{1,2})[/.\-](\d{1,2})[/.\-](\d{2}|\d{4})$")
_DAY_MONTH = re.compile(r"^(\d{1,2})(?:st|nd|rd|th)?[\s\-]+([a-z]+)\.?,?[\s\-]+(\d{2}|\d{4})$")
_MONTH_DAY = re.compile(r"^([a-z]+)\.?\s+(\d{1,2})(?:st|nd|rd|th)?,?\s+(\d{4})$")
_MONTH_YEAR = re.compile(r"^([a-z]+)\.?[\s\-]+(\d{2}|\d{4})$")
_SERIAL = re.compile(r"^\d{5}(?:\.0+)?$")


@dataclass(frozen=True)
class DateReading:
    """A cell read as a date: `value` when certain, else `problem` says why not (or both: a note)."""

    value: date | None
    problem: str = ""
    #: "day first" when the cell was a d/m/y date (the column's convention is checked across rows)
    numeric: tuple[int, int] | None = None


def clean_text(value: object) -> str:
    """A cell as one trimmed text (internal line breaks kept, other control characters dropped)."""
    if value is None:
        return ""
    if isinstance(value, datetime):
        text = value.date().isoformat() if value.time() == datetime.min.time() else value.isoformat(" ")
    elif isinstance(value, date):
        text = value.isoformat()
    elif isinstance(value, float) and value.is_integer():
        text = str(int(value))
    else:
        text = str(value)
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    text = "".join(ch for ch in text if ch in "\n\t" or ch >= " ")
    text = "\n".join(" ".join(line.split()) for line in text.split("\n")).strip()
    return text[:MAX_TEXT]


def _year(text: str) -> int:
    y = int(text)
    return 2000 + y if len(text) == 2 else y


def _make(y: int, m: int, d: int, shown: str) -> DateReading:
    try:
        return DateReading(date(y, m, d))
    except ValueError:
        return DateReading(None, f"'{shown}' is not a real date")


def read_date(value: object) -> DateReading:
    """The date a cell holds. Numeric d/m/y dates are read day first (the UK convention); the caller
    checks a whole column for month-first dates (:func:`column_convention`)."""
    if value is None or (isinstance(value, str) and not value.strip()):
        return DateReading(None)
    if isinstance(value, datetime):
        return DateReading(value.date())
    if isinstance(value, date):
        return DateReading(value)
    if isinstance(value, bool):
        return DateReading(None, f"'{value}' is not a date")
    if isinstance(value, (int, float)):
        return _serial(float(value), clean_text(value))
    text = clean_text(value)
    low = text.lower()
    if _SERIAL.match(low):
        return _serial(float(low), text)
    m = _ISO.match(low)
    if m:
        return _make(int(m[1]), int(m[2]), int(m[3]), text)
    m = _NUMERIC.match(low)
    if m:
        first, second, y = int(m[1]), int(m[2]), _year(m[3])
        reading = _make(y, second, first, text)
        if reading.value is None and first <= 12 < second:
            return DateReading(None, f"'{text}' reads as month first (US style), not a UK date", (first, second))
        return DateReading(reading.value, reading.problem, (first, second))
    m = _DAY_MONTH.match(low)
    if m and m[2] in MONTHS:
        return _make(_year(m[3]), MONTHS[m[2]], int(m[1]), text)
    m = _MONTH_DAY.match(low)
    if m and m[1] in MONTHS:
        return _make(int(m[3]), MONTHS[m[1]], int(m[2]), text)
    m = _MONTH_YEAR.match(low)
    if m and m[1] in MONTHS:
        return DateReading(None, f"'{text}' names a month, not a day")
    return DateReading(None, f"'{text[:40]}' is not a date")


def _serial(number: float, shown: str) -> DateReading:
    if SERIAL_RANGE[0] <= number <= SERIAL_RANGE[1]:
        return DateReading(EXCEL_EPOCH + timedelta(days=int(number)))
    return DateReading(None, f"'{shown}' is not a date")


def column_convention(readings: list[DateReading]) -> str:
    """"day first" unless the column shows month-first dates (a second part over 12): then "mixed",
    and every d/m/y date in it that could be either is ambiguous."""
    month_first = any(r.numeric and r.numeric[1] > 12 for r in readings)
    return "mixed" if month_first else "day first"


def settle_ambiguous(reading: DateReading, convention: str, shown: str) -> DateReading:
    """In a column that mixes conventions, a d/m/y date with both parts up to 12 is ambiguous."""
    if convention == "mixed" and reading.numeric and reading.numeric[0] <= 12 and reading.numeric[1] <= 12 \
            and reading.numeric[0] != reading.numeric[1]:
        return DateReading(None, f"'{shown}' is ambiguous: the column also has month-first dates "
                                 "(write it as 2025-04-03 or 3 April 2025)", reading.numeric)
    return reading


# -- statuses ---------------------------------------------------------------------------------
#: a tracker's common words for the force's status line (services/finding_status.FORCE_STATES);
#: the service checks the states against the line and lets the user map other words
STATUS_WORDS = {
    "awaiting allocation": "awaiting allocation", "not started": "awaiting allocation",
    "open": "awaiting allocation", "new": "awaiting allocation", "unallocated": "awaiting allocation",
    "to be allocated": "awaiting allocation",
    "in progress": "in progress", "ongoing": "in progress", "on going": "in progress", "started": "in progress",
    "underway": "in progress", "under way": "in progress", "on track": "in progress", "live": "in progress",
    "active": "in progress", "being progressed": "in progress", "wip": "in progress", "delayed": "in progress",
    "pending sign-off": "pending sign-off", "pending sign off": "pending sign-off",
    "awaiting sign-off": "pending sign-off", "awaiting sign off": "pending sign-off",
    "ready for review": "pending sign-off", "complete": "pending sign-off", "completed": "pending sign-off",
    "done": "pending sign-off", "actions complete": "pending sign-off",
    "proposed for closure": "proposed for closure", "proposed closed": "proposed for closure",
    "recommended for closure": "proposed for closure",
    "closed": "closed", "discharged": "closed", "signed off": "closed",
}


def status_key(word: str) -> str:
    return " ".join(re.sub(r"[_]+", " ", (word or "").lower()).split()).strip(" .")


# -- RAG --------------------------------------------------------------------------------------
RAG_STATES = ("red", "amber", "green", "blue")
_RAG_WORDS = {"r": "red", "red": "red", "a": "amber", "amber": "amber", "yellow": "amber", "orange": "amber",
              "g": "green", "green": "green", "b": "blue", "blue": "blue", "complete": "blue",
              "black": "blue"}


def read_rag(value: object, fill: str | None = None) -> tuple[str, str]:
    """(rating, problem): a word or letter ("Amber", "A", "RAG: red", "Amber/Green" -> the first
    colour), else the cell's fill colour; blue means complete."""
    text = clean_text(value).lower()
    if text:
        words = [w for w in re.split(r"[^a-z]+", text) if w and w != "rag"]
        for w in words:
            if w in _RAG_WORDS:
                return _RAG_WORDS[w], ""
        return "", f"'{clean_text(value)[:30]}' is not a RAG rating (red, amber, green or blue)"
    if fill:
        colour = rag_of_colour(fill)
        if colour:
            return colour, ""
    return "", ""


def rag_of_colour(argb: str) -> str:
    """The RAG colour nearest a cell fill ("FFFF0000" -> red), or "" for white, grey or no colour."""
    hexa = (argb or "").strip().lstrip("#")
    if len(hexa) == 8:
        hexa = hexa[2:]
    if not re.fullmatch(r"[0-9A-Fa-f]{6}", hexa):
        return ""
    r, g, b = (int(hexa[i:i + 2], 16) / 255 for i in (0, 2, 4))
    hue, saturation, value = colorsys.rgb_to_hsv(r, g, b)
    if saturation < 0.15 or value < 0.25:
        return ""  # white, grey, black: no colour
    degrees = hue * 360
    if degrees < 20 or degrees >= 330:
        return "red"
    if degrees < 70:
        return "amber"
    if degrees < 170:
        return "green"
    return "blue" if degrees < 260 else ""
