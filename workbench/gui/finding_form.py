"""The register fields of one finding: status, owner, target date, area and notes.

Edits are never dropped: moving to another finding keeps the unsaved edits of this one (they come
back, marked, when it is shown again), Revert asks first (gui/confirm.py), closing the window asks
about them (gui/unsaved.py), and a save refused because someone else saved first keeps what was
typed on top of their version, saying what they saved (`keep_over`)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from typing import Any

from workbench.gui import confirm
from workbench.gui.qt import (
    QCheckBox,
    QComboBox,
    QDate,
    QFormLayout,
    QHBoxLayout,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QSizePolicy,
    QVBoxLayout,
    QWidget,
    Signal,
    named,
)
from workbench.gui.style import date_edit, label
from workbench.services.findings import FindingInfo

NO_DATE = QDate(2000, 1, 1)  # shown as "No target date" while the box is unticked

#: the note over the form when someone else saved the finding while it was being edited
CONFLICT_STYLE = ("background: #fdf3e1; border: 1px solid #e0b35a; border-radius: 4px; padding: 6px; "
                  "color: #4a3300;")

#: the register fields in the words the form's captions use
FIELD_WORDS = {"status": "Status", "owner": "Owner", "target_date": "Target date", "area": "PEEL area",
               "notes": "Notes"}


def _shown(value: Any) -> str:
    """A saved value as the conflict note quotes it."""
    if value is None or value == "":
        return "(none)"
    if isinstance(value, date):
        return f"{value:%d %b %Y}".lstrip("0")
    text = " ".join(str(value).split())
    return text if len(text) <= 80 else text[:79] + "…"


class FindingForm(QWidget):
    """Edits a copy of the register fields; `save_requested(finding_id, version, changes)` on Save.

    The version is the one the form was loaded from, so the service refuses the save when
    someone else changed the finding in the meantime.
    """

    save_requested = Signal(int, int, object)

    #: finding id -> (reference, version the edits were based on, changed fields)
    Draft = tuple[str, int, dict[str, Any]]

    def __init__(self, areas: Sequence[str], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._base: FindingInfo | None = None
        self._editable = False
        self._reason = ""  # why the fields may not be edited (the service's words), shown as tooltips
        self._areas = tuple(areas)
        self.drafts: dict[int, FindingForm.Draft] = {}

        self.status = named(QComboBox(), "statusEdit")
        self.owner = named(QLineEdit(placeholderText="e.g. Supt A. Smith, Contact Management"), "ownerEdit")
        self.has_target = named(QCheckBox("Set"), "hasTargetDate")
        self.target = date_edit("targetDateEdit")
        self.target.setMinimumDate(NO_DATE)
        self.target.setSpecialValueText("No target date")
        self.target.setDate(NO_DATE)
        self.area = named(QComboBox(editable=True), "areaEdit")
        self.area.addItems(list(self._areas))
        for combo in (self.status, self.area):  # long names must not widen the pane
            combo.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
            combo.setMinimumContentsLength(12)
            combo.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)
        self.notes = named(QPlainTextEdit(placeholderText="Progress, decisions, evidence to gather…"), "notesEdit")
        self.notes.setFixedHeight(84)
        self.save = named(QPushButton("Save changes"), "saveFinding")
        self.revert = named(QPushButton("Revert"), "revertFinding")
        self.read_only_note = label("", "muted", wrap=True)
        self.kept_note = label("", "muted", wrap=True, plain=True)
        self.kept_note.setObjectName("keptEdits")
        self.kept_note.hide()
        for widget, name in ((self.status, "Status"), (self.owner, "Owner"), (self.has_target, "Set a target date"),
                             (self.target, "Target date"), (self.area, "PEEL area"), (self.notes, "Notes")):
            widget.setAccessibleName(name)

        target_row = QHBoxLayout()
        target_row.setContentsMargins(0, 0, 0, 0)
        target_row.addWidget(self.has_target)
        target_row.addWidget(self.target, 1)
        form = QFormLayout()
        form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.ExpandingFieldsGrow)
        form.setContentsMargins(0, 0, 0, 0)
        fields: tuple[tuple[str, QWidget], ...] = (("&Status", self.status), ("O&wner", self.owner),
                                                   ("&Area", self.area), ("&Notes", self.notes))
        for text, field in fields[:2]:
            caption = label(text)
            caption.setBuddy(field)
            form.addRow(caption, field)
        caption = label("Target &date")
        caption.setBuddy(self.has_target)
        form.addRow(caption, target_row)
        for text, field in fields[2:]:
            caption = label(text)
            caption.setBuddy(field)
            form.addRow(caption, field)
        buttons = QHBoxLayout()
        buttons.addWidget(self.read_only_note, 1)
        buttons.addWidget(self.revert)
        buttons.addWidget(self.save)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.kept_note)
        layout.addLayout(form)
        layout.addLayout(buttons)

        for signal in (self.status.currentTextChanged, self.owner.textChanged, self.area.currentTextChanged,
                       self.notes.textChanged, self.target.dateChanged):
            signal.connect(self._update_buttons)
        self.has_target.toggled.connect(self._target_toggled)
        self.save.clicked.connect(self._save)
        self.revert.clicked.connect(self._revert)

    # -- loading ----------------------------------------------------------------------------
    def set_editable(self, editable: bool, reason: str = "") -> None:
        """Whether the fields may be changed; when not, `reason` (the service's words) is shown below the
        form and as the tooltip of every disabled control."""
        self._editable = editable
        self._reason = "" if editable else reason
        for w in (self.status, self.owner, self.has_target, self.area, self.notes, self.target):
            w.setEnabled(editable)
            w.setToolTip(self._reason)
        self._enable_target()
        self.read_only_note.setText(self._reason)
        self._update_buttons()

    def _statuses(self) -> list[str]:
        return [self.status.itemText(i) for i in range(self.status.count())]

    def load(self, info: FindingInfo | None, statuses: Sequence[str], force: bool = False) -> None:
        """Show `info`; keeps unsaved edits of the same finding unless `force` (a newer version of it, read
        while it is being edited, goes under the edits, and the form says what was saved meanwhile)."""
        if info is not None and not force and self.is_dirty() and self._base is not None \
                and self._base.id == info.id:
            if info.version != self._base.version:
                self.keep_over(info, statuses, self.changes())
            return
        if not force and self._base is not None and self._base.id is not None and self.is_dirty() \
                and (info is None or info.id != self._base.id):
            self.drafts[self._base.id] = (f"{self._base.inspection} / {self._base.ref}", self._base.version,
                                          self.changes())  # kept, not lost
        if force and info is not None and info.id is not None:
            self.drafts.pop(info.id, None)
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
        draft = self.drafts.pop(info.id, None) if info is not None and info.id is not None and not force else None
        if draft is not None:
            self._apply(draft[2])
        for w in (self.status, self.owner, self.area, self.notes, self.target, self.has_target):
            w.blockSignals(False)
        self.kept_note.setVisible(draft is not None)
        if draft is not None and info is not None:
            self._note_kept(info, draft[2], changed_since=info.version != draft[1])
        self.set_editable(self._editable, self._reason)

    def keep_over(self, info: FindingInfo, statuses: Sequence[str], changes: dict[str, Any]) -> None:
        """After a save refused because someone else saved `info` first: show their version with
        `changes` (what was typed) on top, still unsaved, and say what they saved for those fields.
        Save then puts the typed changes in place of theirs; Revert keeps theirs."""
        self.load(info, statuses, force=True)
        for w in (self.status, self.owner, self.area, self.notes, self.target, self.has_target):
            w.blockSignals(True)
        self._apply(changes)
        for w in (self.status, self.owner, self.area, self.notes, self.target, self.has_target):
            w.blockSignals(False)
        self._enable_target()
        self._note_kept(info, changes, changed_since=True)
        self.kept_note.show()
        self._update_buttons()

    def _note_kept(self, info: FindingInfo, changes: dict[str, Any], changed_since: bool) -> None:
        """Say that edits were kept; when someone else saved meanwhile, as a banner that stands out."""
        self.kept_note.setText(self._kept_words(info, changes, changed_since))
        self.kept_note.setStyleSheet(CONFLICT_STYLE if changed_since else "")

    @staticmethod
    def _kept_words(info: FindingInfo, changes: dict[str, Any], changed_since: bool) -> str:
        if not changed_since:
            return "Your unsaved changes to this finding were kept: save them, or Revert to drop them."
        differ = [k for k, v in changes.items() if getattr(info, k) != v]
        if not differ:
            return ("Someone else saved this finding while you were editing it, with the same values you typed: "
                    "there is nothing more to save.")
        theirs = "; ".join(f"{FIELD_WORDS.get(k, k)} “{_shown(getattr(info, k))}”" for k in differ)
        return ("Someone else saved this finding while you were editing it, so your changes are not saved yet. "
                f"The form shows your changes on top of their version. Saved now for the fields you changed: {theirs}. "
                "Save puts your changes in place of theirs; Revert keeps theirs.")

    def _apply(self, changes: dict[str, Any]) -> None:
        if "status" in changes:
            if self.status.findText(changes["status"]) < 0:
                self.status.addItem(changes["status"])
            self.status.setCurrentText(changes["status"])
        if "owner" in changes:
            self.owner.setText(changes["owner"])
        if "target_date" in changes:
            d = changes["target_date"]
            self.has_target.setChecked(d is not None)
            self.target.setDate(NO_DATE if d is None else QDate(d.year, d.month, d.day))
        if "area" in changes:
            self.area.setCurrentText(changes["area"])
        if "notes" in changes:
            self.notes.setPlainText(changes["notes"])

    def _revert(self) -> None:
        base = self._base
        if base is not None and self.is_dirty() and not confirm.discard(
                self, f"changes to {base.inspection} / {base.ref}"):
            return  # kept as typed
        self.kept_note.hide()
        self.load(base, self._statuses(), force=True)

    # -- unsaved work (gui/unsaved.py) --------------------------------------------------------
    def unsaved_work(self) -> list[str]:
        out = []
        if self._base is not None and self.is_dirty():
            out.append(f"{self._base.inspection} / {self._base.ref}: {', '.join(self.changes())}")
        out += [f"{ref}: {', '.join(changes)}" for ref, _v, changes in self.drafts.values()]
        return out

    def save_unsaved(self) -> bool:
        """Ask for every kept draft and the shown edits to be saved (the detail pane saves them); True
        only when nothing is left unsaved (a refused save keeps its edits, so closing does not go on)."""
        for finding_id, (_ref, version, changes) in list(self.drafts.items()):
            self.save_requested.emit(finding_id, version, changes)
        self._save()
        return not self.unsaved_work()

    def discard_unsaved(self) -> None:
        self.drafts.clear()
        if self._base is not None:
            self.load(self._base, self._statuses(), force=True)

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

    def _enable_target(self) -> None:
        on = self.has_target.isChecked()
        self.target.setEnabled(self._editable and on)
        self.target.setToolTip(self._reason or ("" if on else "Tick “Set” to give a target date"))

    def _target_toggled(self, on: bool) -> None:
        self._enable_target()
        if on and self.target.date() == NO_DATE:
            self.target.setDate(QDate.currentDate().addMonths(3))
        elif not on:
            self.target.setDate(NO_DATE)
        self._update_buttons()

    def _update_buttons(self, *_: object) -> None:
        dirty = self._base is not None and self.is_dirty()
        self.save.setEnabled(self._editable and dirty)
        self.revert.setEnabled(self._editable and dirty)
        why_not = self._reason or ("" if dirty else "Nothing to save: change a field first.")
        self.save.setToolTip(why_not or "Save your changes to this finding (recorded in the change log)")
        self.revert.setToolTip(why_not or "Put back what is saved, dropping your changes (asks first)")

    def _save(self) -> None:
        if self._base is not None and self._base.id is not None and self.is_dirty():
            self.save_requested.emit(self._base.id, self._base.version, self.changes())
