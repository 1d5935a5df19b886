"""A small dialog to record one period's value of a measure."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from workbench.gui.qt import (
    QDate,
    QDateEdit,
    QDialog,
    QDialogButtonBox,
    QDoubleSpinBox,
    QFormLayout,
    QLineEdit,
    QVBoxLayout,
    QWidget,
)
from workbench.gui.style import label
from workbench.services.measures import MeasureInfo


@dataclass(frozen=True)
class PointEntry:
    period: date
    value: float
    note: str


class MeasureValueDialog(QDialog):
    def __init__(self, measure: MeasureInfo, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Add value")
        today = QDate.currentDate()
        self.period = QDateEdit(QDate(today.year(), today.month(), 1), objectName="periodEdit",
                                calendarPopup=True, displayFormat="d MMM yyyy")
        self.value = QDoubleSpinBox(objectName="valueEdit", decimals=2, minimum=-1e12, maximum=1e12)
        self.value.setSuffix({"%": " %", ":1": " :1"}.get(measure.unit, ""))
        if measure.latest is not None:
            self.value.setValue(measure.latest.value)
        elif measure.baseline is not None:
            self.value.setValue(measure.baseline)
        self.note = QLineEdit(objectName="noteEdit", placeholderText="source, e.g. monthly performance pack")
        form = QFormLayout()
        form.addRow("Period", self.period)
        form.addRow("Value", self.value)
        form.addRow("Note", self.note)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        buttons.button(QDialogButtonBox.StandardButton.Ok).setText("Record value")
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(label(f"<b>{measure.name}</b>", wrap=True))
        layout.addWidget(label("A value for a period (e.g. the first of the month) replaces any value "
                               "already recorded for that period.", "muted", wrap=True))
        layout.addLayout(form)
        layout.addWidget(buttons)
        self.setMinimumWidth(380)

    def entry(self) -> PointEntry:
        qd = self.period.date()
        return PointEntry(date(qd.year(), qd.month(), qd.day()), float(self.value.value()), self.note.text().strip())
