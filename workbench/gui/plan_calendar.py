"""The assurance plan as a calendar: one row per planned audit, one column per month of the year.

Each occurrence says its state in words (planned, due, overdue, started, done) and its rotation's
focus (the crime type or district of that turn); the colour only helps. Selecting an occurrence not
started yet and pressing "Start as a new round" makes it an audit in one step
(`services/assurance_plan.start_planned_audit`), carrying the plan forward.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from typing import Any

from workbench.gui.qt import (
    QAbstractItemView,
    QAbstractTableModel,
    QApplication,
    QFont,
    QHBoxLayout,
    QHeaderView,
    QModelIndex,
    QObject,
    QPersistentModelIndex,
    QPushButton,
    QSpinBox,
    Qt,
    QTableView,
    QTimer,
    QVBoxLayout,
    QWidget,
    Signal,
    named,
)
from workbench.gui.style import label
from workbench.gui.tables import tone_colour
from workbench.services import assurance_plan, scoring
from workbench.services.access import Decision
from workbench.services.assurance_plan import Occurrence, PlannedAuditInfo
from workbench.store.uow import UnitOfWork

MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")
TONE = {"planned": "neutral", "due": "amber", "overdue": "red", "started": "blue", "done": "green"}
LEGEND = ("planned: not due yet · due: this month · overdue: its month has passed and it was not started · "
          "started: an audit round exists · done: that round's cases are all recorded")
#: the data role holding a cell's (plan id, occurrence key), or None
OCCURRENCE_ROLE = int(Qt.ItemDataRole.UserRole) + 1
Index = QModelIndex | QPersistentModelIndex


@dataclass(frozen=True)
class CalendarCell:
    plan_id: int
    plan_version: int
    key: str
    due: date
    focus: str
    state: str  # planned | due | overdue | started | done
    audit_id: int | None


@dataclass(frozen=True)
class CalendarRow:
    plan: PlannedAuditInfo
    cells: dict[int, CalendarCell]  # month (1-12) -> the occurrence in it


@dataclass(frozen=True)
class PlanCalendarData:
    year: int
    today: date
    rows: tuple[CalendarRow, ...]


def occurrence_state(occ: Occurrence, today: date, complete: bool) -> str:
    state = occ.state(today)
    return "done" if state == "started" and complete else state


def read_calendar(uow: UnitOfWork, year: int, today: date) -> PlanCalendarData:
    """The year's occurrences by plan line, each with its state (a started round whose cases are all
    recorded is done). Plain data, for a worker."""
    months = assurance_plan.calendar_of(uow, year)
    plans: dict[int, PlannedAuditInfo] = {}
    cells: dict[int, dict[int, CalendarCell]] = {}
    complete: dict[int, bool] = {}
    for month, entries in months.items():
        for plan, occ in entries:
            plans.setdefault(plan.id, plan)
            done = False
            if occ.audit_id is not None:
                if occ.audit_id not in complete:
                    s = scoring.score_audit(uow, occ.audit_id)
                    complete[occ.audit_id] = s.cases_in_use > 0 and s.incomplete == 0
                done = complete[occ.audit_id]
            cells.setdefault(plan.id, {})[month] = CalendarCell(
                plan.id, plan.version, occ.key, occ.due, occ.focus, occurrence_state(occ, today, done), occ.audit_id)
    rows = tuple(CalendarRow(plans[pid], cells[pid]) for pid in sorted(plans, key=lambda p: (
        plans[p].month_due, plans[p].title, p)))
    return PlanCalendarData(year, today, rows)


class PlanCalendarModel(QAbstractTableModel):
    """Rows: planned audits; column 0 the audit, columns 1-12 the months."""

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._data = PlanCalendarData(date.today().year, date.today(), ())

    def set_data(self, data: PlanCalendarData) -> None:
        self.beginResetModel()
        self._data = data
        self.endResetModel()

    @property
    def calendar(self) -> PlanCalendarData:
        return self._data

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008, N802
        return 0 if parent.isValid() else len(self._data.rows)

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008, N802
        return 0 if parent.isValid() else 13

    def headerData(self, section: int, orientation: Qt.Orientation,  # noqa: N802
                   role: int = Qt.ItemDataRole.DisplayRole) -> object:
        if orientation != Qt.Orientation.Horizontal or not 0 <= section < 13:
            return None
        if role == Qt.ItemDataRole.DisplayRole:
            return "Planned audit" if section == 0 else MONTHS[section - 1]
        if role == Qt.ItemDataRole.ToolTipRole and section:
            return f"{MONTHS[section - 1]} {self._data.year}"
        return None

    def cell(self, index: Index) -> CalendarCell | None:
        if not index.isValid() or not 0 <= index.row() < len(self._data.rows) or index.column() == 0:
            return None
        return self._data.rows[index.row()].cells.get(index.column())

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> object:
        if not index.isValid() or not 0 <= index.row() < len(self._data.rows) or not 0 <= index.column() < 13:
            return None
        row = self._data.rows[index.row()]
        p = row.plan
        if index.column() == 0:
            if role == Qt.ItemDataRole.DisplayRole:
                return p.title
            if role == Qt.ItemDataRole.ToolTipRole:
                rotation = f"; rotates across {p.rotation_kind}: {', '.join(p.rotation)}" if p.rotation else ""
                refs = ", ".join(p.finding_refs) or "no finding"
                return (f"{p.title} ({p.recurrence}, first due {MONTHS[p.month_due - 1]} {p.year}{rotation}). "
                        f"Owner: {p.owner or 'not named'}. Tests {refs}. Template {p.template_key}.")
            return None
        c = row.cells.get(index.column())
        if c is None:
            return None
        if role == Qt.ItemDataRole.DisplayRole:
            return c.state + (f"\n{c.focus}" if c.focus else "")  # the turn below: a narrow month wraps at words
        if role == Qt.ItemDataRole.ToolTipRole:
            audit = f" as audit {c.audit_id}" if c.audit_id is not None else ""
            focus = f", focus {c.focus}" if c.focus else ""
            return f"{p.title}: {c.key}{focus}, due by {c.due:%d %b %Y}; {c.state}{audit}"
        if role == OCCURRENCE_ROLE:
            return (c.plan_id, c.key)
        if role == Qt.ItemDataRole.AccessibleTextRole:
            return f"{p.title}, {MONTHS[index.column() - 1]}: {c.state}" + (f", {c.focus}" if c.focus else "")
        if role in (Qt.ItemDataRole.BackgroundRole, Qt.ItemDataRole.ForegroundRole):
            return tone_colour(TONE.get(c.state, "neutral"), role)
        if role == Qt.ItemDataRole.FontRole:
            return _month_font()
        return None


@functools.cache
def _month_font() -> QFont:
    """A month cell's font: a point smaller than the table's, so a turn's name fits a month's width."""
    font = QFont(QApplication.font())
    font.setPointSizeF(max(7.0, font.pointSizeF() - 1))
    return font


class PlanCalendar(QWidget):
    """The calendar view with its year and the one-step start. `start_requested(plan_id, key, version)`
    is emitted for the page to write; `year_changed(year)` asks the page to read that year."""

    start_requested = Signal(int, str, int)
    year_changed = Signal(int)
    add_requested = Signal()

    def __init__(self, may_start: Decision, today: Callable[[], date] = date.today,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("planCalendar")
        self._may_start = may_start
        self.model = PlanCalendarModel(self)
        self.view = named(QTableView(), "planCalendarTable")
        self.view.setModel(self.model)
        self.view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectItems)
        self.view.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.view.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.view.verticalHeader().setVisible(False)
        self.view.setWordWrap(True)
        self.view.setAccessibleName("Assurance plan calendar")
        header = self.view.horizontalHeader()
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.ResizeToContents)
        for col in range(1, 13):
            header.setSectionResizeMode(col, QHeaderView.ResizeMode.Stretch)
        # the month columns take their width after the view's resize: fit the rows again then
        self._refit = QTimer(self)  # the calendar's own timer: it goes with the calendar
        self._refit.setSingleShot(True)
        self._refit.setInterval(0)
        self._refit.timeout.connect(self._fit)
        header.sectionResized.connect(lambda *_: self._refit.start())
        self.year = named(QSpinBox(minimum=2000, maximum=2100), "planYear")
        self.year.setValue(today().year)
        self.year.setAccessibleName("Plan year")
        self.start = named(QPushButton("Start as a new round"), "startPlanned")
        self.start.setAccessibleName("Start the selected planned audit as a new round")
        self.add = named(QPushButton("Plan an audit…"), "addPlanned")
        self.add.setEnabled(bool(may_start))
        self.add.setToolTip("" if may_start else may_start.reason)
        self.add.clicked.connect(self.add_requested.emit)
        self.empty = label("", "muted", wrap=True)
        self.empty.setObjectName("planEmpty")
        self.note = label(LEGEND, "muted", wrap=True)
        bar = QHBoxLayout()
        bar.addWidget(label("Year"))
        bar.addWidget(self.year)
        bar.addStretch(1)
        bar.addWidget(self.add)
        bar.addWidget(self.start)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addLayout(bar)
        layout.addWidget(self.empty)
        layout.addWidget(self.view)
        layout.addWidget(self.note)
        self.year.valueChanged.connect(self.year_changed.emit)
        self.view.selectionModel().currentChanged.connect(lambda *_: self._update())
        self.start.clicked.connect(self._start)
        self.show_calendar(self.model.calendar)

    def show_calendar(self, data: PlanCalendarData) -> None:
        keep = self.selected()
        self.model.set_data(data)
        self.empty.setText("" if data.rows else f"No audits are planned for {data.year}. Plan one with "
                           "“Plan an audit…”: its template, findings, month due, recurrence and rotation.")
        self.empty.setVisible(not data.rows)
        self.view.setVisible(bool(data.rows))
        self._fit()
        if keep is not None:
            self.select(keep.plan_id, keep.key)
        self._update()

    def _fit(self) -> None:
        """Rows as tall as their wrapped text at the columns' present widths, and the view as tall
        as its rows (no inner scrolling, nothing cut off). A long plan title wraps past a fifth of
        the width (at least 170 px), leaving the months room for their turns."""
        header = self.view.horizontalHeader()
        most = max(170, self.width() // 5)  # this widget has its new width in its resize event; the view not yet
        if header.maximumSectionSize() != most:
            header.setMaximumSectionSize(most)
            self.view.resizeColumnToContents(0)  # the title's width is measured again under the new cap
        self.view.resizeRowsToContents()
        rows = self.model.rowCount()
        self.view.setFixedHeight(self.view.horizontalHeader().height() + 4
                                 + sum(self.view.rowHeight(r) for r in range(rows)) if rows else 0)

    def resizeEvent(self, event: Any) -> None:  # noqa: N802
        super().resizeEvent(event)
        self._fit()

    def selected(self) -> CalendarCell | None:
        return self.model.cell(self.view.selectionModel().currentIndex())

    def select(self, plan_id: int, key: str) -> bool:
        for r in range(self.model.rowCount()):
            for c in range(1, 13):
                index = self.model.index(r, c)
                if index.data(OCCURRENCE_ROLE) == (plan_id, key):
                    self.view.setCurrentIndex(index)
                    return True
        return False

    def _update(self) -> None:
        c = self.selected()
        startable = c is not None and c.audit_id is None
        self.start.setEnabled(bool(self._may_start) and startable)
        if not self._may_start:
            self.start.setToolTip(self._may_start.reason)
        elif c is None:
            self.start.setToolTip("Select a month of a planned audit first")
        elif c.audit_id is not None:
            self.start.setToolTip(f"{c.key} was started as audit {c.audit_id}")
        else:
            self.start.setToolTip(f"Make {c.key} an audit now: the next round of the plan, with its template, "
                                  "findings, sizing and method carried forward")

    def _start(self) -> None:
        c = self.selected()
        if c is not None and c.audit_id is None:
            self.start_requested.emit(c.plan_id, c.key, c.plan_version)
