"""Force settings as a form: each setting with its description, checked as it is typed by the same
validation the services apply (services/settings.py), saved by an admin in one logged change.
Cancel, Escape or closing the window after an edit asks before the edits are dropped."""

from __future__ import annotations

from typing import Any

from workbench.errors import WorkbenchError
from workbench.force_settings import CLOCK_STARTS, RAG_RULES, ForceSettings, SettingsError, table_key
from workbench.gui import confirm
from workbench.gui.context import GuiContext
from workbench.gui.qt import (
    QAbstractItemView,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QScrollArea,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
    named,
)
from workbench.gui.style import label
from workbench.services import settings as settings_service
from workbench.services.settings import DESCRIPTIONS

TEXTS = ("force_name", "marking")
NUMBERS = ("marac_tick_threshold", "marac_repeat_incidents", "marac_repeat_window_months",
           "da_supervisor_review_hours", "crime_recording_hours", "evidence_max_file_mb")
OPTIONAL_NUMBERS = ("offender_caseload_limit", "high_risk_share_limit")
CHOICES = {"clock_start": CLOCK_STARTS, "default_rag_rule": RAG_RULES}
RAG_WORDS = {"lower_bound": "lower bound of the interval", "point_estimate": "point estimate",
             "upper_bound": "upper bound of the interval"}


def _number(text: str, decimal: bool = False) -> Any:
    """A typed number as the service expects it; anything else is passed on for the service to refuse."""
    text = text.strip()
    try:
        return float(text) if decimal else int(text)
    except ValueError:
        if decimal:
            return text
        try:
            as_float = float(text)
        except ValueError:
            return text
        return as_float if not as_float.is_integer() else int(as_float)


class KeyedTable(QTableWidget):
    """Rows of keys and a number of minutes or days, e.g. grade | area | minutes."""

    def __init__(self, name: str, headers: tuple[str, ...]) -> None:
        super().__init__(0, len(headers))
        self.setObjectName(name)
        self.setHorizontalHeaderLabels(list(headers))
        self.verticalHeader().setVisible(False)
        self.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Stretch)
        self.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.setMinimumHeight(120)

    def set_rows(self, rows: list[tuple[str, ...]]) -> None:
        self.setRowCount(0)
        for row in rows:
            self.add_row(row)

    def add_row(self, cells: tuple[str, ...] = ()) -> None:
        r = self.rowCount()
        self.insertRow(r)
        for c in range(self.columnCount()):
            self.setItem(r, c, QTableWidgetItem(cells[c] if c < len(cells) else ""))

    def remove_selected(self) -> None:
        for index in sorted({i.row() for i in self.selectedIndexes()}, reverse=True):
            self.removeRow(index)

    def rows(self) -> list[list[str]]:
        out = []
        for r in range(self.rowCount()):
            cells = [(item.text() if (item := self.item(r, c)) else "").strip() for c in range(self.columnCount())]
            if any(cells):
                out.append(cells)
        return out


class SettingsDialog(QDialog):
    def __init__(self, ctx: GuiContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.setObjectName("settingsDialog")
        self.setWindowTitle("Force settings")
        self.current: ForceSettings = ctx.read(settings_service.get_force_settings)
        self.statuses: tuple[str, ...] = ctx.read(settings_service.finding_statuses)
        self.may = ctx.allowed("settings.edit")
        self.fields: dict[str, QWidget] = {}
        self.captions: dict[str, QLabel] = {}
        form = QFormLayout()
        form.setRowWrapPolicy(QFormLayout.RowWrapPolicy.WrapLongRows)
        for key in TEXTS:
            self._row(form, key, named(QLineEdit(), key))
        for key in ("clock_start", "default_rag_rule"):
            combo = named(QComboBox(), key)
            for value in CHOICES[key]:
                combo.addItem(RAG_WORDS.get(value, f"the {value}"), value)
            self._row(form, key, combo)
        self.targets = KeyedTable("attendance_targets", ("Call grade", "Area", "Minutes"))
        self._row(form, "attendance_targets", self._with_buttons(self.targets))
        for key in NUMBERS + OPTIONAL_NUMBERS:
            self._row(form, key, named(QLineEdit(), key))
        self.visits = KeyedTable("offender_visit_interval_days", ("Risk level", "Days"))
        self._row(form, "offender_visit_interval_days", self._with_buttons(self.visits))
        self.status_list = named(QPlainTextEdit(), "finding_statuses")
        self.status_list.setFixedHeight(130)
        self.status_list.setReadOnly(True)  # the force's status line is fixed (services/finding_status.py)
        self._row(form, "finding_statuses", self.status_list)
        body = named(QWidget(), "settingsBody")
        body.setLayout(form)
        scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        scroll.setWidget(body)
        self.problem = label("", wrap=True)
        self.problem.setObjectName("settingsProblem")
        self.problem.setStyleSheet("color: #a3231b;")
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Save | QDialogButtonBox.StandardButton.Cancel)
        self.save = buttons.button(QDialogButtonBox.StandardButton.Save)
        self.save.setObjectName("saveSettings")
        buttons.accepted.connect(self.save_settings)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(label("These settings apply to the whole workspace: audits, packs and readiness read "
                               "them. Every change is recorded in the change log." if self.may else self.may.reason,
                               "muted", wrap=True))
        layout.addWidget(scroll, 1)
        layout.addWidget(self.problem)
        layout.addWidget(buttons)
        self.resize(720, 640)
        self._load()
        for widget in self.fields.values():
            signal = getattr(widget, "textChanged", None) or getattr(widget, "currentIndexChanged", None) \
                or getattr(widget, "itemChanged", None)
            signal.connect(self.check)  # type: ignore[union-attr]
        self.targets.model().rowsRemoved.connect(self.check)
        self.visits.model().rowsRemoved.connect(self.check)
        if not self.may:
            body.setEnabled(False)
            self.save.setEnabled(False)
            self.save.setToolTip(self.may.reason)
        self.check()

    # -- building ---------------------------------------------------------------------------
    def _row(self, form: QFormLayout, key: str, widget: QWidget) -> None:
        title, description = DESCRIPTIONS[key]
        caption = label(title)
        caption.setToolTip(description)
        box = QWidget()
        lay = QVBoxLayout(box)
        lay.setContentsMargins(0, 0, 0, 0)
        lay.setSpacing(2)
        lay.addWidget(widget)
        lay.addWidget(label(description, "muted", wrap=True))
        inner = widget.findChild(QTableWidget) if not isinstance(widget, QTableWidget) else widget
        target = inner if isinstance(inner, QTableWidget) else widget
        target.setAccessibleName(title)
        target.setAccessibleDescription(description)
        form.addRow(caption, box)
        self.fields[key] = target
        self.captions[key] = caption

    def _with_buttons(self, table: KeyedTable) -> QWidget:
        box = QWidget()
        lay = QVBoxLayout(box)
        lay.setContentsMargins(0, 0, 0, 0)
        lay.addWidget(table)
        row = QHBoxLayout()
        add = named(QPushButton("Add row"), f"{table.objectName()}Add")
        remove = named(QPushButton("Remove selected"), f"{table.objectName()}Remove")
        add.clicked.connect(lambda: table.add_row())
        remove.clicked.connect(table.remove_selected)
        row.addWidget(add)
        row.addWidget(remove)
        row.addStretch(1)
        lay.addLayout(row)
        return box

    def _load(self) -> None:
        values = self.current.to_dict()
        for key in TEXTS:
            self.fields[key].setText(values[key])  # type: ignore[attr-defined]
        for key in NUMBERS + OPTIONAL_NUMBERS:
            value = values[key]
            self.fields[key].setText("" if value is None else f"{value:g}" if isinstance(value, float)  # type: ignore[attr-defined]
                                     else str(value))
        for key in CHOICES:
            combo = self.fields[key]
            combo.setCurrentIndex(combo.findData(values[key]))  # type: ignore[attr-defined]
        self.targets.set_rows([(g, a, str(m)) for g, areas in values["attendance_targets"].items()
                               for a, m in areas.items()])
        self.visits.set_rows([(level, str(days)) for level, days in values["offender_visit_interval_days"].items()])
        self.status_list.setPlainText("\n".join(self.statuses))

    # -- values -----------------------------------------------------------------------------
    def values(self) -> dict[str, Any]:
        """What the form says, in the types the service takes (text it cannot read is passed on to be refused)."""
        out: dict[str, Any] = {key: self.fields[key].text() for key in TEXTS}  # type: ignore[attr-defined]
        for key in NUMBERS:
            out[key] = _number(self.fields[key].text())  # type: ignore[attr-defined]
        for key in OPTIONAL_NUMBERS:
            text = self.fields[key].text().strip()  # type: ignore[attr-defined]
            out[key] = None if not text else _number(text, decimal=key == "high_risk_share_limit")
        for key in CHOICES:
            out[key] = self.fields[key].currentData()  # type: ignore[attr-defined]
        targets: dict[str, dict[str, Any]] = {}
        for grade, area, minutes in self.targets.rows():
            targets.setdefault(table_key(grade), {})[table_key(area)] = _number(minutes)
        out["attendance_targets"] = targets
        out["offender_visit_interval_days"] = {table_key(level): _number(days) for level, days in self.visits.rows()}
        return out

    def changes(self) -> dict[str, Any]:
        """What the form says differently from the stored settings, as typed (the service checks it)."""
        now, before = self.values(), self.current.to_dict()
        return {k: v for k, v in now.items() if v != before[k]}

    def effective_changes(self) -> dict[str, Any]:
        """What saving would change, as the service would store it (a name typed with spaces at its ends is
        no change); raises SettingsError as the service would."""
        after = settings_service.check_force_settings(self.current, **self.changes()).to_dict()
        before = self.current.to_dict()
        return {k: v for k, v in after.items() if v != before[k]}

    def status_changes(self) -> list[str] | None:
        """Always None: the status line is shown, not edited (the service refuses a change)."""
        return None

    def check(self) -> bool:
        """Validate as the service will; show the first problem beside its setting. True when it would save."""
        for caption in self.captions.values():
            caption.setStyleSheet("")
        try:
            effective = self.effective_changes()
        except SettingsError as exc:
            key = exc.setting.split(".")[0]
            if key in self.captions:
                self.captions[key].setStyleSheet("color: #a3231b; font-weight: 600;")
            title = DESCRIPTIONS.get(key, (exc.setting, ""))[0]
            where = exc.setting.split(".", 1)[1].replace(".", " ") if "." in exc.setting else ""
            self.problem.setText(f"{title}{' (' + where + ')' if where else ''}: {exc.problem}.")
            self.save.setEnabled(False)
            return False
        nothing = not effective and self.status_changes() is None
        self.problem.setText("")
        self.save.setEnabled(bool(self.may) and not nothing)
        return True

    def save_settings(self) -> None:
        if not self.check():
            return
        changes, statuses = self.changes(), self.status_changes()

        def save(uow: Any) -> None:
            if changes:
                settings_service.update_force_settings(uow, **changes)
            if statuses is not None:
                settings_service.set_finding_statuses(uow, statuses)

        try:
            self.ctx.write_or_raise(save)
        except WorkbenchError as exc:
            self.problem.setText(exc.message + (f" ({exc.hint})" if exc.hint else ""))
            return
        self.accept()

    def reject(self) -> None:
        """Cancel, Escape or the window's close button: edits are dropped only when the user says so."""
        if self.may and self.changes() and not confirm.discard(self, "changes to the force settings"):
            return  # the dialog stays, with the edits
        super().reject()
