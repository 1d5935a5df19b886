"""The detail pane of one finding: its words, figures, links and register fields."""

from __future__ import annotations

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
        editable = ctx.can("findings.edit")
        self.links.set_editable(editable)
        self.form.set_editable(editable, "" if editable else
                               f"Read only: the {ctx.user.role} role cannot change the register.")
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
        head.addWidget(label(f"{info.ref} · {kind_long(info.kind)} · {info.inspection}", "muted"))
        head.addStretch(1)
        head.addWidget(tag(info.status.capitalize(), STATUS_TONES.get(info.status, "neutral")))
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
        saved = self.ctx.write(
            self, lambda uow: finding_service.update_finding(uow, finding_id, expected_version=version, **changes),
            on_error=self._save_failed)
        if saved is not None:
            self.form.drafts.pop(finding_id, None)
            if self.info is not None and saved.id == self.info.id:
                self.info = saved
                self._fill(saved)  # the status tag and area above the form say what was saved
                self.links.show_links(saved.links)
                self.form.load(saved, self._statuses, force=True)

    def _save_failed(self, exc: BaseException) -> None:
        if isinstance(exc, ConflictError) and self.info is not None and self.info.id is not None:
            finding_id = self.info.id
            try:
                fresh = self.ctx.read(lambda uow: finding_service.get_finding(uow, finding_id))
            except WorkbenchError as again:
                show_error(self, again)
                return
            self.info = fresh
            self._fill(fresh)
            self.links.show_links(fresh.links)
            self.form.load(fresh, self._statuses, force=True)


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
