"""Charts drawn with reportlab graphics: interval (forest) chart for audit rates, trend line for
measures. Shapes only, with the embedded fonts, so output is vector and deterministic."""

from __future__ import annotations

import math
from collections.abc import Container, Sequence
from dataclasses import dataclass
from itertools import pairwise

from reportlab.graphics.shapes import Circle, Drawing, Line, String
from reportlab.pdfbase.pdfmetrics import stringWidth

from workbench.reports.pack_data import MeasureSeries
from workbench.reports.pdf_styles import INK, MUTED, NAVY, RAG_SOLID, RULE, SANS, SANS_BOLD
from workbench.reports.safe_text import plain, replace_missing_glyphs

BASELINE_GREY = MUTED
TARGET_COLOUR = RAG_SOLID["green"]


@dataclass(frozen=True)
class IntervalRow:
    label: str
    point: float
    low: float
    high: float
    emphasis: bool = False  # the current result is drawn in navy, others in grey


def fit_text(text: str, font: str, size: float, width: float,
             covered: Container[int] | None = None) -> str:
    """Text cut (with an ellipsis) so it fits ``width`` points in one line."""
    text = replace_missing_glyphs(plain(text).replace("\n", " "), covered)
    if stringWidth(text, font, size) <= width:
        return text
    lo, hi = 0, len(text)
    while lo < hi:
        mid = (lo + hi + 1) // 2
        if stringWidth(text[:mid] + "\u2026", font, size) <= width:
            lo = mid
        else:
            hi = mid - 1
    return text[:lo].rstrip() + "\u2026"


def pct(value: float | None, digits: int = 1) -> str:
    return "n/a" if value is None else f"{value * 100:.{digits}f} %"


def interval_chart(rows: Sequence[IntervalRow], target: float | None, width: float,
                   covered: Container[int] | None = None) -> Drawing:
    """Horizontal 95 % interval chart on a 0-100 % axis, with the target as a dashed line."""
    label_w, value_w, row_h, top, bottom = 128.0, 112.0, 20.0, 18.0, 22.0
    plot_x0 = label_w
    plot_w = max(60.0, width - label_w - value_w)
    height = top + bottom + row_h * len(rows)
    d = Drawing(width, height, initialFontName=SANS, initialFontSize=7)

    def x_at(v: float) -> float:
        return plot_x0 + plot_w * min(1.0, max(0.0, v))

    axis_y = bottom
    for tick in range(0, 101, 20):
        x = x_at(tick / 100)
        d.add(Line(x, axis_y, x, height - top + 4, strokeColor=RULE, strokeWidth=0.4))
        d.add(String(x, axis_y - 11, f"{tick} %", fontName=SANS, fontSize=6.5,
                     fillColor=MUTED, textAnchor="middle"))
    d.add(Line(plot_x0, axis_y, plot_x0 + plot_w, axis_y, strokeColor=MUTED, strokeWidth=0.6))
    d.add(String(plot_x0 + plot_w + 6, height - top + 6, "Result (95 % interval)",
                 fontName=SANS_BOLD, fontSize=6.5, fillColor=MUTED))
    if target is not None:
        x = x_at(target)
        d.add(Line(x, axis_y, x, height - top + 4, strokeColor=TARGET_COLOUR, strokeWidth=1,
                   strokeDashArray=[3, 2]))
        d.add(String(x, height - top + 6, f"Target {pct(target, 0)}", fontName=SANS_BOLD,
                     fontSize=6.5, fillColor=TARGET_COLOUR, textAnchor="middle"))
    for i, row in enumerate(rows):
        y = height - top - row_h * (i + 0.5)
        colour = NAVY if row.emphasis else BASELINE_GREY
        font = SANS_BOLD if row.emphasis else SANS
        d.add(String(0, y - 2.5, fit_text(row.label, font, 7.5, label_w - 8, covered),
                     fontName=font, fontSize=7.5, fillColor=INK))
        x_low, x_high, x_pt = x_at(row.low), x_at(row.high), x_at(row.point)
        d.add(Line(x_low, y, x_high, y, strokeColor=colour, strokeWidth=2.2))
        for x in (x_low, x_high):
            d.add(Line(x, y - 3.5, x, y + 3.5, strokeColor=colour, strokeWidth=1))
        d.add(Circle(x_pt, y, 3.4, fillColor=colour, strokeColor=colour))
        value = f"{pct(row.point)}  ({pct(row.low)} to {pct(row.high)})"
        d.add(String(plot_x0 + plot_w + 6, y - 2.5, value, fontName=font, fontSize=7,
                     fillColor=INK))
    return d


def _nice_step(span: float) -> float:
    if span <= 0:
        return 1.0
    raw = span / 5
    power = 10 ** math.floor(math.log10(raw))
    for mult in (1, 2, 2.5, 5, 10):
        if raw <= mult * power:
            return mult * power
    return 10 * power


def _number(value: float) -> str:
    return f"{value:,.0f}" if abs(value - round(value)) < 1e-9 else f"{value:,.1f}"


def trend_chart(series: MeasureSeries, width: float, height: float = 150.0,
                covered: Container[int] | None = None) -> Drawing:
    """Line chart of a measure over time with dashed baseline and target lines."""
    d = Drawing(width, height, initialFontName=SANS, initialFontSize=7)
    left, right, top, bottom = 42.0, 78.0, 10.0, 26.0
    plot_w, plot_h = width - left - right, height - top - bottom
    values = [p.value for p in series.points]
    refs = [v for v in (series.baseline, series.target) if v is not None]
    lo = min([0.0] + values + refs)
    hi = max(values + refs + [1.0])
    step = _nice_step(hi - lo)
    hi = math.ceil(hi / step) * step
    lo = math.floor(lo / step) * step

    def y_at(v: float) -> float:
        return bottom + plot_h * (v - lo) / (hi - lo if hi > lo else 1)

    tick = lo
    while tick <= hi + step / 1000:
        y = y_at(tick)
        d.add(Line(left, y, left + plot_w, y, strokeColor=RULE, strokeWidth=0.4))
        d.add(String(left - 4, y - 2.3, _number(tick), fontName=SANS, fontSize=6.5,
                     fillColor=MUTED, textAnchor="end"))
        tick += step
    unit = fit_text(series.unit, SANS, 6.5, left - 6, covered)
    d.add(String(2, height - 8, unit, fontName=SANS, fontSize=6.5, fillColor=MUTED))
    d.add(Line(left, bottom, left + plot_w, bottom, strokeColor=MUTED, strokeWidth=0.6))

    def ref_line(value: float, colour, label: str) -> None:
        y = y_at(value)
        d.add(Line(left, y, left + plot_w, y, strokeColor=colour, strokeWidth=1,
                   strokeDashArray=[3, 2]))
        d.add(String(left + plot_w + 4, y - 2.3, f"{label} {_number(value)}", fontName=SANS_BOLD,
                     fontSize=6.5, fillColor=colour))

    if series.baseline is not None:
        ref_line(series.baseline, BASELINE_GREY, "Baseline")
    if series.target is not None:
        ref_line(series.target, TARGET_COLOUR, "Target")
    points = sorted(series.points, key=lambda p: p.when)
    if not points:
        d.add(String(left + plot_w / 2, bottom + plot_h / 2, "No readings recorded yet",
                     fontName=SANS, fontSize=8, fillColor=MUTED, textAnchor="middle"))
        return d
    first, last = points[0].when.toordinal(), points[-1].when.toordinal()

    def x_at(ordinal: int) -> float:
        if last == first:
            return left + plot_w / 2
        return left + 6 + (plot_w - 12) * (ordinal - first) / (last - first)

    every = max(1, math.ceil(len(points) / 8))
    for i, p in enumerate(points):
        if i % every == 0 or i == len(points) - 1:
            d.add(String(x_at(p.when.toordinal()), bottom - 11, p.when.strftime("%b %y"),
                         fontName=SANS, fontSize=6.5, fillColor=MUTED, textAnchor="middle"))
    coords = [(x_at(p.when.toordinal()), y_at(p.value)) for p in points]
    for (x1, y1), (x2, y2) in pairwise(coords):
        d.add(Line(x1, y1, x2, y2, strokeColor=NAVY, strokeWidth=1.6))
    for x, y in coords:
        d.add(Circle(x, y, 2, fillColor=NAVY, strokeColor=NAVY))
    x, y = coords[-1]
    d.add(String(x, y + 6, _number(points[-1].value), fontName=SANS_BOLD, fontSize=7,
                 fillColor=NAVY, textAnchor="middle"))
    return d
