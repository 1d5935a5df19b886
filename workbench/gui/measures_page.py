"""Measures: confirm or discard the ones proposed from report figures, and record values."""

from __future__ import annotations

from workbench.errors import WorkbenchError
from workbench.gui.rows_model import select_row_where, selected_source_row
from workbench.gui.changes import MEASURES_VIEW, concerns
from workbench.gui.context import GuiContext
from workbench.gui.measure_value_dialog import MeasureValueDialog
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
    MeasuresTableModel,
)
from workbench.gui.messages import show_error
from workbench.gui.qt import (
    QAbstractItemView,
    QCheckBox,
    QDialog,
    QHBoxLayout,
    QHeaderView,
    QPushButton,
    QSortFilterProxyModel,
    Qt,
    QTableView,
    QVBoxLayout,
    QWidget,
)
from workbench.gui.style import label
from workbench.services import findings as finding_service
from workbench.services import measures as measure_service
from workbench.services.measures import MeasureInfo


class MeasuresPage(QWidget):
    def __init__(self, ctx: GuiContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.model = MeasuresTableModel(self)
        self.proxy = QSortFilterProxyModel(self)
        self.proxy.setSourceModel(self.model)
        self.proxy.setSortRole(SORT_ROLE)

        self.table = QTableView(objectName="measuresTable")
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

        self.show_discarded = QCheckBox("Show discarded", objectName="showDiscarded")
        self.confirm = QPushButton("Confirm", objectName="confirmMeasure")
        self.discard = QPushButton("Discard", objectName="discardMeasure")
        self.add_value = QPushButton("Add value…", objectName="addMeasureValue")
        self.confirm.setToolTip("Keep this measure and track it")
        self.discard.setToolTip("Not a useful measure for this finding")
        self.count = label("", "muted")
        self.hint = label("", "muted", wrap=True)
        self.hint.setObjectName("measuresHint")

        bar = QHBoxLayout()
        bar.setSpacing(8)
        bar.addWidget(label("Measures", "pageTitle"))
        bar.addStretch(1)
        bar.addWidget(self.count)
        bar.addWidget(self.show_discarded)
        actions = QHBoxLayout()
        actions.addWidget(self.hint, 1)
        for button in (self.confirm, self.discard, self.add_value):
            actions.addWidget(button)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(16, 12, 16, 12)
        layout.setSpacing(10)
        layout.addLayout(bar)
        layout.addWidget(label("Proposed measures come from the figures a report cites (the baseline) and any "
                               "target it states. Confirm the ones worth tracking; record a value each period.",
                               "muted", wrap=True))
        layout.addWidget(self.table, 1)
        layout.addLayout(actions)

        self._editable = ctx.can("findings.edit")
        self.show_discarded.toggled.connect(lambda _on: self.refresh())
        self.table.selectionModel().selectionChanged.connect(lambda *_: self._update_buttons())
        self.table.selectionModel().currentRowChanged.connect(lambda *_: self._update_buttons())
        self.confirm.clicked.connect(lambda: self._set_status("confirmed"))
        self.discard.clicked.connect(lambda: self._set_status("discarded"))
        self.add_value.clicked.connect(self._add_value)
        ctx.changes.changed.connect(self._on_changed)
        self.refresh()

    def refresh(self) -> None:
        keep = self.selected()
        include = self.show_discarded.isChecked()
        try:
            rows, names = self.ctx.read(lambda uow: (
                measure_service.list_measures(uow, include_discarded=include),
                {f.id: f"{f.inspection} / {f.ref}" for f in finding_service.list_findings(uow)}))
        except WorkbenchError as exc:
            show_error(self, exc)
            return
        self.model.set_rows(rows, names)
        to_review = sum(m.status == "proposed" for m in rows)
        self.count.setText(f"{len(rows)} measures · {to_review} to review")
        if keep is not None:
            self.select_measure(keep.id)
        self._update_buttons()

    def _on_changed(self, kinds: frozenset[str]) -> None:
        if concerns(kinds, MEASURES_VIEW):
            self.refresh()

    def selected(self) -> MeasureInfo | None:
        row = selected_source_row(self.table, self.proxy)
        return None if row is None else self.model.measure(row)

    def select_measure(self, measure_id: int) -> bool:
        return select_row_where(self.table, self.proxy, NAME, ID_ROLE, measure_id) is not None

    def _update_buttons(self) -> None:
        m = self.selected()
        self.confirm.setEnabled(self._editable and m is not None and m.status != "confirmed")
        self.discard.setEnabled(self._editable and m is not None and m.status != "discarded")
        self.add_value.setEnabled(self._editable and m is not None and m.status != "discarded")
        if not self._editable:
            self.hint.setText(f"Read only: the {self.ctx.user.role} role cannot change measures.")
        elif m is None:
            self.hint.setText("Select a measure to confirm, discard or record a value.")
        else:
            self.hint.setText(f"{m.name} — baseline {m.baseline_label or '—'}; {len(m.points)} value(s) recorded")

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
