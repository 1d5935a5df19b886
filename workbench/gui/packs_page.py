"""Packs: build a version, submit it, approve (sign) or return it, export its files, seal a bundle."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from workbench.errors import WorkbenchError
from workbench.gui import confirm
from workbench.gui.bundle_dialog import BundleDialog, BundleSealedDialog
from workbench.gui.changes import PACKS_VIEW, concerns
from workbench.gui.child_process import run_in_child
from workbench.gui.comment_dialog import CommentDialog
from workbench.gui.context import GuiContext
from workbench.gui.messages import show_error, show_info
from workbench.gui.packs_model import (
    NUMBER_ROLE,
    SORT_ROLE,
    VERSION,
    PacksTableModel,
    state_words,
    when,
)
from workbench.gui.page import ReadingPage
from workbench.gui.passphrase_dialog import PassphraseDialog, Verifier, passphrase_checker
from workbench.gui.qt import (
    QDialog,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QLineEdit,
    QPushButton,
    QSortFilterProxyModel,
    QVBoxLayout,
    QWidget,
    named,
)
from workbench.gui.rows_model import select_row_where, selected_source_row
from workbench.gui.style import PACK_TONES, card, label, set_tone, tag
from workbench.gui.tables import columns_fit_contents, fit_rows, list_view
from workbench.gui.workers import busy_note, run_in_worker
from workbench.progress import Progress
from workbench.reports.bundle_format import BundleSummary
from workbench.reports.pack_data import PackData
from workbench.services import bundles, pack_approval, pack_decisions, packs, signing_identity
from workbench.services.access import Decision
from workbench.services.packs import PackFiles, PackVersionInfo
from workbench.services.signing_identity import CertificateInfo
from workbench.services.users import list_users
from workbench.store.uow import UnitOfWork


@dataclass(frozen=True)
class Sealed:
    summary: BundleSummary
    certificate: CertificateInfo | None


def _fingerprint(uow: UnitOfWork, username: str) -> str:
    try:
        cert = signing_identity.certificate_info(uow, username)
    except WorkbenchError as exc:
        return f"cannot be read: {exc.message}"
    return cert.fingerprint if cert is not None else "no certificate on record"


@dataclass(frozen=True)
class PacksRead:
    rows: list[PackVersionInfo]
    names: dict[str, str]  # display names by username
    certificates: dict[str, str]  # each signer's certificate fingerprint
    #: what this user may do with each version (None: none chosen), from the service
    decisions: dict[int | None, dict[str, Decision]]


def read_packs(uow: UnitOfWork) -> PacksRead:
    """The versions, display names, each signer's certificate fingerprint, and what may be done."""
    rows = packs.list_packs(uow)
    names = {u.username: u.display_name for u in list_users(uow)}
    signers = {p.approved_by for p in rows if p.approved_by}
    return PacksRead(rows, names, {u: _fingerprint(uow, u) for u in signers},
                     pack_decisions.every_pack_decision(uow))


#: where a version stands, in words (how it moves on, and who may move it, is the service's)
STANDING = {"draft": "v{n} is a draft version.", "returned": "v{n} was returned for changes.",
            "submitted": "v{n} waits for a reviewer.", "approved": "v{n} is signed.",
            "superseded": "v{n} was replaced by a later approved version."}
#: what the user may do next, when the service allows the step that moves the version on
NEXT_STEP_WORDS = {"submit": "Submit it when it is ready for review.",
                   "approve": "Approve and sign it with your sign-off passphrase, or return it with a comment.",
                   "seal": "Seal an evidence bundle for the inspectors."}
READING = Decision(False, "Reading the pack versions…")


def _hash_field(value: str) -> QLineEdit:
    field = named(QLineEdit(value), "hashField")
    field.setReadOnly(True)
    field.setFrame(False)
    field.setCursorPosition(0)
    field.setMinimumWidth(120)
    field.setStyleSheet("background: transparent;")
    return field



def render_apart(_data: PackData, folder: Path, stem: str, progress: Progress | None,
                 snapshot: str) -> tuple[Path, Path]:
    """The PDF and workbook written in another process from the pack's snapshot: reportlab's
    objects, its seconds of work and its garbage never hold up the window (gui/child_process). The
    snapshot is sent, not the data: a string goes through the pipe at once, while pickling the data
    is one long call that holds the window's interpreter lock."""
    return run_in_child(packs.render_snapshot, snapshot, folder, stem, progress=progress, stoppable=False)


class PacksPage(ReadingPage):
    def __init__(self, ctx: GuiContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self._stale = False
        self.certificates: dict[str, str] = {}
        self.decisions: dict[int | None, dict[str, Decision]] = {}
        #: comments typed for a sign-off or a return that did not finish, by version: offered again
        self.kept_comments: dict[tuple[str, int], str] = {}
        self.model = PacksTableModel(self)
        self.proxy = QSortFilterProxyModel(self)
        self.proxy.setSourceModel(self.model)
        self.proxy.setSortRole(SORT_ROLE)
        self.table = list_view("packsTable")
        self.table.setAccessibleName("Pack versions")
        self.table.setModel(self.proxy)
        columns_fit_contents(self.table)
        self.count = label("", "muted")
        self.loader = ctx.loader(self, self._fill, name="packsLoader")
        self.busy_note = busy_note(self.loader)
        self._pending: int | None = None  # a version to select once the versions are read
        self.build = named(QPushButton("Build pack…"), "buildPack")
        self.submit = named(QPushButton("Submit for review"), "submitPack")
        self.approve = named(QPushButton("Approve and sign…"), "approvePack")
        self.return_ = named(QPushButton("Return…"), "returnPack")
        self.export = named(QPushButton("Export files…"), "exportPack")
        self.seal = named(QPushButton("Seal evidence bundle…"), "sealBundle")
        self.preview = named(QPushButton("Preview PDF…"), "previewPack")  # the PDF inside the app
        self.hint = label("", "muted", wrap=True)
        self.hint.setObjectName("packsHint")

        self.state_tag = tag("", "neutral")
        self.detail_title = label("", "section")
        self.facts = QFormLayout()
        self.facts.setHorizontalSpacing(14)
        self.facts.setVerticalSpacing(4)
        detail = card()
        detail.setObjectName("packDetail")
        dlay = QVBoxLayout(detail)
        dlay.setContentsMargins(14, 10, 14, 12)
        top = QHBoxLayout()
        top.addWidget(self.detail_title)
        top.addStretch(1)
        top.addWidget(self.state_tag)
        dlay.addLayout(top)
        dlay.addLayout(self.facts)
        files = QHBoxLayout()
        files.addWidget(label("For the inspectors: the signed files, or a sealed bundle with the evidence.",
                              "muted", wrap=True), 1)
        files.addWidget(self.preview)
        files.addWidget(self.export)
        files.addWidget(self.seal)
        dlay.addLayout(files)

        bar = QHBoxLayout()
        bar.addWidget(label("Self-assessment packs", "pageTitle"))
        bar.addStretch(1)
        bar.addWidget(self.build)
        bar.addWidget(self.submit)
        reviewing = QHBoxLayout()
        reviewing.addWidget(self.hint, 1)
        reviewing.addWidget(self.return_)
        reviewing.addWidget(self.approve)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(16, 12, 16, 12)
        layout.setSpacing(10)
        layout.addLayout(bar)
        layout.addWidget(label("A pack version freezes what the register, audits, measures, actions and evidence say "
                               "when it is built. The preparer submits it; a reviewer who did not build it approves "
                               "it with their sign-off passphrase, which signs the PDF, or returns it with a comment. "
                               "An approved version is sealed into an evidence bundle for the inspectors.",
                               "muted", wrap=True))
        counts = QHBoxLayout()
        counts.addWidget(self.count)
        counts.addWidget(self.busy_note)
        counts.addStretch(1)
        layout.addLayout(counts)
        layout.addWidget(self.table)
        layout.addLayout(reviewing)
        layout.addWidget(detail)
        layout.addStretch(1)

        self.table.selectionModel().currentRowChanged.connect(lambda *_: self._update())
        self.build.clicked.connect(self.build_pack)
        self.submit.clicked.connect(self.submit_pack)
        self.approve.clicked.connect(self.approve_pack)
        self.return_.clicked.connect(self.return_pack)
        self.export.clicked.connect(self.export_files)
        self.seal.clicked.connect(self.seal_bundle)
        self.preview.clicked.connect(self.preview_pdf)
        ctx.changes.changed.connect(self._on_changed)
        self._stale = True  # read when first shown
        self._update()

    # -- data -------------------------------------------------------------------------------
    @property
    def busy(self) -> bool:
        return self.loader.busy

    def refresh(self) -> None:
        """Read the versions (and whether the data changed since each) in a worker."""
        self._stale = False
        self.ctx.load(self.loader, read_packs)

    def _fill(self, loaded: PacksRead) -> None:
        rows, names, self.certificates, self.decisions = (loaded.rows, loaded.names, loaded.certificates,
                                                          loaded.decisions)
        keep = self._pending if self._pending is not None else (p.number if (p := self.selected()) else None)
        self._pending = None
        self.model.set_rows(rows, names)
        fit_rows(self.table)
        approved = next((p for p in self.model_rows() if p.state == "approved"), None)
        self.count.setText(f"{len(rows)} version{'s' if len(rows) != 1 else ''}"
                           + (f" · v{approved.number} approved" if approved else ""))
        if not (keep is not None and self.select_version(keep)) and rows:
            self.select_version(max(p.number for p in rows))
        self._update()

    def model_rows(self) -> list[PackVersionInfo]:
        return [self.model.pack(r) for r in range(self.model.rowCount())]

    def _on_changed(self, kinds: frozenset[str]) -> None:
        if concerns(kinds, PACKS_VIEW):
            self.read_now_or_when_shown()

    def selected(self) -> PackVersionInfo | None:
        row = selected_source_row(self.table, self.proxy)
        return None if row is None else self.model.pack(row)

    def select_version(self, number: int) -> bool:
        """Select a version; while the versions are being read, it is selected once they are in."""
        if self.loader.busy:
            self._pending = number
        found = select_row_where(self.table, self.proxy, VERSION, NUMBER_ROLE, number) is not None
        return found or self._pending == number

    # -- what may be done -------------------------------------------------------------------
    def decision(self, action: str) -> Decision:
        """What the service says of `action` on the selected version (pack_decisions), for this user."""
        p = self.selected()
        return self.decisions.get(p.number if p else None, {}).get(action, READING)

    def _update(self) -> None:
        """Every control follows the service's decisions (role, proof, state, four eyes): enabled when
        allowed, else disabled with the service's reason as its tooltip."""
        p = self.selected()
        for action, button in (("build", self.build), ("submit", self.submit), ("approve", self.approve),
                               ("return", self.return_), ("export", self.export), ("seal", self.seal),
                               ("preview", self.preview)):
            decided = self.decision(action)
            button.setEnabled(decided.ok)
            button.setToolTip("" if decided.ok else decided.reason)
        if not self.decisions:
            self.hint.setText("")
        elif p is None:
            self.hint.setText("Build the first version of the pack." if self.decision("build")
                              else "No pack has been built yet.")
        else:
            said = [STANDING.get(p.state, "v{n} is " + p.state + ".").format(n=p.number)]
            step = pack_decisions.next_step(p.state)
            if step is not None:
                said.append(NEXT_STEP_WORDS[step] if self.decision(step) else self.decision(step).reason)
            if not p.current:
                said.append("The data has changed since: build a new version to show it.")
            self.hint.setText(" ".join(said))
        self._show_detail(p)

    def _show_detail(self, p: PackVersionInfo | None) -> None:
        while self.facts.rowCount():
            self.facts.removeRow(0)
        self.state_tag.setVisible(p is not None)
        if p is None:
            self.detail_title.setText("No version selected")
            return
        self.detail_title.setText(f"Pack version {p.number} — {p.findings} findings")
        self.state_tag.setText(state_words(p))
        set_tone(self.state_tag, PACK_TONES.get(p.state, "neutral"))
        rows = [("Built", f"{when(p.built_at)} by {self.model.name(p.built_by)}"),
                ("Content SHA-256", p.content_sha256)]
        if p.approved_by:
            rows.append(("Approved", f"{when(p.approved_at)} by {self.model.name(p.approved_by)}"))
        if p.signed_pdf_sha256:
            rows.append(("Signed PDF SHA-256", p.signed_pdf_sha256))
        if p.approved_by:
            rows.append(("Signer certificate", self.certificates.get(p.approved_by, "—")))
        if p.release_pdf_sha256:
            rows.append(("Release copy", f"pseudonymised, cells under {p.release_min_cell} suppressed"))
        rows.append(("Data since build", "Unchanged: the workspace still says what this version says" if p.current
                     else "Changed since this version was built"))
        for caption, value in rows:
            if "SHA-256" in caption or caption == "Signer certificate":
                text: QWidget = _hash_field(value)  # scrolls rather than widening the page; copyable
                text.setAccessibleName(caption)
            else:
                text = label(value, wrap=True, selectable=True)
            self.facts.addRow(label(caption, "muted"), text)

    # -- acting ---------------------------------------------------------------------------
    def _folder(self, sub: str = "") -> str:
        path = self.ctx.ws.location.path
        base = path.parent if path is not None else Path.home()
        return str(base / sub) if sub else str(base)

    def build_pack(self) -> None:
        chosen = QFileDialog.getExistingDirectory(self, "Folder for the pack PDF and workbook", self._folder())
        if not chosen:
            return
        out = Path(chosen)

        def done(files: PackFiles) -> None:
            self.select_version(files.info.number)
            show_info(self, "Pack built", f"Pack version {files.info.number} is a draft with "
                      f"{files.info.findings} findings.", f"Saved {files.pdf.name} and {files.xlsx.name} in {out}.")

        self.ctx.background(self, "Building the pack…", lambda uow, progress: packs.build_pack(
            uow, out, progress=progress, render=render_apart), write=True, on_success=done)

    def submit_pack(self) -> None:
        p = self.selected()
        if p is None or not confirm.ask(
                self, "Submit for review", f"Submit pack v{p.number} for review?",
                "A reviewer who did not build it then approves and signs it, or returns it to you with a comment. "
                "Changes made in the workspace after this go into a new build, not into this version.",
                "Submit for review", destructive=False):
            return
        self.ctx.write(self, lambda uow: packs.submit_pack(uow, p.number))

    def return_pack(self) -> None:
        p = self.selected()
        if p is None:
            return
        key = ("return", p.number)
        dialog = CommentDialog(f"Return pack version {p.number}", "Say what must change before you can sign it. "
                               "The preparer sees your comment.", "Return pack", self)
        dialog.edit.setPlainText(self.kept_comments.pop(key, ""))  # as typed when a return was refused
        if dialog.exec() == QDialog.DialogCode.Accepted.value:
            comment = dialog.text()
            self.ctx.write(self, lambda uow: packs.return_pack(uow, p.number, comment),
                           on_error=lambda _exc: self.kept_comments.__setitem__(key, comment))

    def approve_pack(self) -> None:
        """What the reviewer should know first is read in a worker (the facts come from the
        service); then the sign-off dialog."""
        p = self.selected()
        if p is None:
            return
        self.ctx.background(self, "Checking the pack before signing…",
                            lambda uow, _p: pack_approval.approval_warnings(uow, p.number), write=False,
                            on_success=lambda warned: self._approve(p, warned))

    def _approve(self, p: PackVersionInfo, warned: pack_approval.ApprovalWarnings) -> None:
        key = ("approve", p.number)
        dialog = PassphraseDialog(
            f"Approve and sign pack version {p.number} ({p.findings} findings)",
            self.ctx.user.display_name or self.ctx.username, self,
            consequence=f"Signing cannot be undone: pack version {p.number} becomes the approved version, its PDF "
                        "and release copy are signed with your certificate, and any earlier approved version is "
                        "marked superseded.",
            warnings=warned.messages(), verify=self._approval_checker(p.number),
            comment=self.kept_comments.get(key, ""))
        if dialog.exec() != QDialog.DialogCode.Accepted.value:
            self.kept_comments.pop(key, None)  # the reviewer thought better of it
            return
        passphrase, comment = dialog.passphrase(), dialog.comment()
        if comment:  # offered again should anything below stop the signing
            self.kept_comments[key] = comment
        chosen = QFileDialog.getExistingDirectory(self, "Folder for the signed pack", self._folder())
        if not chosen:
            return
        out = Path(chosen)

        def done(files: PackFiles) -> None:
            self.kept_comments.pop(key, None)
            self.select_version(files.info.number)
            show_info(self, "Pack signed", f"Pack version {files.info.number} is approved and signed.",
                      f"Saved {files.pdf.name} and its release copy in {out}. The bundle manifests are signed too.")

        ws, actor = self.ctx.ws, self.ctx.actor
        # the sign-off passphrase is the reviewer's own: it proves who signs when they have not signed in
        who: dict = {} if actor.verified else {"passphrase": passphrase}
        user = actor if actor.verified else actor.username

        def work(progress: Progress) -> PackFiles:
            # render and sign with no write lock held; the service opens its own units of work
            return packs.approve_pack(lambda write: ws.unit_of_work(user, write=write, **who), p.number, passphrase,
                                      out, comment, progress=progress)

        def signed(files: PackFiles) -> None:
            self.ctx.changes.notify(frozenset({"pack", "certificate", "sign_off", "pseudonym_key"}))
            done(files)

        run_in_worker(self, self.ctx.write_pool, "Signing the pack…", work, signed,
                      lambda _exc: self.ctx.changes.notify(frozenset({"pack"})))

    def _approval_checker(self, number: int) -> Verifier:
        """Checked before the dialog closes: whether the service still lets this user sign the version
        (someone may have returned it, or a self-assessment in it been written, since the page read), then
        the passphrase. A refusal is said in the dialog, which stays open with the comment as typed."""
        passphrase_ok = passphrase_checker(self.ctx, "pack", number, "approve")

        def verify(passphrase: str) -> str:
            try:
                decided = self.ctx.read(lambda uow: pack_decisions.pack_decisions(uow, number)["approve"])
            except WorkbenchError as exc:
                decided = Decision.refused(exc)
            return decided.reason if not decided else passphrase_ok(passphrase)

        return verify

    def export_files(self) -> None:
        p = self.selected()
        if p is None:
            return
        chosen = QFileDialog.getExistingDirectory(self, f"Folder for pack version {p.number}", self._folder())
        if not chosen:
            return
        out, release = Path(chosen), p.release_pdf_sha256 is not None

        def work(uow: object, _progress: object) -> list[Path]:
            files = list(packs.export_pack_files(uow, p.number, out))  # type: ignore[arg-type]
            if release:
                files += packs.export_pack_files(uow, p.number, out, release=True)  # type: ignore[arg-type]
            return files

        self.ctx.background(self, "Exporting the pack files…", work, on_success=lambda files: show_info(
            self, "Pack files exported", f"Saved {len(files)} files of pack version {p.number}.",
            "\n".join(f.name for f in files) + f"\n\nFolder: {out}"))

    def seal_bundle(self) -> None:
        p = self.selected()
        if p is None:
            return
        default = Path(self._folder(f"evidence-bundle-pack-v{p.number}.zip"))
        dialog = BundleDialog(p.number, default, self, can_sign=self.ctx.can("assessment.review"))
        if dialog.exec() != QDialog.DialogCode.Accepted.value:
            return
        options, signer = dialog.options(), p.approved_by

        def work(uow: UnitOfWork, progress: Progress) -> Sealed:
            summary = bundles.build_evidence_bundle(uow, options.out, p.number,
                                                    pseudonymise=options.pseudonymise,
                                                    drop_personal=options.drop_personal, progress=progress,
                                                    seal_passphrase=options.seal_passphrase,
                                                    replace=options.replace)
            cert = signing_identity.certificate_info(uow, signer) if signer else None
            return Sealed(summary, cert)

        def done(sealed: Sealed) -> None:
            self.sealed_dialog = BundleSealedDialog(sealed.summary, sealed.certificate, self)
            self.sealed_dialog.exec()

        self.ctx.background(self, "Sealing the evidence bundle…", work, write=True, on_success=done)

    def preview_pdf(self) -> None:
        """Show the selected version's PDF (signed once approved) in the preview dialog."""
        from workbench.gui.pdf_preview import PdfPreviewDialog
        from workbench.services.pack_preview import pack_pdf

        p = self.selected()
        if p is None:
            return
        def show(pdf: object) -> None:
            try:
                dialog = PdfPreviewDialog(self.ctx, pdf, self)  # type: ignore[arg-type]
            except WorkbenchError as exc:
                show_error(self, exc)
                return
            dialog.exec()

        self.ctx.background(self, "Reading the pack PDF…", lambda uow, _p: pack_pdf(uow, p.number), write=False,
                            on_success=show)
