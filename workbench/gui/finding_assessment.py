"""A finding's self-assessment: the preparer drafts and submits it; a reviewer who did not prepare it
approves it with their sign-off passphrase or returns it with a comment. Every review stays in its history."""

from __future__ import annotations

from collections.abc import Sequence
from functools import partial

from workbench.gui import confirm
from workbench.gui.comment_dialog import CommentDialog
from workbench.gui.context import GuiContext
from workbench.gui.layouts import clear_layout
from workbench.gui.packs_model import when
from workbench.gui.passphrase_dialog import PassphraseDialog, passphrase_checker
from workbench.gui.qt import (
    QComboBox,
    QDialog,
    QFormLayout,
    QHBoxLayout,
    QPlainTextEdit,
    QPushButton,
    QSizePolicy,
    QVBoxLayout,
    QWidget,
    named,
)
from workbench.gui.style import ASSESSMENT_TONES, card, label, set_tone, tag
from workbench.services import assessments
from workbench.services.assessments import EDITABLE_STATES, AssessmentInfo
from workbench.store.uow import UnitOfWork

STATE_WORDS = {"draft": "Draft", "submitted": "Submitted for review", "returned": "Returned for changes",
               "approved": "Approved (signed off)"}


def _save_draft(uow: UnitOfWork, *, fid: int, narrative: str, status: str, version: int | None) -> AssessmentInfo:
    """Save one finding's unsaved self-assessment (a draft kept when another finding was shown)."""
    return assessments.save_assessment(uow, fid, narrative, status, expected_version=version)


class AssessmentPanel(QWidget):
    def __init__(self, ctx: GuiContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.finding_id: int | None = None
        self.finding_ref = ""
        self.info: AssessmentInfo | None = None
        self.review: assessments.ReviewDecision | None = None
        #: finding id -> (reference, narrative, proposed status, version) typed and not saved yet
        self.drafts: dict[int, tuple[str, str, str, int | None]] = {}
        self.state = tag("Not started", "neutral")
        self.state.setObjectName("assessmentState")
        self.preparer = label("", "muted", wrap=True)
        self.narrative = named(QPlainTextEdit(), "assessmentNarrative")
        self.narrative.setPlaceholderText("What has changed since the inspection, and the evidence that shows it")
        self.narrative.setFixedHeight(150)
        self.narrative.setAccessibleName("Self-assessment narrative")
        self.narrative.setTabChangesFocus(True)
        self.status = named(QComboBox(), "proposedStatus")
        self.status.setAccessibleName("Proposed status")
        self.status.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)
        self.save = named(QPushButton("Save draft"), "saveAssessment")
        self.submit = named(QPushButton("Submit for review"), "submitAssessment")
        self.approve = named(QPushButton("Approve…"), "approveAssessment")
        self.return_ = named(QPushButton("Return…"), "returnAssessment")
        self.reopen = named(QPushButton("Start a new version"), "reopenAssessment")
        self.note = label("", "muted", wrap=True)
        self._history = QVBoxLayout()
        self._history.setSpacing(4)

        head = QHBoxLayout()
        head.addWidget(self.state)
        head.addWidget(self.preparer, 1)
        form = QFormLayout()
        form.setContentsMargins(0, 0, 0, 0)
        form.addRow("Proposed status", self.status)
        buttons = QHBoxLayout()
        buttons.addStretch(1)
        for b in (self.reopen, self.return_, self.approve, self.save, self.submit):
            buttons.addWidget(b)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(6)
        layout.addLayout(head)
        layout.addWidget(self.narrative)
        layout.addLayout(form)
        layout.addWidget(self.note)
        layout.addLayout(buttons)
        layout.addWidget(label("Reviews", "section"))
        layout.addLayout(self._history)

        self.narrative.textChanged.connect(self._update)
        self.status.currentTextChanged.connect(self._update)
        self.save.clicked.connect(self.save_draft)
        self.submit.clicked.connect(self.submit_for_review)
        self.approve.clicked.connect(self.approve_it)
        self.return_.clicked.connect(self.return_it)
        self.reopen.clicked.connect(self.reopen_it)

    # -- showing --------------------------------------------------------------------------
    def show_assessment(self, finding_id: int | None, finding_ref: str, info: AssessmentInfo | None,
                        statuses: Sequence[str], review: assessments.ReviewDecision | None = None) -> None:
        """`review`: read with `info` (in a worker) when it is submitted: who may review it and why not."""
        same = finding_id == self.finding_id and info is not None and self.info is not None \
            and info.version == self.info.version
        if same and self.is_dirty():
            return  # keep what the user is writing
        if finding_id != self.finding_id and self.finding_id is not None and self.is_dirty():
            _fid, narrative, status, version = self._values()  # kept for when this finding is shown again
            self.drafts[self.finding_id] = (self.finding_ref, narrative, status, version)
        self.finding_id, self.finding_ref, self.info = finding_id, finding_ref, info
        # who may review it and why not comes from the service (role, state, four eyes), never a copy here
        self.review = review if info is not None and info.state == "submitted" else None
        for w in (self.narrative, self.status):
            w.blockSignals(True)
        self.status.clear()
        self.status.addItems(list(statuses))
        self.narrative.setPlainText(info.narrative if info else "")
        if info is not None:
            if self.status.findText(info.proposed_status) < 0:
                self.status.addItem(info.proposed_status)
            self.status.setCurrentText(info.proposed_status)
        draft = self.drafts.pop(finding_id, None) if finding_id is not None else None
        if draft is not None:
            self.narrative.setPlainText(draft[1])
            if self.status.findText(draft[2]) < 0:
                self.status.addItem(draft[2])
            self.status.setCurrentText(draft[2])
        self._kept = draft is not None and self.is_dirty()
        for w in (self.narrative, self.status):
            w.blockSignals(False)
        self.state.setText(STATE_WORDS.get(info.state, info.state.capitalize()) if info else "Not started")
        set_tone(self.state, ASSESSMENT_TONES.get(info.state, "neutral") if info else "neutral")
        self.preparer.setText(f"Prepared by {info.preparer_name or info.preparer}"
                              + (f" · submitted {when(info.submitted_at)}" if info.submitted_at else "")
                              if info else "")
        clear_layout(self._history)
        reviews = info.history if info else ()
        if not reviews:
            self._history.addWidget(label("No review yet.", "muted"))
        for r in reversed(reviews):
            box = card()
            box.setObjectName("review")
            lay = QVBoxLayout(box)
            lay.setContentsMargins(10, 6, 10, 6)
            lay.setSpacing(2)
            top = QHBoxLayout()
            top.addWidget(tag(r.decision.capitalize(), "green" if r.decision == "approved" else "amber"))
            top.addWidget(label(f"by {r.reviewer_name or r.reviewer}, {when(r.at)}", "muted"), 1)
            lay.addLayout(top)
            if r.comment:
                lay.addWidget(label(r.comment, wrap=True, selectable=True, plain=True))
            self._history.addWidget(box)
        self._update()

    def is_dirty(self) -> bool:
        base = self.info
        narrative, status = self.narrative.toPlainText().strip(), self.status.currentText()
        if base is None:
            return bool(narrative)
        return narrative != base.narrative or status != base.proposed_status

    def _update(self) -> None:
        info = self.info
        state = info.state if info else None
        can_prepare, can_review = self.ctx.can("assessment.prepare"), self.ctx.can("assessment.review")
        editable = can_prepare and self.finding_id is not None and (state is None or state in EDITABLE_STATES)
        self.narrative.setReadOnly(not editable)
        self.status.setEnabled(editable)
        dirty = self.is_dirty()
        for b in (self.save, self.submit):  # only while it can still be edited
            b.setVisible(state is None or state in EDITABLE_STATES)
        self.save.setEnabled(editable and dirty)
        written = bool(self.narrative.toPlainText().strip())
        self.submit.setEnabled(editable and written)
        # a disabled control says why: the role (from the services' permissions), the state, or what is missing
        why_not = (self.ctx.allowed("assessment.prepare").reason if not can_prepare
                   else "Select a finding first." if self.finding_id is None
                   else f"It is {state}: it can no longer be edited." if not editable else "")
        self.save.setToolTip(why_not or ("" if dirty else "Nothing to save: the text is as last saved."))
        self.submit.setToolTip(why_not or ("" if written else "Write the narrative first."))
        review = self.review if state == "submitted" else None
        reviewable = review is not None and review.decision.ok
        for b in (self.approve, self.return_):
            b.setEnabled(reviewable)
            b.setToolTip("" if reviewable or review is None else review.decision.reason)
            b.setVisible(can_review)
        self.reopen.setVisible(state == "approved" and can_prepare)
        if review is not None:
            self.note.setText(review.note)
        elif state == "approved":
            self.note.setText("Signed off. Start a new version to change it; this one stays in the record.")
        elif not can_prepare:
            self.note.setText(f"Read only: the {self.ctx.user.role} role cannot prepare self-assessments.")
        elif state == "returned" and info is not None and info.last_review is not None:
            self.note.setText("Returned: edit it as the reviewer asks, then submit it again.")
        elif getattr(self, "_kept", False) and dirty:
            self.note.setText("Your unsaved text for this finding was kept: save the draft or submit it.")
        else:
            self.note.setText("Not saved yet: Save draft keeps it." if dirty else "")

    # -- unsaved work (gui/unsaved.py) ----------------------------------------------------
    def unsaved_work(self) -> list[str]:
        out = [f"self-assessment of {self.finding_ref}"] if self.finding_id is not None and self.is_dirty() else []
        return out + [f"self-assessment of {ref}" for ref, *_ in self.drafts.values()]

    def save_unsaved(self) -> bool:
        ok = True
        for fid, (_ref, narrative, status, version) in list(self.drafts.items()):
            saved = self.ctx.write(self, partial(_save_draft, fid=fid, narrative=narrative, status=status,
                                                 version=version))
            if saved is not None:
                self.drafts.pop(fid, None)
            ok = ok and saved is not None
        if self.finding_id is not None and self.is_dirty():
            fid, narrative, status, version = self._values()
            saved = self.ctx.write(self, lambda uow: assessments.save_assessment(uow, fid, narrative, status,
                                                                                 expected_version=version))
            if saved is not None:
                self.info = saved
                self._update()
            ok = ok and saved is not None
        return ok

    def discard_unsaved(self) -> None:
        self.drafts.clear()
        self.narrative.setPlainText(self.info.narrative if self.info else "")
        if self.info is not None:
            self.status.setCurrentText(self.info.proposed_status)

    # -- acting ---------------------------------------------------------------------------
    def _values(self) -> tuple[int, str, str, int | None]:
        assert self.finding_id is not None
        return (self.finding_id, self.narrative.toPlainText().strip(), self.status.currentText(),
                self.info.version if self.info else None)

    def save_draft(self) -> None:
        if self.finding_id is None:
            return
        fid, narrative, status, version = self._values()
        self.ctx.write(self, lambda uow: assessments.save_assessment(uow, fid, narrative, status,
                                                                     expected_version=version))

    def submit_for_review(self) -> None:
        """What submitting will do (who can review it, the finding's status) is read from the service in
        a worker, then asked."""
        if self.finding_id is None:
            return
        fid, narrative, status, version = self._values()
        dirty = self.is_dirty()
        self.ctx.background(self, "Checking who can review it…",
                            lambda uow, _p: assessments.submit_outcome(uow, fid, saving=dirty), write=False,
                            on_success=lambda outcome: self._submit(fid, narrative, status, version, dirty, outcome))

    def _submit(self, fid: int, narrative: str, status: str, version: int | None, dirty: bool,
                outcome: assessments.SubmitOutcome) -> None:
        if not confirm.ask(self, "Submit for review", f"Submit the self-assessment for {self.finding_ref} for review?",
                           ("Your unsaved text is saved first. " if dirty else "") + outcome.consequence,
                           "Submit for review", destructive=False):
            return

        def submit(uow: object) -> AssessmentInfo:
            if dirty:
                assessments.save_assessment(uow, fid, narrative, status, expected_version=version)  # type: ignore[arg-type]
            return assessments.submit_assessment(uow, fid)  # type: ignore[arg-type]

        self.ctx.write(self, submit)

    def approve_it(self) -> None:
        fid, info = self.finding_id, self.info
        if fid is None or info is None:
            return
        # what approval sets and where status and readiness would disagree: said by the service (read in a
        # worker), shown before signing
        self.ctx.background(self, "Checking before signing…",
                            lambda uow, _p: assessments.approval_outcome(uow, fid), write=False,
                            on_success=lambda outcome: self._approve(fid, outcome))

    def _approve(self, fid: int, outcome: assessments.ApprovalOutcome) -> None:
        dialog = PassphraseDialog(
            f"Sign off the self-assessment for {self.finding_ref}", self.ctx.user.display_name or self.ctx.username,
            self, action="Approve",
            consequence="Approving signs it off for good (a new version can be started later; this one stays in "
                        f"the record). {outcome.consequence}",
            warnings=outcome.warnings, verify=passphrase_checker(self.ctx, "assessment", fid, "approve"))
        if dialog.exec() != QDialog.DialogCode.Accepted.value:
            return
        passphrase, comment = dialog.passphrase(), dialog.comment()
        self.ctx.write(self, lambda uow: assessments.approve_assessment(uow, fid, passphrase, comment))

    def return_it(self) -> None:
        fid = self.finding_id
        if fid is None:
            return
        dialog = CommentDialog(f"Return the self-assessment for {self.finding_ref}",
                               "Say what the preparer should change or add.", "Return", self)
        if dialog.exec() == QDialog.DialogCode.Accepted.value:
            comment = dialog.text()
            self.ctx.write(self, lambda uow: assessments.return_assessment(uow, fid, comment))

    def reopen_it(self) -> None:
        fid = self.finding_id
        if fid is not None:
            self.ctx.write(self, lambda uow: assessments.reopen_assessment(uow, fid))
