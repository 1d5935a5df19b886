"""The reviewer proves who they are with their sign-off passphrase before approving (signing)."""

from __future__ import annotations

import html

from workbench.gui.qt import QDialog, QDialogButtonBox, QFormLayout, QLineEdit, QPlainTextEdit, QVBoxLayout, QWidget
from workbench.gui.style import label


class PassphraseDialog(QDialog):
    """`passphrase()` and `comment()` after Accept. The passphrase is never shown."""

    def __init__(self, what: str, reviewer: str, parent: QWidget | None = None,
                 action: str = "Approve and sign") -> None:
        super().__init__(parent)
        self.setObjectName("passphraseDialog")
        self.setWindowTitle("Sign off")
        self.secret = QLineEdit(objectName="passphraseEdit")
        self.secret.setEchoMode(QLineEdit.EchoMode.Password)
        self.note = QPlainTextEdit(objectName="signoffComment",
                                   placeholderText="optional, e.g. evidence supports the self-assessment")
        self.note.setFixedHeight(70)
        form = QFormLayout()
        form.addRow("Sign-off passphrase", self.secret)
        form.addRow("Comment", self.note)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        self.ok = buttons.button(QDialogButtonBox.StandardButton.Ok)
        self.ok.setText(action)
        self.ok.setEnabled(False)
        self.secret.textChanged.connect(lambda t: self.ok.setEnabled(bool(t)))
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(label(f"<b>{html.escape(what)}</b>", wrap=True))
        layout.addWidget(label(f"Signing as {reviewer}. Your passphrase proves it is you; a wrong one is "
                               "refused and the attempt is recorded in the change log.", "muted", wrap=True))
        layout.addLayout(form)
        layout.addWidget(buttons)
        self.setMinimumWidth(460)

    def passphrase(self) -> str:
        return self.secret.text()

    def comment(self) -> str:
        return self.note.toPlainText().strip()
