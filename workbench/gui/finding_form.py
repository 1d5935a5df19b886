"""The register fields of one finding: status, owner, target date, area and notes."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from typing import Any

from workbench.gui.qt import (
    QCheckBox,
    QComboBox,
    QDate,
    QDateEdit,
    QFormLayout,
    QHBoxLayout,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QSizePolicy,
    QVBoxLayout,
    QWidget,
    Signal,
)
from workbench.gui.style import label
from workbench.services.findings import FindingInfo


NO_DATE = QDate(2000, 1, 1)  # shown as "No target date" while the box is unticked


class FindingForm(QWidget):
    """Edits a copy of the register fields; `save_requested(finding_id, version, changes)` on Save.

    The version is the one the form was loaded from, so the service refuses the save when
    someone else changed the finding in the meantime.
    """

    save_requested = Signal(int, int, object)

    def __init__(self, areas: Sequence[str], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._base: FindingInfo | None = None
        self._editable = False
        self._areas = tuple(areas)

        self.status = QComboBox(objectName="statusEdit")
        self.owner = QLineEdit(objectName="ownerEdit", placeholderText="e.g. Supt A. Smith, Contact Management")
        self.has_target = QCheckBox("Set", objectName="hasTargetDate")
        self.target = QDateEdit(objectName="targetDateEdit", calendarPopup=True, displayFormat="d MMM yyyy")
        self.target.setMinimumDate(NO_DATE)
        self.target.setSpecialValueText("No target date")
        self.target.setDate(NO_DATE)
        self.area = QComboBox(objectName="areaEdit", editable=True)
        self.area.addItems(list(self._areas))
        for combo in (self.status, self.area):  # long names must not widen the pane
            combo.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
            combo.setMinimumContentsLength(12)
            combo.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)
        self.notes = QPlainTextEdit(objectName="notesEdit", placeholderText="Progress, decisions, evidence to gather…")
        self.notes.setFixedHeight(84)
        self.save = QPushButton("Save changes", objectName="saveFinding")
        self.revert = QPushButton("Revert", objectName="revertFinding")
        self.read_only_note = label("", "muted", wrap=True)

        target_row = QHBoxLayout()
        target_row.setContentsMargins(0, 0, 0, 0)
        target_row.addWidget(self.has_target)
        target_row.addWidget(self.target, 1)
        form = QFormLayout()
        form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.ExpandingFieldsGrow)
        form.setContentsMargins(0, 0, 0, 0)
        form.addRow("Status", self.status)
        form.addRow("Owner", self.owner)
        form.addRow("Target date", target_row)
        form.addRow("Area", self.area)
        form.addRow("Notes", self.notes)
        buttons = QHBoxLayout()
        buttons.addWidget(self.read_only_note, 1)
        buttons.addWidget(self.revert)
        buttons.addWidget(self.save)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addLayout(form)
        layout.addLayout(buttons)

        for signal in (self.status.currentTextChanged, self.owner.textChanged, self.area.currentTextChanged,
                       self.notes.textChanged, self.target.dateChanged):
            signal.connect(self._update_buttons)
        self.has_target.toggled.connect(self._target_toggled)
        self.save.clicked.connect(self._save)
        self.revert.clicked.connect(lambda: self.load(self._base, self._statuses(), force=True))

    # -- loading ----------------------------------------------------------------------------
    def set_editable(self, editable: bool, reason: str = "") -> None:
        self._editable = editable
        for w in (self.status, self.owner, self.has_target, self.area, self.notes):
            w.setEnabled(editable)
        self.target.setEnabled(editable and self.has_target.isChecked())
        self.read_only_note.setText(reason if not editable else "")
        self._update_buttons()

    def _statuses(self) -> list[str]:
        return [self.status.itemText(i) for i in range(self.status.count())]

    def load(self, info: FindingInfo | None, statuses: Sequence[str], force: bool = False) -> None:
        """Show `info`; keeps unsaved edits of the same finding unless `force`."""
        if info is not None and not force and self.is_dirty() and self._base is not None \
                and self._base.id == info.id:
            return
        self._base = info
        for w in (self.status, self.owner, self.area, self.notes, self.target, self.has_target):
            w.blockSignals(True)
        self.status.clear()
        self.status.addItems(list(statuses))
        if info is not None:
            if self.status.findText(info.status) < 0:
                self.status.addItem(info.status)
            self.status.setCurrentText(info.status)
            self.owner.setText(info.owner)
            self.has_target.setChecked(info.target_date is not None)
            d = info.target_date
            self.target.setDate(NO_DATE if d is None else QDate(d.year, d.month, d.day))
            self.area.setCurrentText(info.area)
            self.notes.setPlainText(info.notes)
        for w in (self.status, self.owner, self.area, self.notes, self.target, self.has_target):
            w.blockSignals(False)
        self.set_editable(self._editable, self.read_only_note.text())

    # -- editing ----------------------------------------------------------------------------
    def values(self) -> dict[str, Any]:
        qd = self.target.date()
        return {
            "status": self.status.currentText(),
            "owner": self.owner.text().strip(),
            "target_date": date(qd.year(), qd.month(), qd.day()) if self.has_target.isChecked() else None,
            "area": self.area.currentText().strip(),
            "notes": self.notes.toPlainText().rstrip(),
        }

    def changes(self) -> dict[str, Any]:
        if self._base is None:
            return {}
        return {k: v for k, v in self.values().items() if getattr(self._base, k) != v}

    def is_dirty(self) -> bool:
        return bool(self.changes())

    def _target_toggled(self, on: bool) -> None:
        self.target.setEnabled(self._editable and on)
        if on and self.target.date() == NO_DATE:
            self.target.setDate(QDate.currentDate().addMonths(3))
        elif not on:
            self.target.setDate(NO_DATE)
        self._update_buttons()

    def _update_buttons(self, *_: object) -> None:
        dirty = self._base is not None and self.is_dirty()
        self.save.setEnabled(self._editable and dirty)
        self.revert.setEnabled(self._editable and dirty)

    def _save(self) -> None:
        if self._base is not None and self._base.id is not None and self.is_dirty():
            self.save_requested.emit(self._base.id, self._base.version, self.changes())
