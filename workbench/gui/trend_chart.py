"""A small chart of compliance across audit rounds: each round's estimate with its 95 % interval,
the target and the inspection baseline as labelled lines. Every mark also has its number in words."""

from __future__ import annotations

import math
from collections.abc import Sequence
from itertools import pairwise

from workbench.gui.qt import QColor, QFont, QPainter, QPen, QPointF, QRectF, QSize, Qt, QWidget
from workbench.services.scoring import RoundPoint

INK, MUTED, GRID = QColor("#1d2731"), QColor("#5b6773"), QColor("#e3e7ec")
POINT, CURRENT = QColor("#7d93b2"), QColor("#14273f")  # the selected round darker; never a RAG colour
TARGET, BASELINE = QColor("#1d5e31"), QColor("#7a4b00")


def _painter(widget: QWidget) -> QPainter:
    """A painter on a white chart, antialiased, in the chart's small font."""
    p = QPainter(widget)
    p.setRenderHint(QPainter.RenderHint.Antialiasing)
    p.fillRect(widget.rect(), QColor("#ffffff"))
    small = QFont(widget.font())
    small.setPointSizeF(max(7.5, widget.font().pointSizeF() - 1))
    p.setFont(small)
    return p


class TrendChart(QWidget):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("trendChart")
        self._points: tuple[RoundPoint, ...] = ()
        self._target: float | None = None
        self._baseline: float | None = None
        self._current: int | None = None
        self.setMinimumHeight(190)

    def sizeHint(self) -> QSize:  # noqa: N802
        return QSize(420, 200)

    def set_trend(self, points: Sequence[RoundPoint], target: float | None, baseline: float | None,
                  current_audit: int | None) -> None:
        self._points, self._target, self._baseline = tuple(points), target, baseline
        self._current = current_audit
        self.update()

    def paintEvent(self, _event: object) -> None:  # noqa: N802
        p = _painter(self)
        fm = p.fontMetrics()
        left, right, top, bottom = fm.horizontalAdvance("100 %") + 12, 130, 12, fm.height() + 12
        plot = QRectF(left, top, max(10, self.width() - left - right), max(10, self.height() - top - bottom))

        def y(rate: float) -> float:
            return plot.bottom() - rate * plot.height()

        for tick in (0.0, 0.25, 0.5, 0.75, 1.0):
            p.setPen(QPen(GRID, 1))
            p.drawLine(QPointF(plot.left(), y(tick)), QPointF(plot.right(), y(tick)))
            p.setPen(MUTED)
            p.drawText(QRectF(0, y(tick) - fm.height() / 2, left - 6, fm.height()),
                       int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter), f"{tick * 100:.0f} %")
        for value, colour, words, style in ((self._target, TARGET, "Target", Qt.PenStyle.DashLine),
                                            (self._baseline, BASELINE, "Inspection", Qt.PenStyle.DotLine)):
            if value is None:
                continue
            p.setPen(QPen(colour, 1.5, style))
            p.drawLine(QPointF(plot.left(), y(value)), QPointF(plot.right(), y(value)))
            p.setPen(colour)
            p.drawText(QRectF(plot.right() + 6, y(value) - fm.height() / 2, right - 8, fm.height()),
                       int(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter),
                       f"{words} {value * 100:.1f} %".replace(".0 %", " %"))
        if not self._points:
            p.setPen(MUTED)
            p.drawText(plot, int(Qt.AlignmentFlag.AlignCenter), "No round has a complete case yet")
            p.end()
            return
        step = plot.width() / len(self._points)
        for i, pt in enumerate(self._points):
            x = plot.left() + step * (i + 0.5)
            colour = CURRENT if pt.audit_id == self._current else POINT
            p.setPen(QPen(colour, 2))
            p.drawLine(QPointF(x, y(pt.low)), QPointF(x, y(pt.high)))
            for end in (pt.low, pt.high):
                p.drawLine(QPointF(x - 6, y(end)), QPointF(x + 6, y(end)))
            p.setBrush(colour)
            p.drawEllipse(QPointF(x, y(pt.point)), 4.5, 4.5)
            words = f"{pt.point * 100:.1f} %"
            box = QRectF(x + 10, y(pt.point) - fm.height() / 2, fm.horizontalAdvance(words) + 6, fm.height())
            p.fillRect(box, QColor("#ffffff"))  # readable over the target and baseline lines
            p.setPen(INK)
            p.drawText(box, int(Qt.AlignmentFlag.AlignCenter), words)
            p.setPen(colour if pt.audit_id == self._current else MUTED)
            p.drawText(QRectF(x - step / 2, plot.bottom() + 4, step, fm.height()),
                       int(Qt.AlignmentFlag.AlignCenter), f"Round {pt.round}")
        p.end()


class SeriesChart(QWidget):
    """A measure's recorded values over time, with its baseline and target as labelled lines.

    The y axis spans the values, baseline and target (from 0 for per cents and counts); each point
    has its value written beside it, so the chart is readable without colour."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("seriesChart")
        self.setAccessibleName("Trend chart of the selected measure")
        self._values: tuple[tuple[str, float], ...] = ()
        self._baseline: float | None = None
        self._target: float | None = None
        self._format = str
        self._empty = "Select a measure to see its trend"
        self.setMinimumHeight(190)

    def sizeHint(self) -> QSize:  # noqa: N802
        return QSize(420, 220)

    def set_series(self, values: Sequence[tuple[str, float]], baseline: float | None, target: float | None,
                   fmt: object = str, empty: str = "No values recorded yet") -> None:
        """`values`: (period label, value) oldest first; `fmt` turns a value into its words."""
        self._values, self._baseline, self._target = tuple(values), baseline, target
        self._format, self._empty = fmt, empty  # type: ignore[assignment]
        described = ", ".join(f"{when} {fmt(v)}" for when, v in self._values[-6:])  # type: ignore[operator]
        self.setAccessibleDescription(described or empty)
        self.update()

    def _range(self) -> tuple[float, float, float]:
        """(low, high, step): round numbers that hold every value, the baseline and the target."""
        marks = [v for _, v in self._values] + [x for x in (self._baseline, self._target) if x is not None]
        low, high = min(marks), max(marks)
        low = min(low, 0.0) if low >= 0 else low
        span = (high - low) or abs(high) or 1.0
        raw = span / 4
        magnitude = 10 ** math.floor(math.log10(raw))
        step = next(m * magnitude for m in (1, 2, 2.5, 5, 10) if m * magnitude >= raw)
        return math.floor(low / step) * step, math.ceil(high * 1.0001 / step) * step, step

    def paintEvent(self, _event: object) -> None:  # noqa: N802
        p = _painter(self)
        fm = p.fontMetrics()
        if not self._values and self._baseline is None and self._target is None:
            p.setPen(MUTED)
            p.drawText(QRectF(self.rect()), int(Qt.AlignmentFlag.AlignCenter | Qt.TextFlag.TextWordWrap), self._empty)
            p.end()
            return
        low, high, step_y = self._range()
        fmt = self._format
        left = max(fm.horizontalAdvance(fmt(v)) for v in (low, high)) + 14
        right, top, bottom = 150, 12, fm.height() + 12
        plot = QRectF(left, top, max(10, self.width() - left - right), max(10, self.height() - top - bottom))

        def y(v: float) -> float:
            return plot.bottom() - (v - low) / (high - low) * plot.height()

        for i in range(round((high - low) / step_y) + 1):
            tick = low + step_y * i
            p.setPen(QPen(GRID, 1))
            p.drawLine(QPointF(plot.left(), y(tick)), QPointF(plot.right(), y(tick)))
            p.setPen(MUTED)
            p.drawText(QRectF(0, y(tick) - fm.height() / 2, left - 6, fm.height()),
                       int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter), fmt(tick))
        for value, colour, words, style in ((self._target, TARGET, "Target", Qt.PenStyle.DashLine),
                                            (self._baseline, BASELINE, "Baseline", Qt.PenStyle.DotLine)):
            if value is None:
                continue
            p.setPen(QPen(colour, 1.5, style))
            p.drawLine(QPointF(plot.left(), y(value)), QPointF(plot.right(), y(value)))
            p.setPen(colour)
            p.drawText(QRectF(plot.right() + 6, y(value) - fm.height() / 2, right - 8, fm.height()),
                       int(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter), f"{words} {fmt(value)}")
        if not self._values:
            p.setPen(MUTED)
            p.drawText(plot, int(Qt.AlignmentFlag.AlignCenter), self._empty)
            p.end()
            return
        step = plot.width() / len(self._values)
        xs = [plot.left() + step * (i + 0.5) for i in range(len(self._values))]
        p.setPen(QPen(CURRENT, 2))
        for (x0, (_, v0)), (x1, (_, v1)) in pairwise(zip(xs, self._values, strict=True)):
            p.drawLine(QPointF(x0, y(v0)), QPointF(x1, y(v1)))
        label_every = max(1, int(len(self._values) / max(1, plot.width() / (fm.horizontalAdvance("Mmm 0000") + 8))) + 1)
        for i, (x, (when, v)) in enumerate(zip(xs, self._values, strict=True)):
            p.setPen(QPen(CURRENT, 2))
            p.setBrush(CURRENT)
            p.drawEllipse(QPointF(x, y(v)), 3.5, 3.5)
            last = i == len(self._values) - 1
            if (i % label_every == 0 and len(self._values) - 1 - i >= label_every) or last:
                p.setPen(MUTED)
                p.drawText(QRectF(x - step * label_every / 2, plot.bottom() + 4, step * label_every, fm.height()),
                           int(Qt.AlignmentFlag.AlignCenter), when)
            if last or len(self._values) <= 8:
                words = fmt(v)
                box = QRectF(x - fm.horizontalAdvance(words) / 2 - 3, y(v) - fm.height() - 6,
                             fm.horizontalAdvance(words) + 6, fm.height())
                p.fillRect(box, QColor("#ffffff"))
                p.setPen(INK)
                p.drawText(box, int(Qt.AlignmentFlag.AlignCenter), words)
        p.end()
