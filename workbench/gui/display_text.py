"""How values read on screen: kinds, dates, key figures and measure values."""

from __future__ import annotations

import re
from datetime import date

from workbench.services.findings import FigureInfo

KIND_SHORT = {"afi": "AFI", "cause_of_concern": "Cause of concern", "recommendation": "Recommendation"}
KIND_LONG = {"afi": "Area for improvement", "cause_of_concern": "Cause of concern",
             "recommendation": "Recommendation"}


def kind_short(kind: str) -> str:
    return KIND_SHORT.get(kind, kind.replace("_", " ").capitalize())


def kind_long(kind: str) -> str:
    return KIND_LONG.get(kind, kind.replace("_", " ").capitalize())


def uk_date(d: date | None) -> str:
    return "" if d is None else f"{d.day} {d:%b %Y}"


def number(v: float | None) -> str:
    if v is None:
        return ""
    return f"{int(v):,}" if float(v).is_integer() else f"{v:,.2f}".rstrip("0").rstrip(".")


def natural_key(text: str) -> str:
    """A sort key that puts "AFI 10" after "AFI 9"."""
    return re.sub(r"\d+", lambda m: m.group(0).zfill(6), text.casefold())


def figure_value(fig: FigureInfo) -> str:
    """The figure itself, e.g. "49 of 82 (59.8%)", "21.9%", "63:1"; "" when the source lost it."""
    if fig.missing_in_source:
        return ""
    if fig.kind == "proportion" and fig.numerator is not None and fig.denominator:
        return f"{fig.numerator:,} of {fig.denominator:,} ({100 * fig.numerator / fig.denominator:.1f}%)"
    if fig.kind == "range" and fig.low is not None and fig.high is not None:
        return f"{number(fig.low)} to {number(fig.high)}"
    if fig.kind == "ratio" and fig.value is not None:
        return f"{number(fig.value)}:1"
    if fig.kind == "period":
        return "Period"
    if fig.kind == "deadline":
        if fig.value is None:
            return f"Deadline: {fig.label}"
        return f"Deadline: {number(fig.value)} {fig.unit}"
    if fig.kind == "duration":
        return f"{number(fig.value)} {fig.unit}"
    percent = fig.unit == "percent" or fig.kind == "percentage"
    text = number(fig.value) + ("%" if percent and fig.value is not None else "")
    return f"Target {text}".strip() if fig.kind == "target" else text


def measure_value(v: float | None, unit: str) -> str:
    if v is None:
        return "—"
    if unit == "%":
        return f"{number(v)}%"
    if unit == ":1":
        return f"{number(v)}:1"
    return number(v)


def file_size(n: int) -> str:
    """e.g. "7,497 bytes", "2.5 MB"."""
    size = float(n)
    for unit in ("bytes", "KB", "MB"):
        if size < 1024:
            return f"{int(size):,} bytes" if unit == "bytes" else f"{size:,.1f} {unit}"
        size /= 1024
    return f"{size:,.1f} GB"
