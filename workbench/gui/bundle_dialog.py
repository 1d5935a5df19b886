"""Sealing an evidence bundle: the options first, then the fingerprints to send to the inspectors."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from workbench.gui import confirm
from workbench.gui.qt import (
    QCheckBox,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QFormLayout,
    QGuiApplication,
    QHBoxLayout,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
    named,
)
from workbench.gui.style import card, label
from workbench.reports.bundle_format import BundleSummary
from workbench.services.signing_identity import CertificateInfo

ZIP_FILTER = "Evidence bundles (*.zip)"


@dataclass(frozen=True)
class BundleOptions:
    out: Path
    pseudonymise: bool
    drop_personal: bool
    seal_passphrase: str | None = None  # given: the sealer signs the seal with their signing key
    replace: bool = False  # the user agreed to replace the file already there


class BundleDialog(QDialog):
    def __init__(self, number: int, default_out: Path, parent: QWidget | None = None, can_sign: bool = False) -> None:
        super().__init__(parent)
        self.setObjectName("bundleDialog")
        self.setWindowTitle(f"Seal evidence bundle — pack v{number}")
        self.pseudonymise = named(QCheckBox("Pseudonymise case references (use the signed release copy)"), "pseudonymise")
        self.pseudonymise.setChecked(True)
        self.drop_personal = named(QCheckBox("Leave out evidence attached to individual cases"), "dropPersonal")
        self.drop_personal.setChecked(True)
        self.sign = named(QCheckBox("Sign the seal with my signing key, so inspectors can confirm who sealed it"), "signSeal")
        self.sign.setAccessibleName("Sign the seal")
        self.seal_passphrase = named(QLineEdit(), "sealPassphrase")
        self.seal_passphrase.setEchoMode(QLineEdit.EchoMode.Password)
        self.seal_passphrase.setPlaceholderText("your sign-off passphrase")
        self.seal_passphrase.setAccessibleName("Sign-off passphrase for the seal")
        self.can_sign = can_sign
        self.sign.setChecked(can_sign)
        self.sign.setVisible(can_sign)
        self.seal_passphrase.setVisible(can_sign)
        self.sign.toggled.connect(self.seal_passphrase.setEnabled)
        self.path = named(QLineEdit(str(default_out)), "bundlePath")
        self.path.setAccessibleName("Bundle file")
        browse = named(QPushButton("Browse…"), "browseBundle")
        browse.clicked.connect(self._browse)
        where = QHBoxLayout()
        where.addWidget(self.path, 1)
        where.addWidget(browse)
        form = QFormLayout()
        form.addRow("Save as", where)
        if can_sign:
            form.addRow("Sign-off passphrase", self.seal_passphrase)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        self.ok = buttons.button(QDialogButtonBox.StandardButton.Ok)
        self.ok.setText("Seal bundle")
        self.path.textChanged.connect(self._update_ok)
        self.seal_passphrase.textChanged.connect(self._update_ok)
        self.sign.toggled.connect(self._update_ok)
        buttons.accepted.connect(self._accept)
        buttons.rejected.connect(self.reject)
        self._replace = False
        layout = QVBoxLayout(self)
        layout.addWidget(label(f"<b>Evidence bundle of approved pack version {number}</b>"))
        layout.addWidget(label("A zip of the signed pack, its workbook and every evidence file it lists, with a "
                               "manifest of SHA-256 hashes. Inspectors verify it without access to force systems.",
                               "muted", wrap=True))
        layout.addWidget(self.pseudonymise)
        layout.addWidget(self.drop_personal)
        layout.addWidget(label("Personal case fields (names, addresses) never appear in packs.", "muted", wrap=True))
        layout.addWidget(self.sign)
        if not can_sign:
            layout.addWidget(label("The bundle will say who sealed it, unsigned: only a reviewer's signing key can "
                                   "sign the seal, so verify reports the sealer as not confirmed.", "muted", wrap=True))
        layout.addLayout(form)
        layout.addWidget(buttons)
        self._update_ok()
        self.setMinimumWidth(560)

    def _update_ok(self) -> None:
        needs_passphrase = self.can_sign and self.sign.isChecked()
        self.ok.setEnabled(bool(self.path.text().strip()) and (not needs_passphrase or bool(self.seal_passphrase.text())))

    def _browse(self) -> None:
        chosen, _ = QFileDialog.getSaveFileName(self, "Save evidence bundle", self.path.text(), ZIP_FILTER)
        if chosen:
            self.path.setText(chosen)

    def _out(self) -> Path:
        text = self.path.text().strip()
        return Path(text if text.lower().endswith(".zip") else text + ".zip")

    def _accept(self) -> None:
        """Seal, after asking whether to replace a file already at the chosen place."""
        out = self._out()
        self._replace = False
        if out.exists():
            if not confirm.ask(self, "Replace the file", f"{out.name} already exists in {out.parent}.",
                               "Sealing replaces it with the new bundle; the old file is lost.", "Replace it"):
                return
            self._replace = True
        self.accept()

    def options(self) -> BundleOptions:
        passphrase = self.seal_passphrase.text() if self.can_sign and self.sign.isChecked() else None
        return BundleOptions(self._out(), self.pseudonymise.isChecked(), self.drop_personal.isChecked(), passphrase,
                             self._replace)


class BundleSealedDialog(QDialog):
    """What to send to the inspectors, separately from the bundle: its SHA-256 and the signer's certificate."""

    def __init__(self, summary: BundleSummary, cert: CertificateInfo | None, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("bundleSealedDialog")
        self.setWindowTitle("Evidence bundle sealed")
        self.summary, self.cert = summary, cert
        box = card()
        form = QFormLayout(box)
        form.setContentsMargins(14, 10, 14, 10)
        self.bundle_sha = _fixed(summary.sha256, "bundleSha256")
        form.addRow("Bundle SHA-256", self.bundle_sha)
        # the certificate that signed this bundle's manifest (the reviewer may have a newer one since)
        signer_sha = summary.certificate_sha256 or (cert.fingerprint if cert else "no certificate on record")
        self.cert_sha = _fixed(signer_sha, "certificateFingerprint")
        form.addRow("Signer certificate (SHA-256)", self.cert_sha)
        if cert is not None and cert.fingerprint == signer_sha:
            form.addRow("Signed by", label(f"{cert.username} — {cert.subject}", wrap=True, selectable=True))
        copy = named(QPushButton("Copy both"), "copyFingerprints")
        copy.clicked.connect(self.copy)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(self.reject)
        buttons.addButton(copy, QDialogButtonBox.ButtonRole.ActionRole)
        layout = QVBoxLayout(self)
        layout.addWidget(label(f"<b>{summary.path.name}</b> — {len(summary.files)} files", wrap=True))
        layout.addWidget(label(str(summary.path.parent), "muted", wrap=True, selectable=True))
        layout.addWidget(box)
        layout.addWidget(label("Send these two fingerprints to the inspectors by another route (e.g. a phone call "
                               "or a separate email). With them they can check that the bundle they received is "
                               "the one sealed here and that the pack was signed by your reviewer: "
                               "workbench verify BUNDLE --trust FINGERPRINT.", wrap=True))
        layout.addWidget(buttons)
        self.setMinimumWidth(640)

    def text(self) -> str:
        return f"Bundle SHA-256: {self.bundle_sha.text()}\nSigner certificate SHA-256: {self.cert_sha.text()}"

    def copy(self) -> None:
        QGuiApplication.clipboard().setText(self.text())


def _fixed(text: str, name: str) -> QLineEdit:
    edit = named(QLineEdit(text), name)
    edit.setReadOnly(True)
    font = edit.font()
    font.setFamily("monospace")
    edit.setFont(font)
    edit.setMinimumWidth(edit.fontMetrics().horizontalAdvance("0" * 66))
    return edit
