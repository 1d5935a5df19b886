"""Describing an evidence file before it is stored: its title, the date it was produced, its source and
the date it expires (optional); and changing a stored file's expiry date."""

from __future__ import annotations

import html
from dataclasses import dataclass
from datetime import date, timedelta
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
    expires_on: date | None = None


def _day(qd: QDate) -> date:
    return date(qd.year(), qd.month(), qd.day())


class ExpiryRow(QWidget):
    """"Expires" (checkbox) and its date: the evidence stops counting from that day."""

    def __init__(self, expires_on: date | None = None, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.has = named(QCheckBox("Expires"), "evidenceHasExpiry")
        start = expires_on or date.today() + timedelta(days=365)  # a year on (29 February has no twin)
        self.when = date_edit("evidenceExpiry", QDate(start.year, start.month, start.day))
        self.when.setAccessibleName("Expiry date")
        self.has.setChecked(expires_on is not None)
        self.when.setEnabled(expires_on is not None)
        self.has.toggled.connect(self.when.setEnabled)
        self.setToolTip("A policy due for review, a certificate or a training record: from this date the evidence "
                        "no longer shows the finding is met, and the overview says so")
        row = QHBoxLayout(self)
        row.setContentsMargins(0, 0, 0, 0)
        row.addWidget(self.has)
        row.addWidget(self.when, 1)

    def value(self) -> date | None:
        return _day(self.when.date()) if self.has.isChecked() else None


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
        self.when.setAccessibleName("Evidence date")
        self.has_date.toggled.connect(self.when.setEnabled)
        self.source = named(QLineEdit(placeholderText="e.g. Contact and Control Room"), "evidenceSource")
        when_row = QHBoxLayout()
        when_row.addWidget(self.has_date)
        when_row.addWidget(self.when, 1)
        form = QFormLayout()
        form.addRow("Title", self.title)
        form.addRow("Evidence date", when_row)
        form.addRow("Source", self.source)
        self.expiry = ExpiryRow(parent=self)
        form.addRow("Expiry", self.expiry)
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
        return EvidenceEntry(self.path, self.title.text().strip(),
                             _day(self.when.date()) if self.has_date.isChecked() else None,
                             self.source.text().strip(), self.expiry.value())


class ExpiryDialog(QDialog):
    """Set or clear a stored evidence file's expiry date."""

    def __init__(self, title: str, expires_on: date | None, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("expiryDialog")
        self.setWindowTitle(f"Expiry — {title}")
        self.expiry = ExpiryRow(expires_on, self)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        buttons.button(QDialogButtonBox.StandardButton.Ok).setText("Save expiry")
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(label(f"<b>{html.escape(title)}</b>", wrap=True))
        layout.addWidget(label("From its expiry date the evidence no longer counts; the overview lists it in the "
                               "week before and once it has expired. Clear the box if it does not expire.",
                               "muted", wrap=True))
        layout.addWidget(self.expiry)
        layout.addWidget(buttons)
        self.setMinimumWidth(420)

    def value(self) -> date | None:
        return self.expiry.value()
