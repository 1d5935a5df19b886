"""Import a report: preview what it would add (nothing written), then import it for real.

A report file dropped on the dialog, or on a page that `accept_report_drops` was given, starts it."""

from __future__ import annotations

from pathlib import Path

from workbench.gui.context import GuiContext
from workbench.gui.display_text import figure_value, kind_short, uk_date
from workbench.gui.finding_links import DIRECTION_WORDS
from workbench.gui.import_corrections import ImportCorrectionsDialog
from workbench.gui.qt import (
    QColor,
    QComboBox,
    QDialog,
    QEvent,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QHeaderView,
    QLineEdit,
    QObject,
    QPushButton,
    QTimer,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
    named,
)
from workbench.gui.style import TONES, label, set_tone, tag
from workbench.gui.workers import Cancelled, WorkerTask
from workbench.progress import Progress
from workbench.services import findings as finding_service
from workbench.services.findings import Correction, ImportResult
from workbench.store.uow import UnitOfWork
from workbench.wording import counted

MUTED = QColor("#5b6773")
AMBER_TEXT = QColor(TONES["amber"][1])
REPORT_FILTER = "Inspection reports (*.txt *.text *.html *.htm *.pdf);;All files (*)"
REPORT_SUFFIXES = (".txt", ".text", ".html", ".htm", ".pdf")


def dropped_report(mime: object) -> Path | None:
    """The one local report file (text, HTML or PDF) a drag carries, else None."""
    if mime is None or not mime.hasUrls():  # type: ignore[attr-defined]
        return None
    paths = [Path(u.toLocalFile()) for u in mime.urls() if u.isLocalFile()]  # type: ignore[attr-defined]
    if len(paths) != 1 or paths[0].suffix.lower() not in REPORT_SUFFIXES or not paths[0].is_file():
        return None
    return paths[0]


class ReportDrops(QObject):
    """Lets a page take a dropped report file: the import dialog opens on it and previews it."""

    def __init__(self, widget: QWidget, ctx: GuiContext) -> None:
        super().__init__(widget)
        self.widget, self.ctx = widget, ctx
        self.dialog: ImportReportDialog | None = None
        widget.setAcceptDrops(ctx.can("findings.edit"))
        widget.installEventFilter(self)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802
        kind = event.type()
        if kind in (QEvent.Type.DragEnter, QEvent.Type.DragMove):
            if dropped_report(event.mimeData()) is not None:  # type: ignore[attr-defined]
                event.acceptProposedAction()  # type: ignore[attr-defined]
                return True
            event.ignore()
            return True
        if kind == QEvent.Type.Drop:
            path = dropped_report(event.mimeData())  # type: ignore[attr-defined]
            if path is None:
                event.ignore()
                return True
            event.acceptProposedAction()  # type: ignore[attr-defined]
            QTimer.singleShot(0, lambda: self.open(path))  # after the drag ends
            return True
        return False

    def open(self, path: Path) -> None:
        self.dialog = ImportReportDialog(self.ctx, self.widget, path=path)
        self.dialog.exec()


def accept_report_drops(widget: QWidget, ctx: GuiContext) -> ReportDrops:
    """Make `widget` start an import when a report file is dropped on it."""
    return ReportDrops(widget, ctx)


class ImportReportDialog(QDialog):
    def __init__(self, ctx: GuiContext, parent: QWidget | None = None, path: Path | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.setWindowTitle("Import report")
        self.preview: ImportResult | None = None  # the dry run matching the current inputs, corrected
        self.base_preview: ImportResult | None = None  # the dry run as parsed, before corrections
        self.corrections: list[Correction] = []
        self.imported: ImportResult | None = None  # the import, once done (not `result`: that is QDialog.result())
        self.task: WorkerTask | None = None

        self.path = named(QLineEdit(placeholderText="A report saved as text, HTML or PDF"), "reportPath")
        browse = named(QPushButton("Browse…"), "browseReport")
        browse.clicked.connect(self._browse)
        self.force = named(QLineEdit(placeholderText="Optional: as the report states it"), "forceName")
        self.title = named(QLineEdit(placeholderText="Optional: as the report states it"), "inspectionTitle")
        self.encoding = named(QComboBox(editable=True), "reportEncoding")
        self.encoding.addItem("Detect automatically", None)
        for codec, name in finding_service.ENCODING_CHOICES:
            self.encoding.addItem(name, codec)
        self.encoding.setToolTip("For a text file that is not UTF-8: choose or type its encoding (e.g. cp1252). "
                                 "Detected otherwise, with a warning naming what was assumed.")
        file_row = QHBoxLayout()
        file_row.addWidget(self.path, 1)
        file_row.addWidget(browse)
        form = QFormLayout()
        form.addRow("Report file", file_row)
        form.addRow("Force", self.force)
        form.addRow("Inspection title", self.title)
        form.addRow("Text encoding", self.encoding)

        self.state = tag("Not previewed", "neutral")
        self.state.setObjectName("importState")
        self.summary = label("Choose a report and press Preview: nothing is written until you press Import.",
                             wrap=True)
        self.summary.setObjectName("importSummary")
        self.warnings = label("", wrap=True)
        self.warnings.setObjectName("importWarnings")
        self.warnings.setVisible(False)
        self.tree = named(QTreeWidget(), "importPreview")
        self.tree.setColumnCount(3)
        self.tree.setHeaderLabels(["Finding", "PEEL area", "Title, key figures and suggested links"])
        self.tree.setAlternatingRowColors(True)
        self.tree.setWordWrap(True)
        self.tree.setUniformRowHeights(False)
        header = self.tree.header()
        header.setStretchLastSection(True)
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.Interactive)
        self.tree.setColumnWidth(0, 190)
        self.tree.setColumnWidth(1, 230)

        self.preview_button = named(QPushButton("Preview"), "previewButton")
        self.correct_button = named(QPushButton("Correct findings…"), "correctButton")
        self.correct_button.setToolTip("Split or merge findings, change a kind or title, drop a figure, attach a "
                                       "recommendation to its cause of concern — before importing")
        self.correct_button.setEnabled(False)
        self.correct_button.clicked.connect(self.open_corrections)
        self.import_button = named(QPushButton("Import"), "importButton")
        self.close_button = named(QPushButton("Close"), "closeButton")
        self.preview_button.setDefault(True)
        self.import_button.setEnabled(False)
        self.preview_button.clicked.connect(self.run_preview)
        self.import_button.clicked.connect(self.run_import)
        self.close_button.clicked.connect(self.reject)
        buttons = QHBoxLayout()
        buttons.addStretch(1)
        for b in (self.preview_button, self.correct_button, self.import_button, self.close_button):
            buttons.addWidget(b)

        state_row = QHBoxLayout()
        state_row.addWidget(self.state)
        state_row.addWidget(self.summary, 1)
        layout = QVBoxLayout(self)
        layout.setSpacing(10)
        layout.addLayout(form)
        layout.addLayout(state_row)
        layout.addWidget(self.warnings)
        layout.addWidget(self.tree, 1)
        layout.addLayout(buttons)
        self.resize(980, 640)
        for widget, name in ((self.path, "Report file"), (browse, "Browse for a report"), (self.force, "Force"),
                             (self.title, "Inspection title"), (self.encoding, "Text encoding"),
                             (self.tree, "Preview of the findings")):
            widget.setAccessibleName(name)
        for edit in (self.path, self.force, self.title):
            edit.textChanged.connect(self._inputs_changed)
        self.encoding.currentTextChanged.connect(self._inputs_changed)
        self.setAcceptDrops(True)
        if path is not None:
            self.path.setText(str(path))
            QTimer.singleShot(0, self.run_preview)

    def dragEnterEvent(self, event: QEvent) -> None:  # noqa: N802
        if dropped_report(event.mimeData()) is not None:  # type: ignore[attr-defined]
            event.acceptProposedAction()  # type: ignore[attr-defined]
        else:
            event.ignore()

    def dropEvent(self, event: QEvent) -> None:  # noqa: N802
        path = dropped_report(event.mimeData())  # type: ignore[attr-defined]
        if path is None or self.task is not None and self.task.running:
            event.ignore()
            return
        event.acceptProposedAction()  # type: ignore[attr-defined]
        self.path.setText(str(path))
        self.run_preview()

    # -- inputs -----------------------------------------------------------------------------
    def _browse(self) -> None:
        chosen, _ = QFileDialog.getOpenFileName(self, "Choose a report", str(Path(self.path.text()).parent)
                                                if self.path.text() else "", REPORT_FILTER)
        if chosen:
            self.path.setText(chosen)
            self.run_preview()

    def _inputs_changed(self) -> None:
        self.preview = self.base_preview = None
        self.corrections = []
        self.import_button.setEnabled(False)
        self.correct_button.setEnabled(False)
        if self.imported is None:
            self._state("Not previewed", "neutral")

    def _args(self) -> tuple[Path, str | None, str | None] | None:
        text = self.path.text().strip()
        if not text:
            self._state("No file", "amber", "Choose a report file first (text, HTML or PDF).")
            return None
        return Path(text).expanduser(), self.force.text().strip() or None, self.title.text().strip() or None

    def _state(self, word: str, tone: str, summary: str | None = None) -> None:
        self.state.setText(word)
        set_tone(self.state, tone)
        if summary is not None:
            self.summary.setText(summary)

    def chosen_encoding(self) -> str | None:
        text = self.encoding.currentText().strip()
        index = self.encoding.findText(text)
        if index >= 0:
            return self.encoding.itemData(index)
        return text or None

    def _busy(self, busy: bool) -> None:
        for w in (self.preview_button, self.path, self.force, self.title, self.encoding):
            w.setEnabled(not busy)
        if busy:
            self.import_button.setEnabled(False)
            self.correct_button.setEnabled(False)

    # -- preview and import ----------------------------------------------------------------
    def run_preview(self) -> None:
        args = self._args()
        if args is None:
            return
        path, force, title = args
        encoding = self.chosen_encoding()

        def work(uow: UnitOfWork, progress: Progress) -> ImportResult:
            return finding_service.import_report(uow, path, force, title, dry_run=True, progress=progress,
                                                 encoding=encoding)

        self._busy(True)
        self.imported = None
        self._state("Reading…", "neutral", f"Reading {path.name}…")
        self.task = self.ctx.background(self, f"Reading {path.name}…", work, write=False,
                                        on_success=self._previewed, on_failure=self._failed)

    def run_import(self) -> None:
        args = self._args()
        if args is None or self.preview is None:
            return
        path, force, title = args
        encoding, corrections = self.chosen_encoding(), list(self.corrections)

        def work(uow: UnitOfWork, progress: Progress) -> ImportResult:
            return finding_service.import_report(uow, path, force, title, dry_run=False, progress=progress,
                                                 encoding=encoding, corrections=corrections)

        self._busy(True)
        self._state("Importing…", "neutral", f"Importing {path.name}…")
        self.task = self.ctx.background(self, f"Importing {path.name}…", work, write=True,
                                        on_success=self._imported, on_failure=self._failed)

    def _failed(self, exc: BaseException) -> None:
        self._busy(False)
        self.preview = None
        if isinstance(exc, Cancelled):
            self._state("Cancelled", "neutral", "Stopped; nothing was written.")
        else:
            self._state("Failed", "red", f"{getattr(exc, 'message', str(exc))} — nothing was written.")

    def open_corrections(self) -> None:
        if self.base_preview is None:
            return
        dialog = ImportCorrectionsDialog(self.base_preview, self.corrections, self)
        self.corrections_dialog = dialog
        if dialog.exec() == QDialog.DialogCode.Accepted:
            self.apply_corrections(dialog.corrections)

    def apply_corrections(self, corrections: list[Correction]) -> None:
        """Show the preview as the corrections leave it; they are what Import applies and logs."""
        if self.base_preview is None:
            return
        self.corrections = list(corrections)
        self.preview = finding_service.corrected_preview(self.base_preview, self.corrections)
        self._show(self.preview)
        self.import_button.setEnabled(bool(self.preview.added) and self.ctx.can("findings.edit"))
        note = f" {counted(len(self.corrections), 'correction')} will be applied and logged." if self.corrections else ""
        self._state("Preview only", "blue", _summary(self.preview) + note + " Press Import to register them.")

    def _previewed(self, result: ImportResult) -> None:
        self._busy(False)
        self.preview = self.base_preview = result
        self.corrections = []
        self.correct_button.setEnabled(bool(result.added))
        self._show(result)
        insp = result.inspection
        name = insp.programme or insp.title
        if not result.added and not result.status_updates:
            self._state("Nothing new", "green",
                        f"Nothing new: all {len(result.unchanged)} findings of {insp.source_name} are already "
                        f"in the register under {name}.")
            return
        self.import_button.setEnabled(self.ctx.can("findings.edit"))
        self.import_button.setDefault(True)
        self._state("Preview only", "blue", _summary(result) + " Press Import to register them.")

    def _imported(self, result: ImportResult) -> None:
        self._busy(False)
        self.preview = self.base_preview = None
        self.correct_button.setEnabled(False)
        self.imported = result
        self._show(result)
        self._state("Imported", "green", _summary(result))
        self.close_button.setDefault(True)
        self.close_button.setFocus()

    def _show(self, result: ImportResult) -> None:
        self.warnings.setVisible(bool(result.warnings))
        self.warnings.setText("<b>Check:</b> " + "<br>".join(result.warnings) if result.warnings else "")
        self.tree.clear()
        for f in result.added:
            top = QTreeWidgetItem([f"{f.ref} ({kind_short(f.kind)})" if f.kind != "afi" else f.ref,
                                   f.area or "— no area —", f.title])
            bold = top.font(0)
            bold.setBold(True)
            for col in (0, 2):
                top.setFont(col, bold)
            top.setToolTip(1, f.area_reason)
            top.setToolTip(2, f.source_text or f.title)
            if f.source_text:
                src = QTreeWidgetItem(top, ["", f"Source, line {f.source_line}", f.source_text])
                src.setToolTip(2, f.source_text)
                src.setForeground(1, MUTED)
                src.setForeground(2, MUTED)
            if f.parent_ref:
                QTreeWidgetItem(top, ["", "Cause of concern", f.parent_ref]).setForeground(1, MUTED)
            if f.inspectorate_status:
                when = f" ({uk_date(f.inspectorate_status_date)})" if f.inspectorate_status_date else ""
                child = QTreeWidgetItem(top, ["", "Inspectorate status", f"{f.inspectorate_status}{when}"])
                child.setToolTip(2, f.inspectorate_status_note)
                child.setForeground(1, MUTED)
            for fig in f.figures:
                text = (f"Not stated in the report: “{fig.sentence}”" if fig.missing_in_source
                        else f"{figure_value(fig)} — {fig.label}")
                role = {"deadline": "Deadline", "duration": "Duration"}.get(fig.kind, "Key figure")
                child = QTreeWidgetItem(top, ["", role, text])
                child.setToolTip(2, fig.sentence)
                child.setForeground(1, MUTED)
                if fig.missing_in_source:
                    child.setForeground(2, AMBER_TEXT)
            for li in f.links:
                child = QTreeWidgetItem(top, ["", "Suggested link",
                                              f"{DIRECTION_WORDS.get(li.direction, 'Linked to')} {li.ref} "
                                              f"(match {li.score:.0%}): {li.title}"])
                child.setToolTip(2, li.title)
                child.setForeground(1, MUTED)
            self.tree.addTopLevelItem(top)
        self.tree.expandAll()


def _summary(r: ImportResult) -> str:
    insp = r.inspection
    when = f", published {uk_date(insp.published)}" if insp.published else ""
    head = f"{insp.programme or insp.title} — {insp.force or 'force not stated'}{when}."
    verb = "Would add" if r.dry_run else "Added"
    parts = [f"{verb} {len(r.added)} finding{'s' if len(r.added) != 1 else ''}"]
    if r.unchanged:
        parts.append(f"{len(r.unchanged)} already registered")
    parts.append(f"{'would propose' if r.dry_run else 'proposed'} {counted(r.proposed_measures, 'measure')}")
    parts.append(f"{counted(len(r.suggested_links), 'suggested link')} to earlier findings")
    if r.status_updates:
        parts.append(f"{'would record' if r.dry_run else 'recorded'} the inspectorate's status on "
                     + ", ".join(r.status_updates))
    same = f" Same publication as the registered inspection ({r.same_publication}): an update." \
        if r.same_publication and r.same_publication != "the same text" else ""
    return f"{head} {'; '.join(parts)}.{same}"
