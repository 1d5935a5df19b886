"""The detail pane of one finding: its words, figures, links and register fields."""

from __future__ import annotations

import traceback

from workbench.errors import ConflictError, WorkbenchError
from workbench.gui.context import GuiContext
from workbench.gui.display_text import figure_value, kind_long
from workbench.gui.finding_form import FindingForm
from workbench.gui.finding_links import LinksPanel
from workbench.gui.layouts import clear_layout
from workbench.gui.messages import show_error
from workbench.gui.qt import QGridLayout, QHBoxLayout, QLabel, QScrollArea, Qt, QVBoxLayout, QWidget, named
from workbench.gui.style import STATUS_TONES, label, rule, tag
from workbench.importers.peel_areas import ALL_AREAS
from workbench.services import findings as finding_service
from workbench.services.findings import FigureInfo, FindingInfo
from workbench.services.settings import finding_statuses


class FindingDetail(QScrollArea):
    def __init__(self, ctx: GuiContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.info: FindingInfo | None = None
        self._drawn: FindingInfo | None = None  # what the pane's text shows
        self.setObjectName("findingDetail")
        self.setWidgetResizable(True)
        self.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.setVerticalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOn)
        body = named(QWidget(), "findingDetailBody")
        policy = body.sizePolicy()
        policy.setHeightForWidth(True)  # wrapped text grows the page; the pane scrolls
        body.setSizePolicy(policy)
        self._layout = QVBoxLayout(body)
        self._layout.setContentsMargins(16, 14, 16, 16)
        self._layout.setSpacing(8)
        self._content = QWidget()
        self._content_layout = QVBoxLayout(self._content)
        self._content_layout.setContentsMargins(0, 0, 0, 0)
        self._content_layout.setSpacing(6)
        self.links = LinksPanel()
        self.links.decided.connect(self._decide_link)
        self.form = FindingForm(ALL_AREAS)  # both frameworks: 2023-25 and 2025-27
        self.form.save_requested.connect(self._save)
        may_edit = ctx.allowed("findings.edit")  # the service's answer, and its reason when No
        self.links.set_editable(may_edit.ok)
        self.form.set_editable(may_edit.ok, may_edit.reason)
        self._empty = label("Select a finding to see its text, key figures and links.", "muted", wrap=True)
        self._sections = [label("Links to other inspections", "section"), self.links, rule(),
                          label("Register", "section"), self.form]
        self._layout.addWidget(self._empty)
        self._layout.addWidget(self._content)
        for w in self._sections:
            self._layout.addWidget(w)
        self._layout.addStretch(1)
        self.setWidget(body)
        self._statuses: tuple[str, ...] = ()
        self.show_finding(None)

    # -- showing ----------------------------------------------------------------------------
    def show_finding(self, info: FindingInfo | None, statuses: tuple[str, ...] | None = None) -> None:
        if info is not None and info == self._drawn and (statuses is None or statuses == self._statuses):
            return  # handed back unchanged (the register read again): the pane, its scroll and edits stay
        if statuses is not None:
            self._statuses = statuses
        elif not self._statuses and info is not None:  # the page passes them with every read
            self._statuses = self.ctx.read(finding_statuses)
        same = info is not None and self.info is not None and info.id == self.info.id
        self.info = info
        self._empty.setVisible(info is None)
        self._content.setVisible(info is not None)
        for w in self._sections:
            w.setVisible(info is not None)
        self._fill(info)
        self.links.show_links(info.links if info else ())
        self.form.load(info, self._statuses)
        if not same:
            self.verticalScrollBar().setValue(0)

    def text(self) -> str:
        """Everything the pane shows as text (for tests and copying)."""
        inner = self.widget()
        return "\n".join(w.text() for w in inner.findChildren(QLabel) if w.isVisibleTo(self)) if inner else ""

    def _fill(self, info: FindingInfo | None) -> None:
        self._drawn = info
        lay = self._content_layout
        clear_layout(lay)
        if info is None:
            return
        head = QHBoxLayout()
        head.setSpacing(8)
        head.addWidget(label(f"{info.ref} · {kind_long(info.kind)} · {info.inspection}", "muted", wrap=True), 1)
        head.addWidget(tag(info.status.capitalize(), STATUS_TONES.get(info.status, "neutral")), 0, Qt.AlignmentFlag.AlignTop)
        lay.addLayout(head)
        lay.addWidget(label(info.title, "findingTitle", wrap=True, selectable=True))
        if info.parent_ref:
            lay.addWidget(label(f"Part of {info.parent_ref}", "muted"))
        lay.addWidget(label(info.text or "(no text beyond the title)", wrap=True, selectable=True))
        if info.question:
            lay.addWidget(label("Question", "section"))
            lay.addWidget(label(info.question, wrap=True, selectable=True))
        lay.addWidget(label("PEEL area", "section"))
        lay.addWidget(label(info.area or "Not assigned", wrap=True))
        if info.area_reason:
            reason = label(f"Why: {info.area_reason}", "muted", wrap=True)
            lay.addWidget(reason)
        lay.addWidget(rule())
        lay.addWidget(label("Key figures", "section"))
        lay.addWidget(_figures(info.figures))

    # -- acting -----------------------------------------------------------------------------
    def _decide_link(self, link_id: int, accept: bool) -> None:
        self.ctx.write(self, lambda uow: finding_service.decide_link(uow, link_id, accept))

    def _save(self, finding_id: int, version: int, changes: dict[str, object]) -> None:
        try:
            saved = self.ctx.write_or_raise(
                lambda uow: finding_service.update_finding(uow, finding_id, expected_version=version, **changes))
        except ConflictError as exc:
            self._conflict(finding_id, changes, exc)
            return
        except Exception as exc:  # noqa: BLE001 - never silent; the edits stay in the form
            show_error(self, exc, "" if isinstance(exc, WorkbenchError) else traceback.format_exc())
            return
        self.form.drafts.pop(finding_id, None)
        if self.info is not None and saved.id == self.info.id:
            self.info = saved
            self._fill(saved)  # the status tag and area above the form say what was saved
            self.links.show_links(saved.links)
            self.form.load(saved, self._statuses, force=True)

    def _conflict(self, finding_id: int, changes: dict[str, object], exc: ConflictError) -> None:
        """Someone else saved the finding first: nothing was saved, and nothing typed is lost.

        The shown finding: their version goes under the form, what was typed stays on top of it
        (the form says what they saved). A kept draft of another finding stays as it is, so saving
        it again is refused again until it is opened and compared."""
        try:
            fresh = self.ctx.read(lambda uow: finding_service.get_finding(uow, finding_id))
        except WorkbenchError as again:
            show_error(self, exc)
            show_error(self, again)
            return
        where = f"{fresh.inspection} / {fresh.ref}"
        shown = self.info is not None and self.info.id == finding_id
        if shown:
            self.info = fresh
            self._fill(fresh)
            self.links.show_links(fresh.links)
            self.form.keep_over(fresh, self._statuses, dict(changes))
            hint = ("What you typed is kept in the form, on top of what they saved (the note above the form "
                    "says what that is): check it, then Save to put your changes in place of theirs, or Revert "
                    "to keep theirs.")
        else:
            hint = (f"What you typed for {where} is kept: open it on the Findings page to compare your changes "
                    "with what they saved, then save them there.")
        show_error(self, ConflictError(exc.message, hint))
        self.ctx.changes.notify({"finding"})  # the register shows their version (edits stay: FindingForm.load)


def _figures(figures: tuple[FigureInfo, ...]) -> QWidget:
    box = QWidget()
    grid = QGridLayout(box)
    grid.setContentsMargins(0, 0, 0, 0)
    grid.setHorizontalSpacing(12)
    grid.setVerticalSpacing(6)
    grid.setColumnStretch(1, 1)
    if not figures:
        grid.addWidget(label("The report states no figures for this finding.", "muted"), 0, 0, 1, 2)
        return box
    for row, fig in enumerate(figures):
        if fig.missing_in_source:
            value: QLabel = tag("Not stated in the report", "amber")
            value.setToolTip("The report's text has a gap where this number should be "
                             "(often lost in the published page). Check the original report.")
            what = label(f"“{fig.sentence}”", wrap=True, selectable=True)
        else:
            value = label(figure_value(fig), "figureValue")
            what = label(fig.label[:1].upper() + fig.label[1:], wrap=True)
            what.setToolTip(fig.sentence)
        value.setAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignTop)
        value.setObjectName("missingFigure" if fig.missing_in_source else "figure")
        grid.addWidget(value, row, 0, Qt.AlignmentFlag.AlignTop | Qt.AlignmentFlag.AlignRight)
        grid.addWidget(what, row, 1)
    return box
