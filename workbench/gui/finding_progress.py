"""Beside a finding's text: how ready it is for inspection and why, its actions, evidence and
self-assessment — everything read in one unit of work, refreshed when any of it changes."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from workbench.errors import NotFoundError
from workbench.gui.changes import PROGRESS_VIEW, concerns
from workbench.gui.context import GuiContext
from workbench.gui.finding_actions import ActionsPanel
from workbench.gui.finding_assessment import AssessmentPanel
from workbench.gui.finding_evidence import EvidencePanel
from workbench.gui.layouts import clear_layout, shown_text
from workbench.gui.qt import QHBoxLayout, QScrollArea, Qt, QVBoxLayout, QWidget, named
from workbench.gui.style import READINESS_TONES, label, rule, set_tone, tag
from workbench.gui.workers import busy_note
from workbench.services import actions, assessments, evidence, readiness
from workbench.services.actions import ActionInfo
from workbench.services.assessments import AssessmentInfo
from workbench.services.evidence import EvidenceInfo
from workbench.services.findings import FindingInfo
from workbench.services.readiness import Readiness
from workbench.services.settings import finding_statuses
from workbench.store.uow import UnitOfWork


@dataclass(frozen=True)
class Progress:
    readiness: Readiness
    actions: tuple[ActionInfo, ...]
    evidence: tuple[EvidenceInfo, ...]
    assessment: AssessmentInfo | None
    statuses: tuple[str, ...]
    #: who may review a submitted self-assessment and why not (from the service), else None
    review: assessments.ReviewDecision | None = None


def read_progress(uow: UnitOfWork, finding_id: int) -> Progress:
    try:
        sa = assessments.get_assessment(uow, finding_id)
    except NotFoundError:
        sa = None
    review = assessments.review_decision(uow, finding_id) if sa is not None and sa.state == "submitted" else None
    return Progress(readiness.assess_readiness(uow, finding_id), tuple(actions.list_actions(uow, finding_id)),
                    tuple(evidence.list_evidence(uow, finding_id)), sa, tuple(finding_statuses(uow)), review)


class FindingProgress(QScrollArea):
    def __init__(self, ctx: GuiContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.finding: FindingInfo | None = None
        self.progress: Progress | None = None
        self._stale = False
        self._shown_id: int | None = None
        #: the finding, its progress and the day last shown (the cards depend on the day: expiry)
        self._shown: tuple[object, ...] | None = None
        self.setObjectName("findingProgress")
        self.setWidgetResizable(True)
        self.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        body = named(QWidget(), "findingProgressBody")
        policy = body.sizePolicy()
        policy.setHeightForWidth(True)  # wrapped text grows the page; the pane scrolls
        body.setSizePolicy(policy)
        layout = QVBoxLayout(body)
        layout.setContentsMargins(16, 14, 16, 16)
        layout.setSpacing(8)
        self.heading = label("", "muted", wrap=True)
        self.rating = tag("", "neutral")
        self.rating.setObjectName("readinessRating")
        self._reasons = QVBoxLayout()
        self._reasons.setSpacing(3)
        self.action_plan = ActionsPanel(ctx)
        self.evidence = EvidencePanel(ctx)
        self.assessment = AssessmentPanel(ctx)
        self.empty = label("Select a finding to see its readiness, actions, evidence and self-assessment.", "muted",
                           wrap=True)
        head = QHBoxLayout()
        head.setContentsMargins(0, 0, 0, 0)
        head.addWidget(label("Readiness for inspection", "section"))
        head.addWidget(self.rating)
        head.addStretch(1)
        self._sections: list[QWidget] = []
        layout.addWidget(self.empty)
        layout.addWidget(self.heading)
        holder = QWidget()
        holder.setLayout(head)
        for w in (holder, _holding(self._reasons), rule(), label("Action plan", "section"), self.action_plan, rule(),
                  label("Evidence", "section"), self.evidence, rule(), label("Self-assessment", "section"),
                  self.assessment):
            layout.addWidget(w)
            self._sections.append(w)
        layout.addStretch(1)
        self.setWidget(body)
        self.loader = ctx.loader(self, self._fill, name="progressLoader")
        layout.insertWidget(0, busy_note(self.loader))
        ctx.changes.changed.connect(self._on_changed)
        self.show_finding(None)

    def text(self) -> str:
        inner = self.widget()
        return shown_text(inner) if inner is not None else ""

    @property
    def busy(self) -> bool:
        return self.loader.busy

    def show_finding(self, finding: FindingInfo | None, reread: bool = False) -> None:
        """Show `finding`: its progress is read in a worker; while the pane is hidden (another tab)
        it is read when the pane is shown. The finding shown already, read or being read, is not read
        again unless `reread` (a change, the pane shown again): the register read after View ▸ Refresh
        hands the same finding back, and its progress is already being read for that change."""
        known = (not reread and finding is not None and self.finding is not None and finding.id == self.finding.id
                 and (self.loader.busy or (self.progress is not None and self._shown_id == finding.id)))
        self.finding = finding
        if finding is not None and not self.isVisible():
            self._stale = True
            return
        self._stale = False
        if finding is None or finding.id is None:
            self.loader.cancel()
            self._fill((None, None))
            return
        if known:
            if not self.loader.busy:
                self._fill((finding.id, self.progress))  # its heading may have changed
            return
        fid = finding.id
        self.ctx.load(self.loader, lambda uow: (fid, read_progress(uow, fid)))

    def _fill(self, loaded: tuple[int | None, Progress | None]) -> None:
        finding_id, progress = loaded
        if finding_id is not None and (self.finding is None or self.finding.id != finding_id):
            return  # read for a finding no longer shown
        finding = self.finding if finding_id is not None else None
        shown = (finding, progress, date.today())
        if progress is not None and shown == self._shown:
            return  # read again (a change elsewhere, View ▸ Refresh) and the same: the cards, an
            # opened "Show the other … items" and the scroll position stay as they are
        self._shown = shown
        self.progress = progress
        self.empty.setVisible(progress is None)
        self.heading.setVisible(progress is not None)
        for w in self._sections:
            w.setVisible(progress is not None)
        if finding is None or progress is None:
            return
        ref = f"{finding.inspection} / {finding.ref}"
        self.heading.setText(f"{ref} · {finding.title}")
        r = progress.readiness
        self.rating.setText(r.rating.capitalize())
        set_tone(self.rating, READINESS_TONES.get(r.rating, "neutral"))
        clear_layout(self._reasons)
        for reason in r.reasons:
            self._reasons.addWidget(label(f"•  {reason[:1].upper()}{reason[1:]}", wrap=True, plain=True))
        self.action_plan.show_actions(finding.id, finding.ref, progress.actions)
        self.evidence.show_evidence(finding.id, finding.ref, progress.evidence)
        self.assessment.show_assessment(finding.id, f"{finding.inspection} / {finding.ref}", progress.assessment,
                                        progress.statuses, progress.review)
        if finding.id != self._shown_id:
            self.verticalScrollBar().setValue(0)
        self._shown_id = finding.id

    def showEvent(self, event: object) -> None:  # noqa: N802
        super().showEvent(event)  # type: ignore[arg-type]
        if self._stale:
            self.show_finding(self.finding, reread=True)

    def _on_changed(self, kinds: frozenset[str]) -> None:
        if self.finding is not None and concerns(kinds, PROGRESS_VIEW):
            self.show_finding(self.finding, reread=True)


def _holding(layout: QVBoxLayout) -> QWidget:
    layout.setContentsMargins(0, 0, 0, 0)
    box = QWidget()
    box.setLayout(layout)
    return box
