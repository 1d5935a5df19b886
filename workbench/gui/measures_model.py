"""Measures (KPIs) as a Qt table model: baseline, target, direction and the latest value."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from workbench.gui.display_text import measure_value, natural_key
from workbench.gui.qt import QColor, QObject, Qt
from workbench.gui.rows_model import RowsTableModel
from workbench.gui.style import MEASURE_TONES, TONES
from workbench.services.measures import MeasureInfo, PointInfo

COLUMNS = ("Finding", "Status", "Name", "Baseline", "Target", "Direction", "Latest value")
FINDING, STATUS, NAME, BASELINE, TARGET, DIRECTION, LATEST = range(len(COLUMNS))
ID_ROLE = Qt.ItemDataRole.UserRole
SORT_ROLE = Qt.ItemDataRole.UserRole + 1
STATUS_WORDS = {"proposed": "To review", "confirmed": "Confirmed", "discarded": "Discarded"}



class MeasuresTableModel(RowsTableModel):
    columns = COLUMNS

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._rows: list[MeasureInfo] = []
        self._finding_names: dict[int, str] = {}

    def set_rows(self, rows: Sequence[MeasureInfo], finding_names: Mapping[int, str]) -> None:
        self.beginResetModel()
        self._rows = list(rows)
        self._finding_names = dict(finding_names)
        self.endResetModel()

    def measure(self, row: int) -> MeasureInfo:
        return self._rows[row]

    def cell(self, m: MeasureInfo, col: int, role: int, position: int) -> object:
        if role == Qt.ItemDataRole.DisplayRole:
            return self._display(m, col)
        if role == ID_ROLE:
            return m.id
        if role == SORT_ROLE:
            return natural_key(self._display(m, col)) if col == FINDING else self._display(m, col).casefold()
        if role == Qt.ItemDataRole.TextAlignmentRole and col in (BASELINE, TARGET, LATEST):
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        if col == STATUS and role in (Qt.ItemDataRole.BackgroundRole, Qt.ItemDataRole.ForegroundRole):
            bg, fg, _border = TONES[MEASURE_TONES.get(m.status, "neutral")]
            return QColor(bg if role == Qt.ItemDataRole.BackgroundRole else fg)
        if role == Qt.ItemDataRole.ToolTipRole:
            if col in (NAME, FINDING):
                return self._display(m, col)
            if col == BASELINE and m.baseline_label:
                return f"As the report states it: {m.baseline_label}"
            if col == LATEST and m.points:
                return "\n".join(f"{p.period:%b %Y}: {measure_value(p.value, m.unit)}"
                                 + (f" — {p.note}" if p.note else "") for p in m.points)
        return None

    def _display(self, m: MeasureInfo, col: int) -> str:
        if col == FINDING:
            return self._finding_names.get(m.finding_id or -1, m.finding_ref or "—")
        if col == STATUS:
            return STATUS_WORDS.get(m.status, m.status)
        if col == NAME:
            return m.name
        if col == BASELINE:
            return measure_value(m.baseline, m.unit)
        if col == TARGET:
            return measure_value(m.target, m.unit)
        if col == DIRECTION:
            words = "Lower is better" if m.direction == "lower" else "Higher is better"
            # a proposal's direction was read from the report's words: the person confirming decides
            return f"{words} (to check)" if m.status == "proposed" else words
        latest = m.latest
        return "—" if latest is None else f"{measure_value(latest.value, m.unit)} ({latest.period:%b %Y})"


POINT_COLUMNS = ("Period", "Value", "Note")
PERIOD, VALUE, NOTE = range(len(POINT_COLUMNS))


class MeasurePointsModel(RowsTableModel):
    """One measure's recorded values, oldest first."""

    columns = POINT_COLUMNS

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._rows: list[PointInfo] = []
        self._unit = ""

    def set_measure(self, m: MeasureInfo | None) -> None:
        self.beginResetModel()
        self._rows = list(m.points) if m is not None else []
        self._unit = m.unit if m is not None else ""
        self.endResetModel()

    def point(self, row: int) -> PointInfo:
        return self._rows[row]

    def cell(self, p: PointInfo, col: int, role: int, position: int) -> object:
        if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.ToolTipRole):
            if col == PERIOD:
                return f"{p.period:%b %Y}" if p.period.day == 1 else f"{p.period:%d %b %Y}"
            if col == VALUE:
                return measure_value(p.value, self._unit)
            return p.note or ("—" if role == Qt.ItemDataRole.DisplayRole else None)
        if role == ID_ROLE:
            return p.period
        if role == Qt.ItemDataRole.TextAlignmentRole and col == VALUE:
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        return None
