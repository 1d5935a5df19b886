"""Vectorised normalisation and validation of one batch of a mapped column (pyarrow.compute).

Each template field type has one canonical text form, so the fingerprint does not depend
on how the extract spelt a value: dates and times become ISO 8601 (``2024-03-14T14:02:00``),
choices their template label, numbers lose thousands separators, text is trimmed.
A value that fails validation keeps its trimmed text and is flagged.
"""

from __future__ import annotations

from dataclasses import dataclass

import pyarrow as pa
import pyarrow.compute as pc

from workbench.templates.schema import Field
from workbench.templates.values import ISO_DATE_PATTERN, NUMBER_PATTERN, UK_DATE_PATTERN, YEAR_PIVOT

DATE_MESSAGE = "not a date (use dd/mm/yyyy, dd-mm-yy or yyyy-mm-dd)"
DATETIME_MESSAGE = "not a date and time (use dd/mm/yyyy hh:mm or yyyy-mm-ddThh:mm)"
NO_TIME_MESSAGE = "has a date but no time (use dd/mm/yyyy hh:mm)"
_ISO_FORMAT = "%Y-%m-%dT%H:%M:%S"


@dataclass(frozen=True)
class Normalised:
    values: pa.Array  # canonical text; null where blank
    blank: pa.Array  # bool
    bad: pa.Array | None  # bool, True where the value is invalid (None: nothing can be invalid)
    message: str = ""
    time_missing: pa.Array | None = None  # datetime fields: date given without a time


def normalise(field: Field, raw: pa.Array) -> Normalised:
    trimmed = pc.utf8_trim_whitespace(pc.fill_null(raw, ""))
    blank = pc.equal(trimmed, "")
    kept = pc.if_else(blank, pa.scalar(None, pa.string()), trimmed)
    if field.type in ("text",):
        return Normalised(kept, blank, None)
    if field.type == "number":
        good = pc.match_substring_regex(kept, NUMBER_PATTERN)
        values = pc.replace_substring(kept, ",", "")
        return Normalised(values, blank, _bad(good, blank), "not a number")
    if field.type == "choice":
        return _choice(field, kept, blank)
    return _dates(field, kept, blank)


def _bad(good: pa.Array, blank: pa.Array) -> pa.Array:
    """True where a non-blank value did not validate (``good`` is null or false)."""
    return pc.and_(pc.invert(blank), pc.invert(pc.fill_null(good, False)))


def _choice(field: Field, kept: pa.Array, blank: pa.Array) -> Normalised:
    labels = pa.array(field.choices, pa.string())
    keys = pc.utf8_lower(pc.replace_substring_regex(kept, r"\s+", " "))
    index = pc.index_in(keys, value_set=pc.utf8_lower(labels))
    canonical = pc.take(labels, index)
    values = pc.coalesce(canonical, kept)
    good = pc.is_valid(index)
    shown = ", ".join(field.choices)
    return Normalised(values, blank, _bad(good, blank), f"not one of: {shown}")


_FAST_FORMATS = (("%d/%m/%Y %H:%M", True), ("%d/%m/%Y %H:%M:%S", True), ("%d/%m/%Y", False))
_NULL_TS = pa.scalar(None, pa.timestamp("s"))


def _slice(text: pa.Array, start: int, stop: int) -> pa.Array:
    return pc.utf8_slice_codeunits(text, start, stop)


def _fast_dates(kept: pa.Array, blank: pa.Array) -> tuple[pa.Array, pa.Array]:
    """Timestamps for the usual ``dd/mm/yyyy[ hh:mm[:ss]]`` forms (C strptime, leftovers only
    for the rarer forms), null elsewhere; plus whether a time was given."""
    fmt, timed = _FAST_FORMATS[0]
    stamp = pc.strptime(kept, format=fmt, unit="s", error_is_null=True)
    has_time = pc.is_valid(stamp)
    for fmt, timed in _FAST_FORMATS[1:]:
        todo = pc.and_(pc.is_null(stamp), pc.invert(blank))
        if not pc.any(todo).as_py():
            break
        found = pc.strptime(kept.filter(todo), format=fmt, unit="s", error_is_null=True)
        stamp = pc.replace_with_mask(stamp, todo, found)
        has_time = pc.replace_with_mask(has_time, todo, pc.and_(pc.is_valid(found), pa.scalar(timed)))
    # C strptime takes 31/02 as 02/03 and "24" as year 24: keep only real dates and 4-digit years
    day_text = pc.replace_substring(_slice(kept, 0, 2), "/", "")
    day_given = pc.cast(pc.if_else(pc.is_valid(stamp), day_text, pa.scalar(None, pa.string())), pa.int64())
    year = pc.year(stamp)
    real = pc.and_(
        pc.equal(pc.day(stamp), day_given),
        pc.and_(pc.greater_equal(year, 1000), pc.less_equal(year, 9999)),
    )
    return pc.if_else(pc.fill_null(real, False), stamp, _NULL_TS), has_time


def _parts(kept: pa.Array, pattern: str) -> dict[str, pa.Array]:
    found = pc.extract_regex(kept, pattern)
    return {name: pc.struct_field(found, name) for name in ("d", "m", "y", "H", "M", "S")}


def _regex_iso(kept: pa.Array) -> tuple[pa.Array, pa.Array]:
    """ISO text for every accepted form (single digits, two-digit years, '.' or '-')."""
    uk, iso = _parts(kept, UK_DATE_PATTERN), _parts(kept, ISO_DATE_PATTERN)
    p = {k: pc.coalesce(uk[k], iso[k]) for k in uk}
    year = p["y"]
    short = pc.equal(pc.utf8_length(year), 2)
    yy = pc.cast(pc.if_else(short, year, "0"), pa.int32())
    century = pc.if_else(pc.less(yy, YEAR_PIVOT), "20", "19")
    year = pc.if_else(short, pc.binary_join_element_wise(century, year, ""), year)

    def pad(part: pa.Array, default: str) -> pa.Array:
        filled = pc.if_else(pc.equal(part, ""), default, part)
        return pc.utf8_lpad(filled, width=2, padding="0")

    text = pc.binary_join_element_wise(
        year, "-", pad(p["m"], "01"), "-", pad(p["d"], "01"),
        "T", pad(p["H"], "00"), ":", pad(p["M"], "00"), ":", pad(p["S"], "00"), "",
    )
    return text, pc.not_equal(p["H"], "")


def _dates(field: Field, kept: pa.Array, blank: pa.Array) -> Normalised:
    stamp, has_time = _fast_dates(kept, blank)
    todo = pc.and_(pc.is_null(stamp), pc.invert(blank))
    if pc.any(todo).as_py():
        text, slow_time = _regex_iso(kept.filter(todo))
        slow = pc.strptime(text, format=_ISO_FORMAT, unit="s", error_is_null=True)
        # a real date keeps its day of the month (strptime rolls 31/02 over to 02/03)
        real = pc.equal(pc.day(slow), pc.cast(_slice(text, 8, 10), pa.int64()))
        slow = pc.if_else(pc.fill_null(real, False), slow, _NULL_TS)
        stamp = pc.replace_with_mask(stamp, todo, slow)
        has_time = pc.replace_with_mask(has_time, todo, slow_time)
    good = pc.is_valid(stamp)
    text = pc.cast(stamp, pa.string())  # "2024-03-14 14:02:00"
    if field.type == "date":
        values = pc.if_else(good, _slice(text, 0, 10), kept)
        return Normalised(values, blank, _bad(good, blank), DATE_MESSAGE)
    values = pc.if_else(good, text, kept)
    time_missing = pc.and_(good, pc.invert(pc.fill_null(has_time, False)))
    return Normalised(values, blank, _bad(good, blank), DATETIME_MESSAGE, time_missing)
