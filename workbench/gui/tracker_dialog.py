"""Bring in the force's tracker: choose the file (and sheet), check the column mapping, read what
happens to every row, then import it, after a confirmation, in a worker.

Nothing is written until Import is confirmed; the preview runs in a read-only unit of work each time
the file, the sheet or a column's field changes (services/tracker_import.py).
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from workbench.gui import confirm
from workbench.gui.context import GuiContext
from workbench.gui.qt import (
    QAbstractItemView,
    QComboBox,
    QDialog,
    QFileDialog,
    QGridLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPushButton,
    Qt,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
    named,
)
from workbench.gui.style import card, label, set_tone, tag
from workbench.gui.tables import tone_colour
from workbench.gui.workers import WorkerTask
from workbench.progress import Progress
from workbench.store.uow import UnitOfWork
from workbench.wording import counted

if TYPE_CHECKING:
    from workbench.services.tracker_import import RowPlan, TrackerImported, TrackerPreview

TRACKER_FILTER = "Trackers (*.xlsx *.csv);;All files (*)"
NOTE = ""
#: each action in words and its colour (never the colour alone)
ACTIONS = {"create": ("Create", "blue"), "update": ("Update", "green"), "unchanged": ("No change", "neutral"),
           "skip": ("Skip", "neutral"), "conflict": ("Conflict", "red")}
COUNT_WORDS = (("create", "to create"), ("update", "to update"), ("unchanged", "unchanged"), ("skip", "to skip"),
               ("conflict", "in conflict"))


def _fields() -> dict[str, str]:
    from workbench.services.tracker_import import FIELDS

    return FIELDS


class TrackerImportDialog(QDialog):
    def __init__(self, ctx: GuiContext, parent: QWidget | None = None, path: Path | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("trackerImportDialog")
        self.setWindowTitle("Bring in your tracker")
        self.ctx = ctx
        self.preview: TrackerPreview | None = None  # of the current file, sheet and mapping
        self.task: WorkerTask | None = None
        self.imported: TrackerImported | None = None  # of the last import
        self._filling = False
        self.user_choices: dict[str, str] = {}  # column -> field, as the user chose in the combos
        self.status_choices: dict[str, str] = {}  # tracker word -> force state ("" = not on the line)
        self._suggested: dict[str, str] = {}  # column -> field, as the last preview mapped it
        self.resize(1180, 760)

        self.path = named(QLineEdit(placeholderText="An Excel (.xlsx) or CSV tracker"), "trackerPath")
        self.path.setReadOnly(True)
        self.path.setAccessibleName("Tracker file")
        browse = named(QPushButton("Choose file…"), "browseButton")
        browse.clicked.connect(self._browse)
        self.sheet = named(QComboBox(), "trackerSheet")
        self.sheet.setAccessibleName("Sheet")
        self.sheet.setEnabled(False)
        self.sheet.setMinimumWidth(160)
        self.sheet.currentIndexChanged.connect(self._sheet_changed)
        top = QHBoxLayout()
        top.addWidget(label("Tracker"))
        top.addWidget(self.path, 1)
        top.addWidget(browse)
        top.addSpacing(12)
        top.addWidget(label("Sheet"))
        top.addWidget(self.sheet)

        self.state = tag("Choose a tracker file", "neutral")
        self.state.setObjectName("trackerState")
        self.summary = label("", wrap=True)
        self.summary.setObjectName("trackerSummary")
        self.notes = label("", wrap=True)
        self.notes.setObjectName("trackerNotes")

        self.mapping = named(QTableWidget(0, 4), "mappingTable")
        self.mapping.setAccessibleName("Columns of the tracker and where each goes")
        self.mapping.setHorizontalHeaderLabels(["Column in the tracker", "Goes to", "Why", "Sample values"])
        _table_style(self.mapping, stretch=3)

        self.statuses = named(QTableWidget(0, 2), "statusTable")
        self.statuses.setAccessibleName("The tracker's status words and the force's statuses")
        self.statuses.setHorizontalHeaderLabels(["In the tracker", "On the force's line"])
        _table_style(self.statuses, stretch=1)

        counts = card()
        grid = QGridLayout(counts)
        grid.setContentsMargins(14, 8, 14, 8)
        grid.setHorizontalSpacing(28)
        self.count_labels: dict[str, QLabel] = {}
        for col, (action, words) in enumerate(COUNT_WORDS):
            value = label("0", "statValue")
            value.setObjectName(f"count-{action}")
            grid.addWidget(value, 0, col)
            grid.addWidget(label(words, "statCaption"), 1, col)
            self.count_labels[action] = value

        self.rows = named(QTableWidget(0, 5), "previewTable")
        self.rows.setAccessibleName("What the import does with each row")
        self.rows.setHorizontalHeaderLabels(["Row", "What happens", "Reference", "Finding or source", "Details"])
        _table_style(self.rows, stretch=4)
        self.rows.setWordWrap(True)

        self.import_button = named(QPushButton("Import…"), "importTrackerButton")
        self.import_button.setEnabled(False)
        self.import_button.clicked.connect(self.run_import)
        close = named(QPushButton("Close"), "closeButton")
        close.clicked.connect(self.reject)
        buttons = QHBoxLayout()
        buttons.addWidget(self.state)
        buttons.addStretch(1)
        buttons.addWidget(self.import_button)
        buttons.addWidget(close)

        lay = QVBoxLayout(self)
        lay.addLayout(top)
        lay.addWidget(self.notes)
        left, right = QVBoxLayout(), QVBoxLayout()
        left.addWidget(label("Columns", "section"))
        left.addWidget(label("Each column goes to one field of the register; a column kept as a note is stored in "
                             "the finding's notes, never dropped.", wrap=True))
        left.addWidget(self.mapping, 1)
        right.addWidget(label("Status words", "section"))
        right.addWidget(label("A word not on the force's line is flagged and not applied. Closure is never "
                              "recorded by an import: it takes its two steps, with evidence.", wrap=True))
        right.addWidget(self.statuses, 1)
        both = QHBoxLayout()
        both.addLayout(left, 3)
        both.addLayout(right, 1)
        lay.addLayout(both, 2)
        lay.addWidget(counts)
        lay.addWidget(label("What happens to each row", "section"))
        lay.addWidget(self.rows, 3)
        lay.addWidget(self.summary)
        lay.addLayout(buttons)
        if path is not None:
            self.open_file(path)

    # -- inputs --------------------------------------------------------------------------------
    def _browse(self) -> None:
        chosen, _ = QFileDialog.getOpenFileName(self, "Choose the tracker", "", TRACKER_FILTER)
        if chosen:
            self.open_file(Path(chosen))

    def open_file(self, path: Path) -> None:
        self.path.setText(str(path))
        self.user_choices, self.status_choices = {}, {}
        self._filling = True
        self.sheet.clear()
        self.sheet.setEnabled(False)
        self._filling = False
        self.run_preview(mapping=None)

    def _sheet_changed(self) -> None:
        if not self._filling and self.path.text():
            self.user_choices = {}
            self.run_preview(mapping=None)

    def chosen_mapping(self) -> dict[str, str]:
        """Every column's field as the combos say ("" keeps the column as a note)."""
        out = {}
        for r in range(self.mapping.rowCount()):
            out[_cell_text(self.mapping, r)] = _combo_data(self.mapping, r) or NOTE
        return out

    def _mapping_changed(self) -> None:
        """A combo changed: the user's choices override the suggestion; the rest is suggested again."""
        if self._filling:
            return
        for column, field in self.chosen_mapping().items():
            suggested = self._suggested.get(column)
            if column in self.user_choices or field != suggested:
                self.user_choices[column] = field
        self.run_preview(mapping=dict(self.user_choices))

    # -- preview and import --------------------------------------------------------------------
    def _options(self) -> dict:
        sheet = self.sheet.currentText() if self.sheet.isEnabled() and self.sheet.count() else None
        return {"sheet": sheet or None, "status_words": dict(self.status_choices) or None}

    def _status_changed(self) -> None:
        if self._filling:
            return
        for r in range(self.statuses.rowCount()):
            self.statuses_choice(r)
        self.run_preview(mapping=dict(self.user_choices) or None)

    def statuses_choice(self, row: int) -> None:
        self.status_choices[_cell_text(self.statuses, row)] = _combo_data(self.statuses, row) or ""

    def run_preview(self, mapping: dict[str, str] | None) -> None:
        from workbench.services import tracker_import

        path = Path(self.path.text())
        options = self._options()
        self.import_button.setEnabled(False)
        self._state("Reading…", "neutral", "")

        def work(uow: UnitOfWork, progress: Progress):
            return tracker_import.preview_tracker(uow, path, mapping, **options)

        self.task = self.ctx.background(self, f"Reading {path.name}…", work, write=False,
                                        on_success=self._previewed, on_failure=self._failed)

    def _failed(self, exc: BaseException) -> None:
        self.preview = None
        self.import_button.setEnabled(False)
        self._state("Cannot read the tracker", "red", str(getattr(exc, "message", exc)))

    def _previewed(self, preview: TrackerPreview) -> None:
        self.preview = preview
        self._suggested = {c.name: c.field for c in preview.columns}
        self._fill_sheets(preview)
        self._fill_mapping(preview)
        self._fill_statuses(preview)
        self._fill_rows(preview)
        c = preview.counts
        for action, widget in self.count_labels.items():
            widget.setText(f"{c.get(action, 0):,}")
        self.notes.setText("\n".join(f"• {n}" for n in preview.notes))
        todo = c["create"] + c["update"]
        may = self.ctx.allowed("findings.edit")
        self.import_button.setEnabled(bool(todo) and may.ok)
        if not may.ok:
            self._state("Preview only", "neutral", may.reason)
        elif todo:
            self._state("Preview: nothing written yet", "blue",
                        f"Import will create {counted(c['create'], 'finding')} and update {c['update']}, all together or "
                        f"none. {counted(c['conflict'], 'row')} in conflict and {c['skip']} skipped are not imported.")
        else:
            self._state("Nothing to import", "neutral", "Every row is unchanged, skipped or in conflict.")

    def _fill_sheets(self, preview: TrackerPreview) -> None:
        self._filling = True
        try:
            if preview.kind == "xlsx" and [self.sheet.itemText(i) for i in range(self.sheet.count())] != list(
                    preview.sheets):
                self.sheet.clear()
                self.sheet.addItems(list(preview.sheets))
            self.sheet.setEnabled(preview.kind == "xlsx")
            if preview.sheet:
                self.sheet.setCurrentText(preview.sheet)
        finally:
            self._filling = False

    def _fill_mapping(self, preview: TrackerPreview) -> None:
        self._filling = True
        try:
            self.mapping.setRowCount(len(preview.columns))
            for r, c in enumerate(preview.columns):
                self.mapping.setItem(r, 0, QTableWidgetItem(c.name))
                combo = named(QComboBox(), f"field-{r}")
                combo.addItem("Keep as a note", NOTE)
                for key, words in _fields().items():
                    combo.addItem(words, key)
                combo.setCurrentIndex(max(0, combo.findData(c.field or NOTE)))
                combo.setAccessibleName(f"Field for the column {c.name}")
                combo.currentIndexChanged.connect(self._mapping_changed)
                self.mapping.setCellWidget(r, 1, combo)
                self.mapping.setItem(r, 2, QTableWidgetItem(c.why))
                self.mapping.setItem(r, 3, QTableWidgetItem(" · ".join(s.replace("\n", " ")[:50] for s in c.samples)))
            self.mapping.resizeColumnToContents(1)
        finally:
            self._filling = False

    def _fill_statuses(self, preview: TrackerPreview) -> None:
        from workbench.services.finding_status import FORCE_STATES

        self._filling = True
        try:
            self.statuses.setRowCount(len(preview.statuses_seen))
            for r, (word, state) in enumerate(preview.statuses_seen):
                item = QTableWidgetItem(word)
                if not state:
                    _paint(item, "amber")
                    item.setToolTip("Not on the force's status line: flagged and not applied")
                self.statuses.setItem(r, 0, item)
                combo = named(QComboBox(), f"status-{r}")
                combo.addItem("Not on the line (flagged)", "")
                for s in FORCE_STATES:
                    combo.addItem(s, s)
                combo.setCurrentIndex(max(0, combo.findData(state)))
                combo.setAccessibleName(f"What the tracker's status {word} means")
                combo.currentIndexChanged.connect(self._status_changed)
                self.statuses.setCellWidget(r, 1, combo)
        finally:
            self._filling = False

    def _fill_rows(self, preview: TrackerPreview) -> None:
        self.rows.setRowCount(len(preview.rows))
        for r, p in enumerate(preview.rows):
            words, tone = ACTIONS[p.action]
            details = _details(p)
            cells = (str(p.row), words, p.reference, p.finding or p.source, details)
            for c, text in enumerate(cells):
                item = QTableWidgetItem(text)
                if c == 1 or (c == 4 and p.warnings and p.action != "conflict"):
                    _paint(item, tone if c == 1 else "amber")
                if c == 4:
                    item.setToolTip(details.replace("; ", "\n"))
                self.rows.setItem(r, c, item)
        self.rows.resizeRowsToContents()

    def run_import(self) -> None:
        from workbench.services import tracker_import

        p = self.preview
        if p is None:
            return
        c = p.counts
        name = Path(p.path).name
        if not confirm.ask(self, "Import tracker", f"Import {name} into the register?",
                           f"{counted(c['create'], 'finding')} will be created and {c['update']} updated"
                           + (f", under {counted(len(p.sources_to_create), 'new source')}" if p.sources_to_create else "")
                           + f"; {counted(c['conflict'], 'row')} in conflict and {c['skip']} skipped are not imported. "
                           "Every change goes into the change log.", "Import", destructive=False):
            return
        mapping = {col.name: col.field for col in p.columns}
        options, digest, path = self._options(), p.sha256, Path(p.path)
        self.import_button.setEnabled(False)

        def work(uow: UnitOfWork, progress: Progress):
            return tracker_import.import_tracker(uow, path, mapping, expected_sha256=digest, progress=progress,
                                                 **options)

        self.task = self.ctx.background(self, f"Importing {name}…", work, write=True,
                                        on_success=self._imported, on_failure=self._import_failed)

    def _import_failed(self, exc: BaseException) -> None:
        self.import_button.setEnabled(self.preview is not None)
        self._state("Not imported: nothing was written", "red", str(getattr(exc, "message", exc)))

    def _imported(self, done: TrackerImported) -> None:
        self.imported = done
        self.preview = None
        self.import_button.setEnabled(False)
        self._state("Imported", "green",
                    f"{Path(done.path).name}: {done.created} created, {done.updated} updated, {done.unchanged} "
                    f"unchanged, {done.skipped} skipped, {done.conflicts} in conflict (not imported)."
                    + (f" New sources: {', '.join(done.sources_created)}." if done.sources_created else ""))

    def _state(self, word: str, tone: str, summary: str | None = None) -> None:
        self.state.setText(word)
        set_tone(self.state, tone)
        self.state.setMinimumWidth(self.state.sizeHint().width())
        if summary is not None:
            self.summary.setText(summary)


def _details(p: RowPlan) -> str:
    parts = ([p.reason] + list(p.changes)) if p.action in ("create", "update") else [p.reason]
    parts += [f"Flagged: {w}" for w in p.warnings]
    if p.action != "conflict":
        parts += list(p.merged)
    if p.kept and p.action in ("create", "update", "unchanged"):
        parts.append("kept as notes: " + ", ".join(name for name, _v in p.kept))
    return "; ".join(x.replace("\n", " ") for x in parts if x)


def _paint(item: QTableWidgetItem, tone: str) -> None:
    """Colour a cell as a tag of the tone is coloured."""
    background = tone_colour(tone, Qt.ItemDataRole.BackgroundRole)
    foreground = tone_colour(tone, Qt.ItemDataRole.ForegroundRole)
    assert background is not None and foreground is not None  # both roles have a colour for every tone
    item.setBackground(background)
    item.setForeground(foreground)


def _table_style(table: QTableWidget, stretch: int) -> None:
    table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
    table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    table.setAlternatingRowColors(True)
    table.setShowGrid(False)
    table.verticalHeader().setVisible(False)
    header = table.horizontalHeader()
    header.setHighlightSections(False)
    header.setDefaultAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter)
    for col in range(table.columnCount()):
        header.setSectionResizeMode(col, QHeaderView.ResizeMode.Stretch if col == stretch
                                    else QHeaderView.ResizeMode.ResizeToContents)


def _cell_text(table: QTableWidget, row: int) -> str:
    """The text of a row's first cell ("" if it has none)."""
    item = table.item(row, 0)
    return item.text() if item is not None else ""


def _combo_data(table: QTableWidget, row: int) -> str:
    """What the combo in a row's second cell stands for ("" if none is chosen)."""
    combo = table.cellWidget(row, 1)
    return (combo.currentData() or "") if isinstance(combo, QComboBox) else ""
