"""Correct a previewed report before importing it: each finding beside its source text; split or
merge findings, change a kind, edit a title, drop a figure, attach a recommendation to a cause
of concern, drop a finding. The corrections (not the edited rows) are what the import applies and
logs, so the same corrections replay the same way."""

from __future__ import annotations

from workbench.errors import WorkbenchError
from workbench.gui.display_text import figure_value, kind_short
from workbench.gui.qt import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QHBoxLayout,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPlainTextEdit,
    QPushButton,
    QSplitter,
    Qt,
    QVBoxLayout,
    QWidget,
    named,
)
from workbench.gui.style import label
from workbench.services import findings as finding_service
from workbench.services.findings import Correction, FindingInfo, ImportResult

KIND_WORDS = {"afi": "Area for improvement", "cause_of_concern": "Cause of concern",
              "recommendation": "Recommendation"}


class ImportCorrectionsDialog(QDialog):
    """Works on a dry-run result; ``corrections`` and ``preview`` hold the outcome."""

    def __init__(self, base: ImportResult, corrections: list[Correction], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Correct the findings before importing")
        self.base = base
        self.corrections: list[Correction] = list(corrections)
        self.preview: ImportResult = base

        self.list = named(QListWidget(), "correctionFindings")
        self.list.setWordWrap(True)
        self.list.setAccessibleName("Findings read from the report")
        self.list.setAlternatingRowColors(True)
        self.list.currentRowChanged.connect(self._select)
        self.source = named(QPlainTextEdit(readOnly=True), "correctionSource")
        self.source.setPlaceholderText("The text of the report this finding was read from")
        self.body = named(QPlainTextEdit(readOnly=True), "correctionBody")
        self.body.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse
                                          | Qt.TextInteractionFlag.TextSelectableByKeyboard)
        self.title = named(QLineEdit(), "correctionTitle")
        self.kind = named(QComboBox(), "correctionKind")
        for kind in finding_service.KINDS:
            self.kind.addItem(KIND_WORDS[kind], kind)
        self.parent_box = named(QComboBox(), "correctionParent")
        for widget, spoken in ((self.source, "Report text the finding was read from"), (self.body, "Finding text as read"),
                               (self.title, "Finding title"), (self.kind, "Kind of finding"),
                               (self.parent_box, "Cause of concern this finding belongs to")):
            widget.setAccessibleName(spoken)
        self.figures = named(QListWidget(), "correctionFigures")
        self.figures.setMaximumHeight(110)
        self.figures.setAccessibleName("Figures cited in the finding")
        self.made = named(QListWidget(), "correctionsMade")
        self.made.setFixedHeight(80)
        self.made.setAccessibleName("Corrections made")
        self.message = label("", wrap=True)
        self.message.setObjectName("correctionMessage")

        self.title_button = named(QPushButton("Set title"), "setTitle")
        self.kind_button = named(QPushButton("Change kind"), "setKind")
        self.attach_button = named(QPushButton("Attach"), "attachButton")
        self.drop_figure_button = named(QPushButton("Drop figure"), "dropFigure")
        self.split_button = named(QPushButton("Split at cursor"), "splitButton")
        self.merge_button = named(QPushButton("Merge with next"), "mergeButton")
        self.drop_button = named(QPushButton("Drop finding"), "dropFinding")
        self.undo_button = named(QPushButton("Undo last"), "undoCorrection")
        self.title_button.clicked.connect(self.set_title)
        self.kind_button.clicked.connect(self.set_kind)
        self.attach_button.clicked.connect(self.attach)
        self.drop_figure_button.clicked.connect(self.drop_figure)
        self.split_button.clicked.connect(self.split)
        self.merge_button.clicked.connect(self.merge)
        self.drop_button.clicked.connect(self.drop)
        self.undo_button.clicked.connect(self.undo)

        def row(*widgets: QWidget) -> QHBoxLayout:
            box = QHBoxLayout()
            for i, w in enumerate(widgets):
                box.addWidget(w, 1 if i == 0 else 0)
            return box

        form = QFormLayout()
        form.addRow("Title", row(self.title, self.title_button))
        form.addRow("Kind", row(self.kind, self.kind_button))
        form.addRow("Cause of concern", row(self.parent_box, self.attach_button))
        form.addRow("Key figures", row(self.figures, self.drop_figure_button))
        split_row = QHBoxLayout()
        for b in (self.split_button, self.merge_button, self.drop_button):
            split_row.addWidget(b)
        split_row.addStretch(1)
        right = QWidget()
        rl = QVBoxLayout(right)
        rl.setContentsMargins(0, 0, 0, 0)
        rl.addWidget(label("Source text, as read from the report", "muted"))
        rl.addWidget(self.source, 1)
        rl.addWidget(label("The finding's text — place the cursor where a second finding starts to split",
                           "muted", wrap=True))
        rl.addWidget(self.body, 1)
        rl.addLayout(split_row)
        rl.addLayout(form)
        splitter = QSplitter()
        splitter.addWidget(self.list)
        splitter.addWidget(right)
        splitter.setSizes([330, 650])

        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        buttons.button(QDialogButtonBox.StandardButton.Ok).setText("Use these corrections")
        buttons.button(QDialogButtonBox.StandardButton.Ok).setObjectName("useCorrections")
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        bottom = QHBoxLayout()
        bottom.addWidget(label("Corrections:", "muted"))
        bottom.addWidget(self.made, 1)
        bottom.addWidget(self.undo_button, 0, Qt.AlignmentFlag.AlignTop)
        layout = QVBoxLayout(self)
        layout.addWidget(splitter, 1)
        layout.addLayout(bottom)
        layout.addWidget(self.message)
        layout.addWidget(buttons)
        self.resize(1040, 720)
        self._recompute(select=0)

    # -- state --------------------------------------------------------------------------------
    @property
    def findings(self) -> tuple[FindingInfo, ...]:
        return self.preview.added

    def current(self) -> FindingInfo | None:
        row = self.list.currentRow()
        return self.findings[row] if 0 <= row < len(self.findings) else None

    def _recompute(self, select: int | None = None) -> bool:
        try:
            self.preview = finding_service.corrected_preview(self.base, self.corrections)
        except WorkbenchError as exc:
            self.corrections.pop()
            self.message.setText(f"Not applied: {getattr(exc, 'message', str(exc))}")
            return False
        row = self.list.currentRow() if select is None else select
        self.list.blockSignals(True)
        self.list.clear()
        for f in self.findings:
            parent = f" → {f.parent_ref}" if f.parent_ref else ""
            item = QListWidgetItem(f"{f.ref} ({kind_short(f.kind)}){parent}\n{f.title}")
            item.setToolTip(f.title)
            self.list.addItem(item)
        self.list.blockSignals(False)
        self.made.clear()
        for c in self.corrections:
            self.made.addItem(c.describe())
        self.undo_button.setEnabled(bool(self.corrections))
        self.list.setCurrentRow(min(max(row, 0), len(self.findings) - 1))
        self._select(self.list.currentRow())
        return True

    def _select(self, row: int) -> None:
        f = self.current()
        enabled = f is not None
        for w in (self.title_button, self.kind_button, self.split_button, self.drop_button, self.title,
                  self.kind, self.attach_button, self.parent_box):
            w.setEnabled(enabled)
        self.merge_button.setEnabled(enabled and row + 1 < len(self.findings))
        if f is None:
            return
        self.source.setPlainText(f.source_text or f.text)
        self.body.setPlainText(finding_service.finding_body(f))
        self.title.setText(f.title)
        self.title.setCursorPosition(0)
        self.kind.setCurrentIndex(max(0, self.kind.findData(f.kind)))
        self.parent_box.clear()
        self.parent_box.addItem("— none —", None)
        for other in self.findings:
            if other.kind == "cause_of_concern":
                self.parent_box.addItem(f"{other.ref}: {other.title[:60]}", other.key)
        current_parent = next((o.key for o in self.findings if o.ref == f.parent_ref), None)
        self.parent_box.setCurrentIndex(max(0, self.parent_box.findData(current_parent)))
        self.figures.clear()
        for fig in f.figures:
            text = ("Not stated in the report" if fig.missing_in_source else f"{figure_value(fig)}") \
                + f" — {fig.label}"
            self.figures.addItem(text)
        self.drop_figure_button.setEnabled(bool(f.figures))

    def _add(self, correction: Correction, select: int | None = None) -> None:
        self.message.setText("")
        self.corrections.append(correction)
        self._recompute(select)

    # -- corrections ---------------------------------------------------------------------------
    def set_title(self) -> None:
        f = self.current()
        if f is not None and self.title.text().strip() and self.title.text().strip() != f.title:
            self._add(Correction("title", f.key, self.title.text().strip()))

    def set_kind(self) -> None:
        f = self.current()
        kind = self.kind.currentData()
        if f is not None and kind != f.kind:
            self._add(Correction("kind", f.key, kind))

    def attach(self) -> None:
        f = self.current()
        if f is not None:
            self._add(Correction("attach", f.key, other=self.parent_box.currentData()))

    def drop_figure(self) -> None:
        f = self.current()
        row = self.figures.currentRow()
        if f is not None and 0 <= row < len(f.figures):
            self._add(Correction("drop_figure", f.key, row))
        elif f is not None:
            self.message.setText("Choose the figure to drop first.")

    def split(self) -> None:
        f = self.current()
        if f is None:
            return
        body = self.body.toPlainText()
        at = self.body.textCursor().position()
        start = body[at:].lstrip()[:80]
        if at <= 0 or not start:
            self.message.setText("Place the cursor in the finding's text where the second finding starts.")
            return
        self._add(Correction("split", f.key, start), self.list.currentRow())

    def merge(self) -> None:
        row = self.list.currentRow()
        if 0 <= row < len(self.findings) - 1:
            self._add(Correction("merge", self.findings[row].key, other=self.findings[row + 1].key), row)

    def drop(self) -> None:
        f = self.current()
        if f is not None:
            self._add(Correction("drop", f.key))

    def undo(self) -> None:
        if self.corrections:
            self.corrections.pop()
            self._recompute()
