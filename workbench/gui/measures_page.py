"""Measures: confirm, edit or discard the ones proposed from report figures; their series of values
(recorded, corrected, removed) and its trend chart."""

from __future__ import annotations

from workbench.gui import confirm
from workbench.gui.changes import MEASURES_VIEW, concerns
from workbench.gui.context import GuiContext
from workbench.gui.display_text import measure_value
from workbench.gui.measure_value_dialog import MeasureDialog, MeasureValueDialog
from workbench.gui.measures_model import (
    BASELINE,
    DIRECTION,
    FINDING,
    ID_ROLE,
    LATEST,
    NAME,
    SORT_ROLE,
    STATUS,
    TARGET,
    MeasurePointsModel,
    MeasuresTableModel,
)
from workbench.gui.page import ReadingPage
from workbench.gui.qt import (
    QAbstractItemView,
    QCheckBox,
    QDialog,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QPushButton,
    QSortFilterProxyModel,
    QSplitter,
    Qt,
    QTableView,
    QVBoxLayout,
    QWidget,
    named,
)
from workbench.gui.rows_model import select_row_where, selected_source_row
from workbench.gui.style import label
from workbench.gui.trend_chart import SeriesChart
from workbench.gui.workers import busy_note
from workbench.services import findings as finding_service
from workbench.services import measures as measure_service
from workbench.services.measures import MeasureInfo, PointInfo
from workbench.wording import counted


class MeasuresPage(ReadingPage):
    def __init__(self, ctx: GuiContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.model = MeasuresTableModel(self)
        self.proxy = QSortFilterProxyModel(self)
        self.proxy.setSourceModel(self.model)
        self.proxy.setSortRole(SORT_ROLE)

        self.table = named(QTableView(), "measuresTable")
        self.table.setModel(self.proxy)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setSortingEnabled(True)
        self.table.sortByColumn(FINDING, Qt.SortOrder.AscendingOrder)
        self.table.setAlternatingRowColors(True)
        self.table.setShowGrid(False)
        self.table.setWordWrap(False)
        self.table.verticalHeader().setVisible(False)
        self.table.verticalHeader().setDefaultSectionSize(self.table.fontMetrics().height() + 10)
        header = self.table.horizontalHeader()
        header.setHighlightSections(False)
        header.setSectionResizeMode(NAME, QHeaderView.ResizeMode.Stretch)
        for col, width in ((FINDING, 150), (STATUS, 90), (BASELINE, 90), (TARGET, 80), (DIRECTION, 120),
                           (LATEST, 140)):
            self.table.setColumnWidth(col, width)

        self.show_discarded = named(QCheckBox("Show discarded"), "showDiscarded")
        self.confirm = named(QPushButton("Confirm"), "confirmMeasure")
        self.discard = named(QPushButton("Discard"), "discardMeasure")
        self.add_value = named(QPushButton("Add value…"), "addMeasureValue")
        self.confirm.setToolTip("Keep this measure and track it")
        self.discard.setToolTip("Not a useful measure for this finding")
        self.edit = named(QPushButton("Edit measure…"), "editMeasure")
        self.edit.setToolTip("Change the name, unit, baseline, target, direction or status")
        self.count = label("", "muted")
        self.loader = ctx.loader(self, self._fill, name="measuresLoader")
        self.busy_note = busy_note(self.loader)
        self._stale = True  # read when first shown
        self.hint = label("", "muted", wrap=True)
        self.hint.setObjectName("measuresHint")

        bar = QHBoxLayout()
        bar.setSpacing(8)
        bar.addWidget(label("Measures", "pageTitle"))
        bar.addStretch(1)
        bar.addWidget(self.busy_note)
        bar.addWidget(self.count)
        bar.addWidget(self.show_discarded)
        actions = QHBoxLayout()
        actions.addWidget(self.hint, 1)
        for button in (self.edit, self.confirm, self.discard):
            actions.addWidget(button)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(16, 12, 16, 12)
        layout.setSpacing(10)
        layout.addLayout(bar)
        layout.addWidget(label("Proposed measures come from the figures a report cites (the baseline) and any "
                               "target it states. Confirm the ones worth tracking; record a value each period.",
                               "muted", wrap=True))
        layout.addWidget(self.table, 3)
        layout.addLayout(actions)
        layout.addWidget(self._series_panel(), 2)
        for widget, name in ((self.table, "Measures"), (self.show_discarded, "Show discarded measures"),
                             (self.confirm, "Confirm measure"), (self.discard, "Discard measure"),
                             (self.edit, "Edit measure"), (self.add_value, "Add value"),
                             (self.edit_value, "Correct value"), (self.remove_value, "Remove value"),
                             (self.points_table, "Recorded values")):
            widget.setAccessibleName(name)

        self._editable = ctx.can("findings.edit")
        self._shown: MeasureInfo | None = None
        self.show_discarded.toggled.connect(lambda _on: self.refresh())
        self.table.selectionModel().selectionChanged.connect(lambda *_: self._update_buttons())
        self.table.selectionModel().currentRowChanged.connect(lambda *_: self._update_buttons())
        self.confirm.clicked.connect(lambda: self._set_status("confirmed"))
        self.discard.clicked.connect(lambda: self._set_status("discarded"))
        self.add_value.clicked.connect(self._add_value)
        self.edit.clicked.connect(self._edit_measure)
        self.edit_value.clicked.connect(self._edit_value)
        self.remove_value.clicked.connect(self._remove_value)
        self.table.doubleClicked.connect(lambda _i: self._edit_measure())
        self.points_table.doubleClicked.connect(lambda _i: self._edit_value())
        self.points_table.selectionModel().selectionChanged.connect(lambda *_: self._update_buttons())
        ctx.changes.changed.connect(self._on_changed)

    def _series_panel(self) -> QWidget:
        self.points = MeasurePointsModel(self)
        self.points_table = named(QTableView(), "measurePoints")
        self.points_table.setModel(self.points)
        self.points_table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.points_table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.points_table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.points_table.verticalHeader().setVisible(False)
        self.points_table.setShowGrid(False)
        self.points_table.setAlternatingRowColors(True)
        self.points_table.horizontalHeader().setStretchLastSection(True)
        self.edit_value = named(QPushButton("Correct…"), "editMeasureValue")
        self.remove_value = named(QPushButton("Remove…"), "removeMeasureValue")
        self.series_hint = label("", "muted", wrap=True)
        self.series_hint.setObjectName("seriesHint")
        self.chart = SeriesChart()
        box = named(QGroupBox("Values and trend"), "seriesBox")
        buttons = QHBoxLayout()
        for button in (self.add_value, self.edit_value, self.remove_value):
            buttons.addWidget(button)
        buttons.addStretch(1)
        left = QWidget()
        left_lay = QVBoxLayout(left)
        left_lay.setContentsMargins(0, 0, 0, 0)
        left_lay.addWidget(self.points_table, 1)
        left_lay.addLayout(buttons)
        left_lay.addWidget(self.series_hint)
        split = named(QSplitter(), "seriesSplit")
        split.addWidget(left)
        split.addWidget(self.chart)
        split.setStretchFactor(0, 2)
        split.setStretchFactor(1, 3)
        lay = QVBoxLayout(box)
        lay.addWidget(split)
        return box

    @property
    def busy(self) -> bool:
        return self.loader.busy

    def refresh(self) -> None:
        """Read the measures in a worker; the table is filled when it ends."""
        self._stale = False
        include = self.show_discarded.isChecked()
        self.ctx.load(self.loader, lambda uow: (
            measure_service.list_measures(uow, include_discarded=include),
            {f.stored_id: f"{f.inspection} / {f.ref}" for f in finding_service.list_findings(uow)}))

    def _fill(self, loaded: tuple) -> None:
        rows, names = loaded
        keep = self.selected()
        self.model.set_rows(rows, names)
        to_review = sum(m.status == "proposed" for m in rows)
        self.count.setText(f"{len(rows)} measures · {to_review} to review")
        if keep is not None:
            self.select_measure(keep.id)
        self._update_buttons()

    def _on_changed(self, kinds: frozenset[str]) -> None:
        if concerns(kinds, MEASURES_VIEW):
            self.read_now_or_when_shown()

    def selected(self) -> MeasureInfo | None:
        row = selected_source_row(self.table, self.proxy)
        return None if row is None else self.model.measure(row)

    def select_measure(self, measure_id: int) -> bool:
        return select_row_where(self.table, self.proxy, NAME, ID_ROLE, measure_id) is not None

    def _update_buttons(self) -> None:
        m = self.selected()
        if m != self._shown:
            self._show_series(m)
        point = self.selected_point()
        self.confirm.setEnabled(self._editable and m is not None and m.status != "confirmed")
        self.discard.setEnabled(self._editable and m is not None and m.status != "discarded")
        self.edit.setEnabled(self._editable and m is not None)
        self.add_value.setEnabled(self._editable and m is not None and m.status != "discarded")
        self.edit_value.setEnabled(self._editable and point is not None)
        self.remove_value.setEnabled(self._editable and point is not None)
        if self.model.rowCount() == 0:
            self.hint.setText("No measures yet. Import a report (File ▸ Import report…): the figures it cites are "
                              "proposed here as measures to confirm." if not self.show_discarded.isChecked()
                              else "No measures at all yet. Import a report to have its figures proposed.")
        elif not self._editable:
            self.hint.setText(f"Read only: the {self.ctx.user.role} role cannot change measures.")
        elif m is None:
            self.hint.setText("Select a measure to confirm, edit or discard it and to see its values.")
        else:
            self.hint.setText(f"{m.name} — baseline {m.baseline_label or measure_value(m.baseline, m.unit)}; "
                              f"{counted(len(m.points), 'value')} recorded")
        if m is None:
            self.series_hint.setText("")
        elif m.status == "discarded":
            self.series_hint.setText("Discarded: confirm it again to record values.")
        elif not m.points:
            self.series_hint.setText("No values yet: Add value… records this month's figure.")
        else:
            self.series_hint.setText("Double-click a value to correct it.")

    def _show_series(self, m: MeasureInfo | None) -> None:
        self._shown = m
        self.points.set_measure(m)
        if m is None:
            self.chart.set_series((), None, None, empty="Select a measure to see its values over time")
            return
        self.points_table.resizeColumnsToContents()
        self.points_table.horizontalHeader().setStretchLastSection(True)
        self.chart.set_series([(f"{p.period:%b %Y}", p.value) for p in m.points], m.baseline, m.target,
                              fmt=lambda v, unit=m.unit: measure_value(round(v, 1), unit),
                              empty="No values recorded yet — Add value… starts the series")

    def selected_point(self) -> PointInfo | None:
        sel = self.points_table.selectionModel()
        index = sel.currentIndex()
        if not index.isValid() or not sel.hasSelection() or index.row() >= self.points.rowCount():
            return None
        return self.points.point(index.row())

    def _set_status(self, status: str) -> None:
        m = self.selected()
        if m is not None:
            self.ctx.write(self, lambda uow: measure_service.update_measure(
                uow, m.id, expected_version=m.version, status=status))

    def _add_value(self) -> None:
        m = self.selected()
        if m is None:
            return
        dialog = MeasureValueDialog(m, self)
        if dialog.exec() != QDialog.DialogCode.Accepted.value:
            return
        entry = dialog.entry()
        self.ctx.write(self, lambda uow: measure_service.record_point(uow, m.id, entry.period, entry.value,
                                                                      entry.note))


    def _edit_measure(self) -> None:
        m = self.selected()
        if m is None or not self._editable:
            return
        dialog = MeasureDialog(m, self)
        if dialog.exec() != QDialog.DialogCode.Accepted.value:
            return
        changes = dialog.changes()
        if changes:
            self.ctx.write(self, lambda uow: measure_service.update_measure(
                uow, m.id, expected_version=m.version, **changes))

    def _edit_value(self) -> None:
        m, point = self.selected(), self.selected_point()
        if m is None or point is None or not self._editable:
            return
        dialog = MeasureValueDialog(m, self, point)
        if dialog.exec() != QDialog.DialogCode.Accepted.value:
            return
        entry = dialog.entry()
        self.ctx.write(self, lambda uow: measure_service.update_point(
            uow, m.id, point.period, entry.value, entry.note, new_period=entry.period))

    def _remove_value(self) -> None:
        m, point = self.selected(), self.selected_point()
        if m is None or point is None:
            return
        words = f"{measure_value(point.value, m.unit)} for {point.period:%B %Y}"
        if not confirm.ask(self, "Remove value", f"Remove the value {words} from “{m.name}”?",
                           "The series and its chart lose this point. The change log keeps what it was.",
                           "Remove value"):
            return
        self.ctx.write(self, lambda uow: measure_service.remove_point(uow, m.id, point.period))
