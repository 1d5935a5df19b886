"""Describing an evidence file before it is stored: its title, the date it was produced, its source."""

from __future__ import annotations

import html
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from workbench.gui.display_text import file_size
from workbench.gui.qt import (
    QCheckBox,
    QDate,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QHBoxLayout,
    QLineEdit,
    QVBoxLayout,
    QWidget,
    named,
)
from workbench.gui.style import date_edit, label


@dataclass(frozen=True)
class EvidenceEntry:
    path: Path
    title: str
    evidence_date: date | None
    source: str


class EvidenceDialog(QDialog):
    def __init__(self, path: Path, finding_ref: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("evidenceDialog")
        self.setWindowTitle(f"Add evidence — {finding_ref}")
        self.path = path
        self.title = named(QLineEdit(path.stem.replace("-", " ").replace("_", " ").capitalize()), "evidenceTitle")
        self.title.setPlaceholderText("What the file shows, e.g. MASH backlog, May")
        self.has_date = named(QCheckBox("Known"), "evidenceHasDate")
        self.has_date.setChecked(True)
        self.when = date_edit("evidenceDate", QDate.currentDate())
        self.has_date.toggled.connect(self.when.setEnabled)
        self.source = named(QLineEdit(placeholderText="e.g. Contact and Control Room"), "evidenceSource")
        when_row = QHBoxLayout()
        when_row.addWidget(self.has_date)
        when_row.addWidget(self.when, 1)
        form = QFormLayout()
        form.addRow("Title", self.title)
        form.addRow("Evidence date", when_row)
        form.addRow("Source", self.source)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        self.ok = buttons.button(QDialogButtonBox.StandardButton.Ok)
        self.ok.setText("Add evidence")
        self.title.textChanged.connect(lambda t: self.ok.setEnabled(bool(t.strip())))
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        try:
            size = file_size(path.stat().st_size)
        except OSError:
            size = "size unknown"
        layout = QVBoxLayout(self)
        layout.addWidget(label(f"<b>{html.escape(path.name)}</b> ({size})", wrap=True))
        layout.addWidget(label("The file is kept inside the workspace with its SHA-256, so any later change to it "
                               "is detected. The evidence date is when the evidence was produced (e.g. the date "
                               "of the minutes), not today.", "muted", wrap=True))
        layout.addLayout(form)
        layout.addWidget(buttons)
        self.setMinimumWidth(500)

    def entry(self) -> EvidenceEntry:
        qd = self.when.date()
        return EvidenceEntry(self.path, self.title.text().strip(),
                             date(qd.year(), qd.month(), qd.day()) if self.has_date.isChecked() else None,
                             self.source.text().strip())
