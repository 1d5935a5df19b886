"""Small dialogs: record or correct one period's value of a measure, and edit the measure itself."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from workbench.gui.qt import (
    QComboBox,
    QDate,
    QDialog,
    QDialogButtonBox,
    QDoubleSpinBox,
    QDoubleValidator,
    QFormLayout,
    QLineEdit,
    QVBoxLayout,
    QWidget,
    named,
)
from workbench.gui.style import date_edit, label
from workbench.services.measures import MeasureInfo, PointInfo


@dataclass(frozen=True)
class PointEntry:
    period: date
    value: float
    note: str


class MeasureValueDialog(QDialog):
    """Record a new value, or (with `point`) correct a recorded one: its period, value or note."""

    def __init__(self, measure: MeasureInfo, parent: QWidget | None = None, point: PointInfo | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Correct value" if point else "Add value")
        today = QDate.currentDate()
        start = QDate(point.period.year, point.period.month, point.period.day) if point else \
            QDate(today.year(), today.month(), 1)
        self.period = date_edit("periodEdit", start)
        self.value = named(QDoubleSpinBox(decimals=2, minimum=-1e12, maximum=1e12), "valueEdit")
        self.value.setSuffix({"%": " %", ":1": " :1"}.get(measure.unit, ""))
        if point is not None:
            self.value.setValue(point.value)
        elif measure.latest is not None:
            self.value.setValue(measure.latest.value)
        elif measure.baseline is not None:
            self.value.setValue(measure.baseline)
        self.note = named(QLineEdit(point.note if point else "",
                              placeholderText="source, e.g. monthly performance pack"), "noteEdit")
        for widget, name in ((self.period, "Period"), (self.value, "Value"), (self.note, "Note")):
            widget.setAccessibleName(name)
        form = QFormLayout()
        form.addRow("Period", self.period)
        form.addRow("Value", self.value)
        form.addRow("Note", self.note)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        buttons.button(QDialogButtonBox.StandardButton.Ok).setText("Save correction" if point else "Record value")
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(label(f"<b>{measure.name}</b>", wrap=True))
        layout.addWidget(label("Moving a value onto a period that already has one is refused; correct that "
                               "one instead." if point else "A value for a period (e.g. the first of the month) "
                               "replaces any value already recorded for that period.", "muted", wrap=True))
        layout.addLayout(form)
        layout.addWidget(buttons)
        self.setMinimumWidth(380)

    def entry(self) -> PointEntry:
        qd = self.period.date()
        return PointEntry(date(qd.year(), qd.month(), qd.day()), float(self.value.value()), self.note.text().strip())


UNITS = (("%", "Per cent (%)"), (":1", "Ratio (:1)"), ("count", "Count"), ("days", "Days"), ("", "Other number"))
STATUSES = (("proposed", "To review"), ("confirmed", "Confirmed"), ("discarded", "Discarded"))
DIRECTIONS = (("lower", "Lower is better"), ("higher", "Higher is better"))


def _optional_number(text: str) -> float | str | None:
    """A number, None for empty, or the text itself for the service to refuse with its reason."""
    text = text.strip().replace(",", "")
    try:
        return float(text) if text else None
    except ValueError:
        return text


class MeasureDialog(QDialog):
    """Edit a measure: name, unit, baseline, target, which direction is better, status."""

    def __init__(self, measure: MeasureInfo, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.measure = measure
        self.setWindowTitle("Edit measure")
        self.name = named(QLineEdit(measure.name), "measureName")
        self.unit = named(QComboBox(), "measureUnit")
        units = list(UNITS) if measure.unit in {u for u, _ in UNITS} else [(measure.unit, measure.unit), *UNITS]
        for key, words in units:
            self.unit.addItem(words, key)
        self.unit.setCurrentIndex(self.unit.findData(measure.unit))
        number = QDoubleValidator(-1e12, 1e12, 4, self)
        self.baseline = named(QLineEdit("" if measure.baseline is None else f"{measure.baseline:g}",
                                  placeholderText="none"), "measureBaseline")
        self.target = named(QLineEdit("" if measure.target is None else f"{measure.target:g}",
                                placeholderText="none"), "measureTarget")
        for edit in (self.baseline, self.target):
            edit.setValidator(number)
        self.direction = named(QComboBox(), "measureDirection")
        for key, words in DIRECTIONS:
            self.direction.addItem(words, key)
        self.direction.setCurrentIndex(self.direction.findData(measure.direction))
        self.status = named(QComboBox(), "measureStatus")
        for key, words in STATUSES:
            self.status.addItem(words, key)
        self.status.setCurrentIndex(self.status.findData(measure.status))
        form = QFormLayout()
        for text, widget in (("Name", self.name), ("Unit", self.unit), ("Baseline", self.baseline),
                             ("Target", self.target), ("Better when", self.direction), ("Status", self.status)):
            widget.setAccessibleName(text)
            form.addRow(text, widget)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        buttons.button(QDialogButtonBox.StandardButton.Ok).setText("Save measure")
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        if measure.baseline_label:
            layout.addWidget(label(f"The report states the baseline as {measure.baseline_label}.", "muted", wrap=True))
        layout.addWidget(label("Leave the baseline or target empty if there is none.", "muted", wrap=True))
        layout.addLayout(form)
        layout.addWidget(buttons)
        self.setMinimumWidth(420)

    def changes(self) -> dict[str, object]:
        """Only the fields that differ from the measure as it was read."""
        m = self.measure
        now = {"name": self.name.text().strip(), "unit": self.unit.currentData(),
               "baseline": _optional_number(self.baseline.text()), "target": _optional_number(self.target.text()),
               "direction": self.direction.currentData(), "status": self.status.currentData()}
        return {k: v for k, v in now.items() if getattr(m, k) != v}
