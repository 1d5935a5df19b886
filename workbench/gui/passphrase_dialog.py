"""The reviewer proves who they are with their sign-off passphrase before approving (signing).

The dialog says what will happen, lists what the reviewer should know first (warnings from the
services, e.g. a pack changed since it was built) and then needs "sign anyway" ticked, and checks
the passphrase before it closes: a wrong one is said inside the dialog, which stays open with the
comment as typed.
"""

from __future__ import annotations

import html
from collections.abc import Callable, Sequence

from workbench.errors import WorkbenchError
from workbench.gui.qt import (
    QCheckBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QVBoxLayout,
    QWidget,
    named,
)
from workbench.gui.style import label
from workbench.services.access import Decision
from workbench.services.signing_identity import confirm_passphrase, spaces_note

#: checks a passphrase: "" when it is right, otherwise what to tell the reviewer
Verifier = Callable[[str], str]


class PassphraseDialog(QDialog):
    """`passphrase()` and `comment()` after Accept. The passphrase is never shown."""

    def __init__(self, what: str, reviewer: str, parent: QWidget | None = None,
                 action: str = "Approve and sign", *, consequence: str = "", warnings: Sequence[str] = (),
                 verify: Verifier | None = None, comment: str = "") -> None:
        """`comment`: the comment as typed before (kept when an earlier attempt failed after this closed)."""
        super().__init__(parent)
        self.setObjectName("passphraseDialog")
        self.setWindowTitle("Sign off")
        self._verify = verify
        self.secret = named(QLineEdit(), "passphraseEdit")
        self.secret.setEchoMode(QLineEdit.EchoMode.Password)
        self.secret.setAccessibleName("Sign-off passphrase")
        self.note = named(QPlainTextEdit(placeholderText="optional, e.g. evidence supports the self-assessment"), "signoffComment")
        self.note.setFixedHeight(70)
        self.note.setTabChangesFocus(True)
        self.note.setAccessibleName("Sign-off comment")
        self.note.setPlainText(comment)
        form = QFormLayout()
        secret_label, note_label = QLabel("Sign-off &passphrase"), QLabel("&Comment")
        secret_label.setBuddy(self.secret)
        note_label.setBuddy(self.note)
        form.addRow(secret_label, self.secret)
        form.addRow(note_label, self.note)
        self.refused = label("", "muted", wrap=True)
        self.refused.setObjectName("passphraseRefused")
        self.refused.setStyleSheet("color: #b3261e;")
        self.refused.hide()
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        self.ok = buttons.button(QDialogButtonBox.StandardButton.Ok)
        self.ok.setText(action)
        self.ok.setObjectName("signOffAction")
        self.anyway = named(QCheckBox("I have read the warnings above and sign anyway"), "signAnyway")
        self.anyway.setVisible(bool(warnings))
        self.secret.textChanged.connect(self._update)
        self.anyway.toggled.connect(self._update)
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(label(f"<b>{html.escape(what)}</b>", wrap=True))
        if consequence:
            happens = label(consequence, wrap=True)
            happens.setObjectName("signOffConsequence")
            layout.addWidget(happens)
        if warnings:
            box = label("<br>".join(f"⚠ {html.escape(w, quote=False)}" for w in warnings), wrap=True)
            box.setObjectName("signOffWarnings")
            box.setStyleSheet("background: #fff4e5; border: 1px solid #f0b45a; border-radius: 4px; padding: 8px;")
            layout.addWidget(box)
        layout.addWidget(label(f"Signing as {reviewer}. Your passphrase proves it is you; a wrong one is "
                               "refused and the attempt is recorded in the change log.", "muted", wrap=True))
        layout.addLayout(form)
        if comment:
            layout.addWidget(named(label("Your comment from the attempt that did not finish is filled in.", "muted",
                                         wrap=True), "commentKept"))
        layout.addWidget(self.refused)
        layout.addWidget(self.anyway)
        layout.addWidget(buttons)
        self.setMinimumWidth(500)
        self._update()

    def _update(self) -> None:
        self.ok.setEnabled(bool(self.secret.text()) and (self.anyway.isHidden() or self.anyway.isChecked()))

    def accept(self) -> None:
        """Checked first: a wrong passphrase keeps the dialog open, the comment as typed."""
        if not self.ok.isEnabled():
            return
        problem = self._verify(self.passphrase()) if self._verify is not None else ""
        if problem:
            self.refused.setText(problem)
            self.refused.show()
            self.secret.clear()
            self.secret.setFocus()
            return
        super().accept()

    def passphrase(self) -> str:
        return self.secret.text()

    def comment(self) -> str:
        return self.note.toPlainText().strip()


def passphrase_checker(ctx: object, entity: str, entity_id: object, action: str) -> Verifier:
    """A Verifier for the acting user of `ctx` (a GuiContext): a refusal is logged as the services
    log it (``<action>-refused``) and told in words, with a note when what was typed has spaces at
    its ends (`signing_identity.spaces_note`); "" when the passphrase is right."""

    def verify(passphrase: str) -> str:
        ws, actor = ctx.ws, ctx.actor  # type: ignore[attr-defined]
        who = actor if actor.verified else actor.username
        try:
            with ws.unit_of_work(who, write=True, **({} if actor.verified else {"passphrase": passphrase})) as uow:
                confirm_passphrase(uow, passphrase, entity, entity_id, action)
        except WorkbenchError as exc:
            return " ".join(t for t in (Decision.refused(exc).reason, spaces_note(passphrase)) if t)
        return ""

    return verify
