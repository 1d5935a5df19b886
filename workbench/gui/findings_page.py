"""The findings register: a filterable, sortable table and the detail of the selected finding."""

from __future__ import annotations

from workbench.gui.changes import FINDINGS_VIEW, concerns
from workbench.gui.context import GuiContext
from workbench.gui.finding_detail import FindingDetail
from workbench.gui.finding_progress import FindingProgress
from workbench.gui.findings_model import (
    AREA,
    COLUMNS,
    ID_ROLE,
    INSPECTION,
    KIND,
    OWNER,
    REF,
    STATUS,
    TARGET,
    TITLE,
    FindingsFilter,
    FindingsTableModel,
)
from workbench.gui.import_dialog import accept_report_drops
from workbench.gui.page import ReadingPage
from workbench.gui.qt import (
    QAbstractItemView,
    QByteArray,
    QComboBox,
    QHBoxLayout,
    QHeaderView,
    QLineEdit,
    QModelIndex,
    QSettings,
    QSplitter,
    Qt,
    QTableView,
    QTabWidget,
    QVBoxLayout,
    QWidget,
    named,
)
from workbench.gui.rows_model import select_row_where
from workbench.gui.style import label
from workbench.gui.workers import busy_note
from workbench.services import findings as finding_service
from workbench.services.settings import finding_statuses

ALL_INSPECTIONS = "All inspections"


class FindingsPage(ReadingPage):
    def __init__(self, ctx: GuiContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.report_drops = accept_report_drops(self, ctx)  # a report file dropped here starts its import
        self.model = FindingsTableModel(self)
        self.proxy = FindingsFilter(self)
        self.proxy.setSourceModel(self.model)

        self.search = named(QLineEdit(placeholderText="Filter by words in any column or the text…"), "findingsFilter")
        self.search.setClearButtonEnabled(True)
        self.search.setAccessibleName("Filter findings")
        self.inspection = named(QComboBox(), "inspectionFilter")
        self.inspection.setAccessibleName("Show the findings of")
        self.inspection.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToContents)
        self.count = label("", "muted")
        self.count.setObjectName("findingsCount")
        self.loader = ctx.loader(self, self._fill, name="findingsLoader")
        self.busy_note = busy_note(self.loader)
        self._pending: int | None = None  # a finding to select once the register is read
        self._stale = True  # read when first shown

        self.table = named(QTableView(), "findingsTable")
        self.table.setAccessibleName("Findings")
        self.table.setModel(self.proxy)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setSortingEnabled(True)
        self.table.setAlternatingRowColors(True)
        self.table.setWordWrap(False)
        self.table.setShowGrid(False)
        self.table.verticalHeader().setVisible(False)
        self.table.verticalHeader().setDefaultSectionSize(self.table.fontMetrics().height() + 10)
        header = self.table.horizontalHeader()
        header.setHighlightSections(False)
        header.setStretchLastSection(True)
        header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        header.setSectionsMovable(True)
        header.moveSection(header.visualIndex(TITLE), REF + 1)  # read the title first; kind last
        header.moveSection(header.visualIndex(KIND), len(COLUMNS) - 1)
        widths = {INSPECTION: 100, REF: 60, TITLE: 300, AREA: 180, STATUS: 110, OWNER: 120, TARGET: 90, KIND: 60}
        for col, width in widths.items():
            self.table.setColumnWidth(col, width)
        self.table.sortByColumn(INSPECTION, Qt.SortOrder.AscendingOrder)
        assert len(widths) == len(COLUMNS)

        self.detail = FindingDetail(ctx)
        self.progress = FindingProgress(ctx)
        self.detail_tabs = named(QTabWidget(), "findingTabs")
        self.detail_tabs.setDocumentMode(True)
        self.detail_tabs.addTab(self.detail, "Finding")
        self.detail_tabs.addTab(self.progress, "Readiness and sign-off")
        self.splitter = named(QSplitter(Qt.Orientation.Horizontal), "findingsSplitter")
        self.splitter.addWidget(self.table)
        self.splitter.addWidget(self.detail_tabs)
        self.splitter.setStretchFactor(0, 3)
        self.splitter.setStretchFactor(1, 2)
        self.splitter.setChildrenCollapsible(False)
        self.splitter.setSizes([640, 540])

        bar = QHBoxLayout()
        bar.setSpacing(8)
        bar.addWidget(label("Findings register", "pageTitle"))
        bar.addStretch(1)
        bar.addWidget(self.busy_note)
        bar.addWidget(self.count)
        bar.addWidget(self.inspection)
        bar.addWidget(self.search, 1)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(16, 12, 16, 12)
        layout.setSpacing(10)
        layout.addLayout(bar)
        # an empty register says how to fill it (shown in place of nothing at all)
        self.empty_note = label("No findings yet. Import an inspection report with File ▸ Import report… "
                                "(Ctrl+I), or drop the report's file (PDF, HTML or text) on this page; "
                                "a thematic report, letter or Engage source is added on the Register page.",
                                "muted", wrap=True)
        self.empty_note.setObjectName("findingsEmpty")
        self.empty_note.setVisible(False)
        layout.addWidget(self.empty_note)
        layout.addWidget(self.splitter, 1)

        self.search.textChanged.connect(self._filter_text)
        self.inspection.currentIndexChanged.connect(self._filter_inspection)
        self.table.selectionModel().currentRowChanged.connect(self._current_changed)
        self.proxy.modelReset.connect(self._update_count)
        self.proxy.rowsInserted.connect(self._update_count)
        self.proxy.rowsRemoved.connect(self._update_count)
        ctx.changes.changed.connect(self._on_changed)

    # -- data -------------------------------------------------------------------------------
    @property
    def busy(self) -> bool:
        return self.loader.busy or self.progress.busy

    def refresh(self) -> None:
        """Read the register in a worker; the table is filled when it ends."""
        self._stale = False
        self.ctx.load(self.loader, lambda uow: (finding_service.list_findings(uow),
                                                finding_service.list_inspections(uow), finding_statuses(uow)))

    def _fill(self, loaded: tuple) -> None:
        rows, inspections, statuses = loaded
        keep = self._pending if self._pending is not None else self.selected_id()
        self._pending = None
        self.model.set_rows(rows)
        self.empty_note.setVisible(not rows)
        self._fill_inspections([i.programme or i.title for i in inspections])
        self._update_count()
        if keep is not None and self.select_finding(keep):
            row = self.model.row_of(keep)
            self.detail.show_finding(self.model.finding(row) if row is not None else None, statuses)
            self.progress.show_finding(self.model.finding(row) if row is not None else None)
        else:
            self.detail.show_finding(None, statuses)
            self.progress.show_finding(None)

    def _on_changed(self, kinds: frozenset[str]) -> None:
        if concerns(kinds, FINDINGS_VIEW):
            self.read_now_or_when_shown()

    def _fill_inspections(self, names: list[str]) -> None:
        current = self.inspection.currentText()
        self.inspection.blockSignals(True)
        self.inspection.clear()
        self.inspection.addItem(ALL_INSPECTIONS)
        self.inspection.addItems(names)
        self.inspection.setCurrentIndex(max(0, self.inspection.findText(current)))
        self.inspection.blockSignals(False)
        self._filter_inspection()

    # -- filtering and selection --------------------------------------------------------------
    def _filter_text(self, text: str) -> None:
        self.proxy.set_text(text)
        self._update_count()

    def _filter_inspection(self, *_: object) -> None:
        text = self.inspection.currentText()
        self.proxy.set_inspection(None if text in ("", ALL_INSPECTIONS) else text)
        self._update_count()

    def _update_count(self, *_: object) -> None:
        shown, total = self.proxy.rowCount(), self.model.rowCount()
        if total:
            self.empty_note.setVisible(False)
        self.count.setText(f"{total} findings" if shown == total else f"{shown} of {total} findings")

    def selected_id(self) -> int | None:
        index = self.table.selectionModel().currentIndex()
        return index.data(ID_ROLE) if index.isValid() and self.table.selectionModel().hasSelection() else None

    def select_finding(self, finding_id: int) -> bool:
        """Select a finding by id if the filters show it; while the register is being read (or
        before it is first shown), it is selected once it is in."""
        if self.loader.busy or self._stale:
            self._pending = finding_id
        found = select_row_where(self.table, self.proxy, REF, ID_ROLE, finding_id) is not None
        return found or self._pending == finding_id

    def select_ref(self, inspection: str, ref: str) -> bool:
        row = next((i for i in range(self.model.rowCount())
                    if (self.model.finding(i).inspection, self.model.finding(i).ref) == (inspection, ref)), None)
        finding_id = self.model.finding(row).id if row is not None else None
        return finding_id is not None and self.select_finding(finding_id)

    def _current_changed(self, current: QModelIndex, _previous: QModelIndex) -> None:
        index = self.proxy.mapToSource(current) if current.isValid() else None
        shown = self.model.finding(index.row()) if index is not None else None
        self.detail.show_finding(shown)
        self.progress.show_finding(shown)

    # -- window state ---------------------------------------------------------------------
    def save_state(self, settings: QSettings) -> None:
        settings.setValue("findings/splitter", self.splitter.saveState())
        settings.setValue("findings/header", self.table.horizontalHeader().saveState())

    def restore_state(self, settings: QSettings) -> None:
        for key, target in (("findings/splitter", self.splitter), ("findings/header", self.table.horizontalHeader())):
            value = settings.value(key)
            if isinstance(value, QByteArray) and not value.isEmpty():
                target.restoreState(value)

