"""The evidence linked to a finding: list it (expired and expiring evidence marked), add a file (chosen or
dropped on the panel), set its expiry date, export a stored file (checked against its hash), unlink it
from the finding after saying what will happen; and the finding's evidence requests."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import date
from pathlib import Path

from workbench.gui import confirm
from workbench.gui.card_list import Card, CardList
from workbench.gui.context import GuiContext
from workbench.gui.display_text import file_size, uk_date
from workbench.gui.evidence_dialog import EvidenceDialog, EvidenceEntry, ExpiryDialog
from workbench.gui.layouts import summary_and_rows
from workbench.gui.messages import show_error, show_info
from workbench.gui.qt import QDialog, QEvent, QFileDialog, QHBoxLayout, QPushButton, QWidget, named
from workbench.gui.style import label, set_tone, tag
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
        self._cards: CardList[EvidenceInfo] = CardList(self._rows, lambda: EvidenceCard(self), self,
                                                         key=lambda e: e.id)
        self._cards.reserve(SHOWN_AT_FIRST)
        self.more = QPushButton("")
        self.more.setToolTip("Each card is built when asked for, so a long list does not hold up the window")
        self.more.clicked.connect(self._show_rest)
        self.more.hide()
        outer = self.layout()
        assert outer is not None  # summary_and_rows gave the panel its layout
        outer.addWidget(self.more)
        self._today_shown = today()
        self._whole = ""
        self.setAcceptDrops(self._editable)
        self.setAccessibleName("Evidence")

    def show_evidence(self, finding_id: int | None, finding_ref: str, items: Sequence[EvidenceInfo]) -> None:
        self.finding_id, self.finding_ref, self.items = finding_id, finding_ref, tuple(items)
        self._today_shown = self._today()
        expired = sum(e.expiry(self._today_shown) == evidence_service.EXPIRED for e in items)
        note = f"; {expired} expired" if expired else ""
        self._whole = (f"{len(items)} item{'s' if len(items) != 1 else ''}, newest evidence first{note}" if items
                       else "No evidence attached yet. Add evidence… or drop a file here: minutes, policies, "
                       "performance reports that show the finding is being addressed.")
        rest = len(self.items) - SHOWN_AT_FIRST
        self.summary.setText(self._whole + (f"; the first {SHOWN_AT_FIRST} shown" if rest > 0 else ""))
        self._cards.fill(self.items[:SHOWN_AT_FIRST])
        self.more.setVisible(rest > 0)
        self.more.setObjectName("moreEvidence" if rest > 0 else "")
        if rest > 0:
            self.more.setText(f"Show the other {rest} item{'s' if rest != 1 else ''}")

    def _show_rest(self) -> None:
        """Under the first cards: the others (a finding may have hundreds), built when asked for."""
        self.more.hide()
        self.more.setObjectName("")
        self._cards.fill(self.items)
        self.summary.setText(self._whole)

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


class EvidenceCard(Card[EvidenceInfo]):
    """One evidence item: its title (and an expiry badge), the file's facts, and Expiry…, Export… and
    Unlink… acting on the item shown."""

    def __init__(self, panel: EvidencePanel) -> None:
        super().__init__()
        self._panel = panel
        grid = self.grid
        self.title = label("", wrap=True, selectable=True, plain=True)
        self.badge = tag("", "neutral")
        self.badge.hide()
        heading = QHBoxLayout()
        heading.setSpacing(6)
        heading.addWidget(self.title, 1)
        heading.addWidget(self.badge)
        grid.addLayout(heading, 0, 0)
        self.expiry = QPushButton("Expiry…")
        self.expiry.setEnabled(panel._editable)
        self.expiry.setToolTip("Set or clear the date from which this evidence no longer counts")
        self.expiry.clicked.connect(self.on_item(panel.set_expiry))
        self.export = QPushButton("Export…")
        self.export.setEnabled(panel.ctx.can("exports.create"))
        self.export.setToolTip("Save a copy of the stored file (its SHA-256 is checked first)")
        self.export.clicked.connect(self.on_item(panel.export_evidence))
        self.unlink = QPushButton("Unlink…")
        self.unlink.setEnabled(panel._editable)
        self.unlink.clicked.connect(self.on_item(panel.unlink_evidence))
        buttons = QHBoxLayout()
        buttons.setSpacing(4)
        for button in (self.expiry, self.export, self.unlink):
            buttons.addWidget(button)
        grid.addLayout(buttons, 0, 1)
        self.meta = label("", "muted", wrap=True, plain=True)
        grid.addWidget(self.meta, 1, 0, 1, 2)
        grid.setColumnStretch(0, 1)

    def show_item(self, e: EvidenceInfo) -> None:
        ref = self._panel.finding_ref
        self.setObjectName(f"evidence-{e.id}")
        self.title.setText(e.title)
        state = e.expiry(self._panel._today_shown)
        if state:
            expired = state == evidence_service.EXPIRED
            self.badge.setText(f"Expired {uk_date(e.expires_on)}" if expired else f"Expires {uk_date(e.expires_on)}")
            set_tone(self.badge, "red" if expired else "amber")
            self.badge.setObjectName(f"evidenceExpiry-{e.id}")
            self.badge.setToolTip("Expired evidence no longer shows the finding is met: renew it or set a new date"
                                  if expired else "This evidence expires soon")
        else:
            self.badge.setObjectName("")
        self.badge.setVisible(bool(state))
        self.expiry.setObjectName(f"expiryEvidence-{e.id}")
        self.expiry.setAccessibleName(f"Expiry of evidence {e.title}")
        self.export.setObjectName(f"exportEvidence-{e.id}")
        self.export.setAccessibleName(f"Export evidence {e.title}")
        self.unlink.setObjectName(f"unlinkEvidence-{e.id}")
        self.unlink.setAccessibleName(f"Unlink evidence {e.title} from {ref}")
        self.unlink.setToolTip(f"Take this evidence off {ref}; the stored file stays in the workspace")
        dated = f"dated {uk_date(e.evidence_date)}" if e.evidence_date else "undated"
        until = f"expires {uk_date(e.expires_on)}" if e.expires_on and not state else ""
        self.meta.setText(" · ".join(x for x in (e.filename, file_size(e.size), dated, until, e.source,
                                                   e.classification) if x))
        self.meta.setToolTip(f"SHA-256 {e.sha256}\nAdded by {e.uploaded_by} on {uk_date(e.uploaded_at.date())}")
