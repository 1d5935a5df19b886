"""Recording the answers of one case: an editor per answer type, computed criteria with their working,
and the case's comment. The dialog only collects edits; the page records them in one unit of work."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from workbench.gui.qt import (
    QComboBox,
    QDateTime,
    QDateTimeEdit,
    QDialog,
    QDialogButtonBox,
    QDoubleValidator,
    QFrame,
    QGridLayout,
    QLineEdit,
    QPlainTextEdit,
    QScrollArea,
    QSizePolicy,
    Qt,
    QVBoxLayout,
    QWidget,
)
from workbench.gui.style import CASE_TONES, card, label, tag
from workbench.services.fieldwork import Answer, CaseInfo
from workbench.services.fieldwork_io import case_comment
from workbench.templates import Criterion, Template

NOT_ANSWERED = "— not answered —"
YES_NO_NA = (("yes", "Yes"), ("no", "No"), ("n/a", "Not applicable"))
NO_MOMENT = QDateTime(2000, 1, 1, 0, 0, 0)  # shown as "Not answered"
ANSWER_TONES = {"yes": "green", "no": "red", "n/a": "neutral"}


@dataclass(frozen=True)
class AnswerEdit:
    """One answer to record: `value` None clears it; `version` is the one the editor was opened with."""

    criterion: str
    value: str | None
    comment: str
    version: int | None


class _Editor:
    """An editor widget for one criterion and the value it held when opened."""

    def __init__(self, criterion: Criterion, answer: Answer | None) -> None:
        self.criterion = criterion
        self.answer = answer
        kind = criterion.answer
        value = answer.value if answer is not None else None
        if kind in ("yes_no_na", "choice"):
            combo = QComboBox()
            combo.addItem(NOT_ANSWERED, None)
            options = YES_NO_NA if kind == "yes_no_na" else tuple((c, c) for c in criterion.choices)
            for data, text in options:
                combo.addItem(text, data)
            found = combo.findData(value) if value is not None else 0
            if found < 0:  # a stored value the template no longer offers: keep it visible
                combo.addItem(value, value)
                found = combo.count() - 1
            combo.setCurrentIndex(found)
            self.widget: QWidget = combo
        elif kind == "datetime":
            edit = QDateTimeEdit(calendarPopup=True, displayFormat="d MMM yyyy HH:mm")
            edit.setMinimumDateTime(NO_MOMENT)
            edit.setSpecialValueText("Not answered")
            moment = QDateTime.fromString(value, Qt.DateFormat.ISODate) if value else NO_MOMENT
            edit.setDateTime(moment if moment.isValid() else NO_MOMENT)
            edit.setToolTip("Set the earliest date (1 Jan 2000) to clear the answer")
            self.widget = edit
        else:
            line = QLineEdit(value or "")
            if kind == "number":
                validator = QDoubleValidator(line)
                validator.setNotation(QDoubleValidator.Notation.StandardNotation)
                line.setValidator(validator)
                line.setPlaceholderText("a number, e.g. 12 or 7.5")
                line.setMaximumWidth(160)
            else:
                line.setPlaceholderText("not answered")
            self.widget = line
        self.widget.setObjectName(f"answer-{criterion.key}")
        self.initial = self.value()

    def value(self) -> str | None:
        w = self.widget
        if isinstance(w, QComboBox):
            return w.currentData()
        if isinstance(w, QDateTimeEdit):
            moment = w.dateTime()
            return None if moment == NO_MOMENT else moment.toString("yyyy-MM-ddTHH:mm:ss")
        text = w.text().strip() if isinstance(w, QLineEdit) else ""
        return text or None

    def set_value(self, value: str | None) -> None:
        """For tests and keyboard-free filling: choose or type `value` (None clears)."""
        w = self.widget
        if isinstance(w, QComboBox):
            w.setCurrentIndex(max(0, w.findData(value)) if value is not None else 0)
        elif isinstance(w, QDateTimeEdit):
            w.setDateTime(QDateTime.fromString(value, Qt.DateFormat.ISODate) if value else NO_MOMENT)
        elif isinstance(w, QLineEdit):
            w.setText(value or "")


class CaseEditorDialog(QDialog):
    def __init__(self, case: CaseInfo, template: Template, answers: Mapping[str, Answer],
                 audit_title: str, parent: QWidget | None = None, result: str = "") -> None:
        super().__init__(parent)
        self.setObjectName("caseEditor")
        self.setWindowTitle(f"Case {case.ref} — record answers")
        self.case = case
        self.editors: dict[str, _Editor] = {}
        hand = [c.key for c in template.criteria if c.rule is None]
        self._comment0 = case_comment(dict(answers), hand)  # type: ignore[arg-type] - Answer has value, comment

        head = QGridLayout()
        head.setHorizontalSpacing(10)
        title = label(f"Case {case.ref}", "findingTitle")
        head.addWidget(title, 0, 0)
        if result:
            head.addWidget(tag(result.capitalize(), CASE_TONES.get(result, "neutral")), 0, 1,
                           Qt.AlignmentFlag.AlignRight)
        where = audit_title + (f" · stratum {case.stratum}" if case.stratum else "")
        if case.replaces_ref:
            where += f" · replaces {case.replaces_ref}"
        head.addWidget(label(where, "muted", wrap=True), 1, 0, 1, 2)

        body = QWidget(objectName="caseEditorBody")
        lay = QVBoxLayout(body)
        lay.setContentsMargins(0, 0, 8, 0)
        lay.setSpacing(10)
        lay.addWidget(label("From the extract", "section"))
        lay.addWidget(_fields(template, case))
        lay.addWidget(label("Criteria", "section"))
        lay.addWidget(self._criteria(template, answers))
        lay.addWidget(label("Comment", "section"))
        self.comment = QPlainTextEdit(self._comment0, objectName="caseComment")
        self.comment.setPlaceholderText("What you checked, and anything an inspector should know about this case")
        self.comment.setFixedHeight(70)
        lay.addWidget(self.comment)
        lay.addWidget(label("The comment is kept with every answer of this case you give by hand.", "muted",
                            wrap=True))
        lay.addStretch(1)
        scroll = QScrollArea(objectName="caseEditorScroll")
        scroll.setWidgetResizable(True)
        scroll.setFrameShape(QFrame.Shape.NoFrame)
        scroll.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        scroll.setWidget(body)

        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Save | QDialogButtonBox.StandardButton.Cancel)
        self.save = buttons.button(QDialogButtonBox.StandardButton.Save)
        self.save.setText("Save answers")
        self.save.setObjectName("saveAnswers")
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(16, 14, 16, 12)
        layout.addLayout(head)
        layout.addWidget(scroll, 1)
        layout.addWidget(buttons)
        self.resize(820, 720)

    def _criteria(self, template: Template, answers: Mapping[str, Answer]) -> QWidget:
        box = QWidget()
        grid = QGridLayout(box)
        grid.setContentsMargins(0, 0, 0, 0)
        grid.setHorizontalSpacing(14)
        grid.setVerticalSpacing(10)
        grid.setColumnStretch(0, 1)
        for row, c in enumerate(template.criteria):
            question = QWidget()
            q = QVBoxLayout(question)
            q.setContentsMargins(0, 0, 0, 0)
            q.setSpacing(2)
            text = label(c.question, wrap=True)
            text.setToolTip(c.guidance or c.question)
            q.addWidget(text)
            marks = [w for w in ("Critical" if c.critical else "", "Computed" if c.rule is not None else "") if w]
            if marks:
                q.addWidget(label(" · ".join(marks), "muted"))
            grid.addWidget(question, row, 0, Qt.AlignmentFlag.AlignTop)
            answer = answers.get(c.key)
            if c.rule is not None:
                grid.addWidget(_computed(c, answer), row, 1, Qt.AlignmentFlag.AlignTop)
                continue
            editor = _Editor(c, answer)
            editor.widget.setMinimumWidth(260)
            editor.widget.setSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Fixed)
            self.editors[c.key] = editor
            grid.addWidget(editor.widget, row, 1, Qt.AlignmentFlag.AlignTop)
        return box

    def edits(self) -> tuple[AnswerEdit, ...]:
        """What to record: changed answers, and the comment on every answer when it changed."""
        comment = self.comment.toPlainText().strip()
        comment_changed = comment != self._comment0
        out = []
        for key, editor in self.editors.items():
            old = editor.answer
            version = old.version if old is not None else None
            if editor.value() != editor.initial:
                out.append(AnswerEdit(key, editor.value(), comment if comment_changed or old is None
                                      else old.comment, version))
            elif comment_changed and old is not None and old.value is not None and old.comment != comment:
                out.append(AnswerEdit(key, old.value, comment, version))
        return tuple(out)


def _computed(c: Criterion, answer: Answer | None) -> QWidget:
    box = QWidget(objectName=f"computed-{c.key}")
    lay = QVBoxLayout(box)
    lay.setContentsMargins(0, 0, 0, 0)
    lay.setSpacing(2)
    value = answer.value if answer is not None else None
    words = dict(YES_NO_NA).get(value or "", value or "Not evaluated yet")
    shown = tag(words, ANSWER_TONES.get(value or "", "neutral"))
    shown.setObjectName(f"computedValue-{c.key}")
    lay.addWidget(shown, 0, Qt.AlignmentFlag.AlignLeft)
    working = answer.working if answer is not None and answer.working else "Run the computed evaluation first."
    text = label(working, "muted", wrap=True, selectable=True)
    text.setFixedWidth(260)
    lay.addWidget(text)
    box.setMinimumWidth(200)
    return box


def _moment(iso: str) -> str:
    """An extract's date-time as people read it, e.g. "12 Sep 2025 14:54"."""
    moment = QDateTime.fromString(iso, Qt.DateFormat.ISODate)
    return moment.toString("d MMM yyyy HH:mm") if moment.isValid() else iso


def _fields(template: Template, case: CaseInfo) -> QWidget:
    box = card()
    grid = QGridLayout(box)
    grid.setContentsMargins(12, 8, 12, 8)
    grid.setHorizontalSpacing(12)
    grid.setVerticalSpacing(4)
    shown = [f for f in template.fields if not f.personal]
    half = (len(shown) + 1) // 2
    for i, f in enumerate(shown):
        value = case.fields.get(f.key)
        text = "—" if value in (None, "") else _moment(str(value)) if f.type == "datetime" else str(value)
        col = 0 if i < half else 2
        grid.addWidget(label(f.label, "muted"), i % half, col, Qt.AlignmentFlag.AlignTop)
        grid.addWidget(label(text, wrap=True, selectable=True), i % half, col + 1, Qt.AlignmentFlag.AlignTop)
    grid.setColumnStretch(1, 1)
    grid.setColumnStretch(3, 1)
    hidden = len(template.fields) - len(shown)
    if hidden:
        grid.addWidget(label(f"{hidden} personal field{'s' if hidden != 1 else ''} (names, addresses) not shown",
                             "muted"), half, 0, 1, 4)
    return box
