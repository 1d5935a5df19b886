"""The evidence linked to a finding: list it, add a file, export a stored file (checked against its hash)."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from workbench.gui.context import GuiContext
from workbench.gui.display_text import file_size, uk_date
from workbench.gui.evidence_dialog import EvidenceDialog, EvidenceEntry
from workbench.gui.layouts import clear_layout, summary_and_rows
from workbench.gui.messages import show_info
from workbench.gui.qt import QDialog, QFileDialog, QGridLayout, QPushButton, Qt, QWidget
from workbench.gui.style import card, label
from workbench.services import evidence as evidence_service
from workbench.services.evidence import EvidenceInfo


class EvidencePanel(QWidget):
    def __init__(self, ctx: GuiContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.finding_id: int | None = None
        self.finding_ref = ""
        self.items: tuple[EvidenceInfo, ...] = ()
        self.add = QPushButton("Add evidence…", objectName="addEvidence")
        self.add.setEnabled(ctx.can("evidence.edit"))
        self.add.clicked.connect(self.add_evidence)
        self.summary = label("", "muted")
        self._rows = summary_and_rows(self, self.summary, self.add)

    def show_evidence(self, finding_id: int | None, finding_ref: str, items: Sequence[EvidenceInfo]) -> None:
        self.finding_id, self.finding_ref, self.items = finding_id, finding_ref, tuple(items)
        clear_layout(self._rows)
        self.summary.setText(f"{len(items)} item{'s' if len(items) != 1 else ''}, newest evidence first"
                             if items else "No evidence attached yet.")
        for e in items:
            self._rows.addWidget(self._row(e))

    def _row(self, e: EvidenceInfo) -> QWidget:
        frame = card()
        frame.setObjectName(f"evidence-{e.id}")
        grid = QGridLayout(frame)
        grid.setContentsMargins(10, 6, 10, 6)
        grid.setVerticalSpacing(2)
        title = label(e.title, wrap=True, selectable=True)
        title.setTextFormat(Qt.TextFormat.PlainText)
        grid.addWidget(title, 0, 0)
        export = QPushButton("Export…", objectName=f"exportEvidence-{e.id}")
        export.setEnabled(self.ctx.can("exports.create"))
        export.setToolTip("Save a copy of the stored file (its SHA-256 is checked first)")
        export.clicked.connect(lambda _=False, item=e: self.export_evidence(item))
        grid.addWidget(export, 0, 1)
        dated = f"dated {uk_date(e.evidence_date)}" if e.evidence_date else "undated"
        facts = " · ".join(x for x in (e.filename, file_size(e.size), dated, e.source, e.classification) if x)
        meta = label(facts, "muted", wrap=True)
        meta.setTextFormat(Qt.TextFormat.PlainText)
        meta.setToolTip(f"SHA-256 {e.sha256}\nAdded by {e.uploaded_by} on {uk_date(e.uploaded_at.date())}")
        grid.addWidget(meta, 1, 0, 1, 2)
        grid.setColumnStretch(0, 1)
        return frame

    def add_evidence(self) -> None:
        finding_id = self.finding_id
        if finding_id is None:
            return
        chosen, _ = QFileDialog.getOpenFileName(self, f"Evidence for {self.finding_ref}", "", "All files (*)")
        if not chosen:
            return
        dialog = EvidenceDialog(Path(chosen), self.finding_ref, self)
        if dialog.exec() != QDialog.DialogCode.Accepted.value:
            return
        entry = dialog.entry()
        self.ctx.background(self, f"Storing {entry.path.name}…", lambda uow, _p: _store(uow, entry, finding_id),
                            write=True, on_success=lambda _info: None)

    def export_evidence(self, e: EvidenceInfo) -> None:
        chosen, _ = QFileDialog.getSaveFileName(self, "Export evidence file", e.filename, "All files (*)")
        if not chosen:
            return
        out = Path(chosen)
        self.ctx.background(self, f"Exporting {e.filename}…", lambda uow, _p: evidence_service.export_evidence(
            uow, e.id, out, overwrite=True), write=True, on_success=lambda path: show_info(
            self, "Evidence exported", f"Saved {path.name}.", f"The file matched its recorded SHA-256. "
            f"Folder: {path.parent}"))


def _store(uow: object, entry: EvidenceEntry, finding_id: int) -> EvidenceInfo:
    return evidence_service.add_evidence(uow, entry.path, entry.title, entry.evidence_date,  # type: ignore[arg-type]
                                         entry.source, finding_ids=[finding_id])
