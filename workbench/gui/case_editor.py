"""Recording the answers of one case: an editor per answer type, computed criteria with their working
(evaluated now if they were not yet, and overridable with a reason), the second reviewer's answers
beside the first ones, and the case's comment. Keyboard first: every question is the buddy of its
input, Ctrl+S saves, Ctrl+Return saves and opens the next case. The dialog only collects edits;
the page records them in one unit of work."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from itertools import pairwise

from workbench.gui import confirm
from workbench.gui.qt import (
    QCheckBox,
    QComboBox,
    QDateTime,
    QDateTimeEdit,
    QDialog,
    QDialogButtonBox,
    QDoubleValidator,
    QEvent,
    QFrame,
    QGridLayout,
    QKeyEvent,
    QKeySequence,
    QLineEdit,
    QObject,
    QPlainTextEdit,
    QPushButton,
    QScrollArea,
    QShortcut,
    QSizePolicy,
    Qt,
    QVBoxLayout,
    QWidget,
    named,
)
from workbench.gui.style import CASE_TONES, card, label, tag
from workbench.services.fieldwork import Answer, CaseInfo
from workbench.services.fieldwork_flow import ComputedNow
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
    override: bool = False  # a hand answer to a computed criterion (the comment says why)


def answer_words(value: str | None) -> str:
    return dict(YES_NO_NA).get(value or "", value or "not answered")


#: keys that answer a yes / no / not applicable question whose box has the focus
ANSWER_KEYS = {Qt.Key.Key_Y: "yes", Qt.Key.Key_N: "no", Qt.Key.Key_A: "n/a", Qt.Key.Key_0: "n/a",
               Qt.Key.Key_Delete: None, Qt.Key.Key_Backspace: None}
KEYS_HELP = ("Keyboard: Tab moves from question to question; in a yes / no question press Y, N or A "
             "(not applicable), Delete clears it; Ctrl+S saves, Ctrl+Return saves and opens the next case.")


class _AnswerKeys(QObject):
    """Y / N / A answer the focused yes-no-n/a box at once, and the focus moves to the next question."""

    def eventFilter(self, obj: QObject, event: QEvent) -> bool:  # noqa: N802
        if event.type() != QEvent.Type.KeyPress or not isinstance(event, QKeyEvent) or not isinstance(obj, QComboBox) \
                or event.modifiers() not in (Qt.KeyboardModifier.NoModifier, Qt.KeyboardModifier.KeypadModifier):
            return False
        key = Qt.Key(event.key())
        if key not in ANSWER_KEYS:
            return False
        value = ANSWER_KEYS[key]
        obj.setCurrentIndex(obj.findData(value) if value is not None else 0)
        if value is not None:
            obj.focusNextChild()
        return True


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
            if found < 0 and value is not None:  # a stored value the template no longer offers: keep it visible
                combo.addItem(value, value)
                found = combo.count() - 1
            combo.setCurrentIndex(found)
            if kind == "yes_no_na":
                keys = _AnswerKeys(combo)
                combo.installEventFilter(keys)
                combo.setToolTip("Y yes · N no · A not applicable · Delete clears")
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


class _Computed:
    """A computed criterion: its answer and working, what its inputs give now, and an override."""

    def __init__(self, criterion: Criterion, answer: Answer | None, now: ComputedNow | None,
                 evaluate: Callable[[], None] | None) -> None:
        self.criterion, self.answer = criterion, answer
        self.box = named(QWidget(), f"computed-{criterion.key}")
        lay = QVBoxLayout(self.box)
        lay.setContentsMargins(0, 0, 0, 0)
        lay.setSpacing(3)
        overridden = answer is not None and not answer.computed and answer.value is not None
        value = answer.value if answer is not None else None
        shown = tag(answer_words(value) if value else "Not evaluated yet", ANSWER_TONES.get(value or "", "neutral"))
        shown.setObjectName(f"computedValue-{criterion.key}")
        lay.addWidget(shown, 0, Qt.AlignmentFlag.AlignLeft)
        if overridden and answer is not None:
            working = f"Answered by hand ({answer.answered_by}): {answer.comment}"
            if now is not None:
                working += f" — the rule gives {answer_words(now.answer)}: {now.working}"
        elif answer is not None and answer.working:
            working = answer.working
        elif now is not None:
            working = f"Not evaluated yet; with the case's fields it gives {answer_words(now.answer)}: {now.working}"
        else:
            working = "Not evaluated yet."
        stale = (not overridden and answer is not None and now is not None
                 and (answer.value != now.answer or answer.working != now.working))
        if stale and now is not None:
            working += f" — its inputs have changed since: now it gives {answer_words(now.answer)} ({now.working})."
        self.working = label(working, "muted", wrap=True, selectable=True)
        self.working.setObjectName(f"computedWorking-{criterion.key}")
        self.working.setFixedWidth(300)
        lay.addWidget(self.working)
        self.evaluate = named(QPushButton("Evaluate again" if stale else "Evaluate now"), f"evaluate-{criterion.key}")
        self.evaluate.setToolTip("Work out the computed criteria of this audit from the case fields and force settings")
        self.evaluate.setVisible(evaluate is not None and not overridden and (answer is None or stale))
        if evaluate is not None:
            self.evaluate.clicked.connect(evaluate)
        lay.addWidget(self.evaluate, 0, Qt.AlignmentFlag.AlignLeft)
        self.override = named(QCheckBox("Override with my own answer"), f"override-{criterion.key}")
        self.override.setChecked(overridden)
        self.editor = _Editor(criterion, answer if overridden else None)
        self.editor.widget.setAccessibleName(f"Own answer: {criterion.question[:80]}")
        self.reason = named(QLineEdit(answer.comment if overridden and answer is not None else ""), f"overrideReason-{criterion.key}")
        self.reason.setPlaceholderText("Why the computed answer is wrong for this case (required)")
        self.reason.setAccessibleName(f"Reason for overriding: {criterion.question[:80]}")
        for w in (self.override, self.editor.widget, self.reason):
            lay.addWidget(w)
        self.override.toggled.connect(self._toggled)
        self._toggled(overridden)
        self._initial = (overridden, self.editor.value(), self.reason.text().strip())

    def _toggled(self, on: bool) -> None:
        self.editor.widget.setVisible(on)
        self.reason.setVisible(on)
        if on:
            self.editor.widget.setFocus()

    def edit(self) -> AnswerEdit | None:
        on, value, reason = self.override.isChecked(), self.editor.value(), self.reason.text().strip()
        if (on, value, reason) == self._initial:
            return None
        version = self.answer.version if self.answer is not None else None
        if on:
            return AnswerEdit(self.criterion.key, value, reason, version, override=True)
        if self._initial[0]:  # back to the rule: clear the hand answer; the page evaluates again
            return AnswerEdit(self.criterion.key, None, reason or "returned to the computed answer", version,
                              override=True)
        return None

    def problem(self) -> str:
        if self.override.isChecked() and (not self.reason.text().strip() or self.editor.value() is None):
            return (f"Overriding “{self.criterion.question[:60]}…” needs your answer and a reason saying why "
                    "the computed answer is wrong for this case.")
        return ""


class CaseEditorDialog(QDialog):
    """With `role` "second", the second reviewer's answers beside the first ones (`primary`)."""

    def __init__(self, case: CaseInfo, template: Template, answers: Mapping[str, Answer],
                 audit_title: str, parent: QWidget | None = None, result: str = "", *, role: str = "primary",
                 primary: Mapping[str, Answer] | None = None, computed_now: Mapping[str, ComputedNow] | None = None,
                 evaluate: Callable[[], None] | None = None, has_next: bool = False) -> None:
        super().__init__(parent)
        self.setObjectName("caseEditor")
        self.role = role
        second = role == "second"
        self.setWindowTitle(f"Case {case.ref} — " + ("second review" if second else "record answers"))
        self.case = case
        self.editors: dict[str, _Editor] = {}
        self.computed: dict[str, _Computed] = {}
        self.go_next = False
        self.evaluate_requested = False
        self._evaluate = evaluate
        self._primary = dict(primary or {})
        hand = [c.key for c in template.criteria if c.rule is None]
        self._comment0 = case_comment(answers, hand)

        head = QGridLayout()
        head.setHorizontalSpacing(10)
        title = label(f"Case {case.ref}" + (" · second review" if second else ""), "findingTitle")
        head.addWidget(title, 0, 0)
        if result:
            head.addWidget(tag(result.capitalize(), CASE_TONES.get(result, "neutral")), 0, 1,
                           Qt.AlignmentFlag.AlignRight)
        where = audit_title + (f" · stratum {case.stratum}" if case.stratum else "")
        if case.replaces_ref:
            where += f" · replaces {case.replaces_ref}"
        head.addWidget(label(where, "muted", wrap=True), 1, 0, 1, 2)
        if second:
            head.addWidget(label("Answer each question from the case file without looking at the first answers; "
                                 "they are shown beside yours, with whether the two agree, once you have answered.",
                                 "muted", wrap=True), 2, 0, 1, 2)

        body = named(QWidget(), "caseEditorBody")
        lay = QVBoxLayout(body)
        lay.setContentsMargins(0, 0, 8, 0)
        lay.setSpacing(10)
        lay.addWidget(label("From the extract", "section"))
        lay.addWidget(_fields(template, case))
        lay.addWidget(label("Criteria", "section"))
        keys_help = label(KEYS_HELP, "muted", wrap=True)
        keys_help.setObjectName("caseEditorKeys")
        lay.addWidget(keys_help)
        lay.addWidget(self._criteria(template, answers, computed_now or {}, evaluate))
        lay.addWidget(label("Comment", "section"))
        self.comment = named(QPlainTextEdit(self._comment0), "caseComment")
        self.comment.setPlaceholderText("What you checked, and anything an inspector should know about this case")
        self.comment.setFixedHeight(70)
        self.comment.setTabChangesFocus(True)
        self.comment.setAccessibleName("Comment on this case")
        lay.addWidget(self.comment)
        lay.addWidget(label("The comment is kept with every answer of this case you give by hand.", "muted",
                            wrap=True))
        lay.addStretch(1)
        scroll = named(QScrollArea(), "caseEditorScroll")
        scroll.setWidgetResizable(True)
        scroll.setFrameShape(QFrame.Shape.NoFrame)
        scroll.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        scroll.setWidget(body)

        self.problem = label("", "muted", wrap=True)
        self.problem.setObjectName("caseEditorProblem")
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Save | QDialogButtonBox.StandardButton.Cancel)
        self.save = buttons.button(QDialogButtonBox.StandardButton.Save)
        self.save.setText("Save answers")
        self.save.setObjectName("saveAnswers")
        self.save.setToolTip("Save (Ctrl+S)")
        self.save_next = named(QPushButton("Save and &next case"), "saveAndNext")
        self.save_next.setToolTip("Save and open the next case (Ctrl+Return)")
        self.save_next.setEnabled(has_next)
        buttons.addButton(self.save_next, QDialogButtonBox.ButtonRole.ActionRole)
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        self.save_next.clicked.connect(self.accept_and_next)
        QShortcut(QKeySequence.StandardKey.Save, self).activated.connect(self.accept)
        QShortcut(QKeySequence("Ctrl+Return"), self).activated.connect(self.accept_and_next)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(16, 14, 16, 12)
        layout.addLayout(head)
        layout.addWidget(scroll, 1)
        layout.addWidget(self.problem)
        layout.addWidget(buttons)
        self.resize(860, 740)
        self._tab_order()
        first = next(iter(self.editors.values()), None)
        if first is not None:
            first.widget.setFocus()

    def _criteria(self, template: Template, answers: Mapping[str, Answer], now: Mapping[str, ComputedNow],
                  evaluate: Callable[[], None] | None) -> QWidget:
        box = QWidget()
        grid = QGridLayout(box)
        grid.setContentsMargins(0, 0, 0, 0)
        grid.setHorizontalSpacing(14)
        grid.setVerticalSpacing(10)
        grid.setColumnStretch(0, 1)
        second = self.role == "second"
        row = 0
        self._order: list[str] = []
        for c in template.criteria:
            if second and c.rule is not None:
                continue  # a rule gives the same answer twice: nothing to re-check
            self._order.append(c.key)
            question = QWidget()
            q = QVBoxLayout(question)
            q.setContentsMargins(0, 0, 0, 0)
            q.setSpacing(2)
            text = label(c.question, wrap=True)
            text.setObjectName(f"question-{c.key}")
            text.setToolTip(c.guidance or c.question)
            q.addWidget(text)
            marks = [w for w in ("Critical" if c.critical else "", "Computed" if c.rule is not None else "") if w]
            if marks:
                q.addWidget(label(" · ".join(marks), "muted"))
            grid.addWidget(question, row, 0, Qt.AlignmentFlag.AlignTop)
            answer = answers.get(c.key)
            if c.rule is not None:
                computed = _Computed(c, answer, now.get(c.key), self._request_evaluation if evaluate else None)
                self.computed[c.key] = computed
                text.setBuddy(computed.override)
                computed.override.setAccessibleName(f"Override: {c.question[:80]}")
                grid.addWidget(computed.box, row, 1, Qt.AlignmentFlag.AlignTop)
                row += 1
                continue
            editor = _Editor(c, answer)
            editor.widget.setMinimumWidth(260)
            editor.widget.setSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Fixed)
            editor.widget.setAccessibleName(c.question[:120])
            if c.guidance:
                editor.widget.setAccessibleDescription(c.guidance)
            text.setBuddy(editor.widget)
            self.editors[c.key] = editor
            cell = QWidget()
            cell_lay = QVBoxLayout(cell)
            cell_lay.setContentsMargins(0, 0, 0, 0)
            cell_lay.setSpacing(2)
            cell_lay.addWidget(editor.widget)
            if second:
                first = self._primary.get(c.key)
                mine = answer.value if answer is not None else None
                words = f"First answer: {answer_words(first.value if first else None)}" if mine else \
                    "The first answer is shown once you have answered."
                if mine and first is not None and first.value is not None:
                    words += " · agrees" if first.value == mine else " · differs"
                agree = label(words, "muted", wrap=True)
                agree.setObjectName(f"agreement-{c.key}")
                cell_lay.addWidget(agree)
            grid.addWidget(cell, row, 1, Qt.AlignmentFlag.AlignTop)
            row += 1
        return box

    def _tab_order(self) -> None:
        """Tab goes down the questions in the order shown, then the comment, Save and next, Save."""
        chain: list[QWidget] = []
        for key in self._order:
            if key in self.editors:
                chain.append(self.editors[key].widget)
            elif key in self.computed:
                c = self.computed[key]
                chain += [w for w in (c.evaluate, c.override, c.editor.widget, c.reason)]
        chain += [self.comment, self.save_next, self.save]
        for before, after in pairwise(chain):
            QWidget.setTabOrder(before, after)

    def _request_evaluation(self) -> None:
        """Close with no edits lost: the page evaluates, then opens the case again."""
        self.evaluate_requested = True
        self.accept()

    def accept_and_next(self) -> None:
        self.go_next = True
        self.accept()

    def accept(self) -> None:
        problems = [p for p in (c.problem() for c in self.computed.values()) if p]
        if problems and not self.evaluate_requested:
            self.problem.setText(problems[0])
            self.go_next = False
            return
        super().accept()

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
        for computed in self.computed.values():
            edit = computed.edit()
            if edit is not None and not computed.problem():
                out.append(edit)
        return tuple(out)

    def has_changes(self) -> bool:
        return bool(self.edits())

    def reject(self) -> None:
        """Cancel asks before unsaved answers are thrown away."""
        if self.has_changes() and not confirm.discard(self, "answers for case " + self.case.ref):
            return
        super().reject()


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
