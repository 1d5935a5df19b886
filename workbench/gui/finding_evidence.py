"""The evidence linked to a finding: list it (expired and expiring evidence marked), add a file (chosen or
dropped on the panel), set its expiry date, export a stored file (checked against its hash), unlink it
from the finding after saying what will happen; and the finding's evidence requests."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import date
from pathlib import Path

from workbench.gui import confirm
from workbench.gui.context import GuiContext
from workbench.gui.display_text import file_size, uk_date
from workbench.gui.evidence_dialog import EvidenceDialog, EvidenceEntry, ExpiryDialog
from workbench.gui.layouts import clear_layout, summary_and_rows
from workbench.gui.messages import show_error, show_info
from workbench.gui.qt import QDialog, QEvent, QFileDialog, QGridLayout, QHBoxLayout, QPushButton, Qt, QWidget, named
from workbench.gui.style import card, label, tag
from workbench.gui.workers import SlicedRows
from workbench.services import evidence as evidence_service
from workbench.services.evidence import EvidenceInfo
from workbench.services.review_lock import removal_refusal

#: evidence cards built when a finding is shown; the rest wait for "Show the other … items"
SHOWN_AT_FIRST = 10


class EvidencePanel(QWidget):
    def __init__(self, ctx: GuiContext, parent: QWidget | None = None,
                 today: Callable[[], date] = date.today) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self._today = today
        self.finding_id: int | None = None
        self.finding_ref = ""
        self.items: tuple[EvidenceInfo, ...] = ()
        self.add = named(QPushButton("Add evidence…"), "addEvidence")
        self._editable = ctx.can("evidence.edit")
        self.add.setEnabled(self._editable)
        self.add.setAccessibleName("Add evidence")
        self.add.setToolTip("Choose a file, or drop files on this panel" if self._editable
                            else f"The {ctx.user.role} role cannot add evidence")
        self.add.clicked.connect(self.add_evidence)
        self.requests = named(QPushButton("Requests…"), "evidenceRequests")
        self.requests.setToolTip("Ask an action owner for evidence by a date; export the requests to Excel and "
                                 "import what comes back")
        self.requests.clicked.connect(self.show_requests)
        self.summary = label("", "muted", wrap=True)
        self.summary.setObjectName("evidenceSummary")
        top = QWidget()
        top_row = QHBoxLayout(top)
        top_row.setContentsMargins(0, 0, 0, 0)
        top_row.addWidget(self.requests)
        top_row.addWidget(self.add)
        self._rows = summary_and_rows(self, self.summary, top)
        self._slices = SlicedRows(self._rows, self)  # many items: built a few at a time
        self.setAcceptDrops(self._editable)
        self.setAccessibleName("Evidence")

    def show_evidence(self, finding_id: int | None, finding_ref: str, items: Sequence[EvidenceInfo]) -> None:
        self.finding_id, self.finding_ref, self.items = finding_id, finding_ref, tuple(items)
        clear_layout(self._rows)
        today = self._today()
        expired = sum(e.expiry(today) == evidence_service.EXPIRED for e in items)
        note = f"; {expired} expired" if expired else ""
        whole = (f"{len(items)} item{'s' if len(items) != 1 else ''}, newest evidence first{note}" if items
                 else "No evidence attached yet. Add evidence… or drop a file here: minutes, policies, "
                 "performance reports that show the finding is being addressed.")
        self.summary.setText(whole + (f"; the first {SHOWN_AT_FIRST} shown" if len(items) > SHOWN_AT_FIRST else ""))
        rest = self.items[SHOWN_AT_FIRST:]
        self._slices.fill([*self.items[:SHOWN_AT_FIRST], *([rest] if rest else [])],
                          lambda item: self._more(item, whole) if isinstance(item, tuple) else self._row(item))

    def _more(self, rest: tuple[EvidenceInfo, ...], whole: str) -> QWidget:
        """The button under the first cards that shows the others (a finding may have hundreds)."""
        more = named(QPushButton(f"Show the other {len(rest)} item{'s' if len(rest) != 1 else ''}"), "moreEvidence")
        more.setToolTip("Each card is built when asked for, so a long list does not hold up the window")

        def show_rest() -> None:
            more.hide()
            more.deleteLater()
            self._slices.fill(rest, self._row)
            self.summary.setText(whole)

        more.clicked.connect(show_rest)
        return more

    def _row(self, e: EvidenceInfo) -> QWidget:
        frame = card()
        frame.setObjectName(f"evidence-{e.id}")
        grid = QGridLayout(frame)
        grid.setContentsMargins(10, 6, 10, 6)
        grid.setVerticalSpacing(2)
        title = label(e.title, wrap=True, selectable=True)
        title.setTextFormat(Qt.TextFormat.PlainText)
        heading = QHBoxLayout()
        heading.setSpacing(6)
        heading.addWidget(title, 1)
        state = e.expiry(self._today())
        if state:
            words = (f"Expired {uk_date(e.expires_on)}" if state == evidence_service.EXPIRED
                     else f"Expires {uk_date(e.expires_on)}")
            badge = tag(words, "red" if state == evidence_service.EXPIRED else "amber")
            badge.setObjectName(f"evidenceExpiry-{e.id}")
            badge.setToolTip("Expired evidence no longer shows the finding is met: renew it or set a new date"
                             if state == evidence_service.EXPIRED else "This evidence expires soon")
            heading.addWidget(badge)
        grid.addLayout(heading, 0, 0)
        expiry = named(QPushButton("Expiry…"), f"expiryEvidence-{e.id}")
        expiry.setEnabled(self._editable)
        expiry.setToolTip("Set or clear the date from which this evidence no longer counts")
        expiry.setAccessibleName(f"Expiry of evidence {e.title}")
        expiry.clicked.connect(lambda _=False, item=e: self.set_expiry(item))
        export = named(QPushButton("Export…"), f"exportEvidence-{e.id}")
        export.setEnabled(self.ctx.can("exports.create"))
        export.setToolTip("Save a copy of the stored file (its SHA-256 is checked first)")
        export.clicked.connect(lambda _=False, item=e: self.export_evidence(item))
        export.setAccessibleName(f"Export evidence {e.title}")
        unlink = named(QPushButton("Unlink…"), f"unlinkEvidence-{e.id}")
        unlink.setEnabled(self._editable)
        unlink.setAccessibleName(f"Unlink evidence {e.title} from {self.finding_ref}")
        unlink.setToolTip(f"Take this evidence off {self.finding_ref}; the stored file stays in the workspace")
        unlink.clicked.connect(lambda _=False, item=e: self.unlink_evidence(item))
        buttons = QHBoxLayout()
        buttons.setSpacing(4)
        buttons.addWidget(expiry)
        buttons.addWidget(export)
        buttons.addWidget(unlink)
        grid.addLayout(buttons, 0, 1)
        dated = f"dated {uk_date(e.evidence_date)}" if e.evidence_date else "undated"
        until = f"expires {uk_date(e.expires_on)}" if e.expires_on and not state else ""
        facts = " · ".join(x for x in (e.filename, file_size(e.size), dated, until, e.source, e.classification) if x)
        meta = label(facts, "muted", wrap=True)
        meta.setTextFormat(Qt.TextFormat.PlainText)
        meta.setToolTip(f"SHA-256 {e.sha256}\nAdded by {e.uploaded_by} on {uk_date(e.uploaded_at.date())}")
        grid.addWidget(meta, 1, 0, 1, 2)
        grid.setColumnStretch(0, 1)
        return frame

    # -- drag and drop: files dropped on the panel are added as evidence, one dialog each -----
    def dragEnterEvent(self, event: QEvent) -> None:  # noqa: N802
        if self.finding_id is not None and self._editable and dropped_files(event.mimeData()):  # type: ignore[attr-defined]
            event.acceptProposedAction()  # type: ignore[attr-defined]
        else:
            event.ignore()

    def dragMoveEvent(self, event: QEvent) -> None:  # noqa: N802
        self.dragEnterEvent(event)

    def dropEvent(self, event: QEvent) -> None:  # noqa: N802
        files = dropped_files(event.mimeData())  # type: ignore[attr-defined]
        if not files or self.finding_id is None:
            event.ignore()
            return
        event.acceptProposedAction()  # type: ignore[attr-defined]
        for path in files:
            self.add_file(path)

    def add_evidence(self) -> None:
        if self.finding_id is None:
            return
        chosen, _ = QFileDialog.getOpenFileName(self, f"Evidence for {self.finding_ref}", "", "All files (*)")
        if chosen:
            self.add_file(Path(chosen))

    def add_file(self, path: Path) -> None:
        """Describe one file in the evidence dialog and store it against the finding."""
        finding_id = self.finding_id
        if finding_id is None:
            return
        dialog = EvidenceDialog(path, self.finding_ref, self)
        if dialog.exec() != QDialog.DialogCode.Accepted.value:
            return
        entry = dialog.entry()
        self.ctx.background(self, f"Storing {entry.path.name}…", lambda uow, _p: _store(uow, entry, finding_id),
                            write=True, on_success=lambda _info: None)

    def set_expiry(self, e: EvidenceInfo) -> None:
        dialog = ExpiryDialog(e.title, e.expires_on, self)
        if dialog.exec() != QDialog.DialogCode.Accepted.value:
            return
        value = dialog.value()
        self.ctx.background(self, "Saving the expiry date…", lambda uow, _p: evidence_service.set_expiry(
            uow, e.id, value, expected_version=e.version), on_success=lambda _info: None)

    def show_requests(self) -> None:
        from workbench.gui.requests_dialog import RequestsDialog

        if self.finding_id is None:
            return
        RequestsDialog(self.ctx, self.finding_id, self.finding_ref, self, today=self._today()).exec()

    def unlink_evidence(self, e: EvidenceInfo) -> None:
        finding_id, ref = self.finding_id, self.finding_ref
        if finding_id is None:
            return
        try:
            refusal, left = self.ctx.read(lambda uow: (
                removal_refusal(uow, finding_id), evidence_service.unlink_consequence(uow, e.id, finding_id)))
        except Exception as exc:  # noqa: BLE001 - shown, never silent
            show_error(self, exc)
            return
        if refusal is not None:
            reason, hint = refusal
            show_info(self, "Evidence stays linked", f"“{e.title}” cannot be unlinked from {ref}: {reason}.", hint)
            return
        if left.other_links:
            stays = (f"It stays in the workspace, still linked to {left.other_links} other record"
                     f"{'s' if left.other_links != 1 else ''}.")
        else:
            stays = ("It stays in the workspace, linked to nothing, and can be linked again from the command line "
                     "(workbench evidence link).")
        if not confirm.ask(self, "Unlink evidence", f"Unlink “{e.title}” ({e.filename}) from {ref}?",
                           f"{ref} no longer shows it and the next pack will not list it. {stays} The stored file, "
                           "earlier packs and the change log keep it.", "Unlink evidence"):
            return
        self.ctx.write(self, lambda uow: evidence_service.unlink_from_finding(uow, e.id, finding_id))

    def export_evidence(self, e: EvidenceInfo) -> None:
        chosen, _ = QFileDialog.getSaveFileName(self, "Export evidence file", e.filename, "All files (*)")
        if not chosen:
            return
        out = Path(chosen)
        self.ctx.background(self, f"Exporting {e.filename}…", lambda uow, _p: evidence_service.export_evidence(
            uow, e.id, out, overwrite=True), write=True, on_success=lambda path: show_info(
            self, "Evidence exported", f"Saved {path.name}.", f"The file matched its recorded SHA-256. "
            f"Folder: {path.parent}"))


def _store(uow: object, entry: EvidenceEntry, finding_id: int) -> EvidenceInfo:
    return evidence_service.add_evidence(uow, entry.path, entry.title, entry.evidence_date,  # type: ignore[arg-type]
                                         entry.source, finding_ids=[finding_id], expires_on=entry.expires_on)


def dropped_files(mime: object) -> list[Path]:
    """The local files (not folders) a drag carries, in order; nothing for text or web links."""
    if mime is None or not mime.hasUrls():  # type: ignore[attr-defined]
        return []
    paths = [Path(url.toLocalFile()) for url in mime.urls() if url.isLocalFile()]  # type: ignore[attr-defined]
    return [p for p in paths if p.is_file()]
