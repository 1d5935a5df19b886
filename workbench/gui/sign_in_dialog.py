"""Signing in: who is using the app, proven with their passphrase.

Asked at start (and on File > Switch user, and when another workspace is opened) unless the
person is plainly themselves: their own OS login with no passphrase, or the only user of a
single-user workspace. On PostgreSQL the database login is the user, so nothing is asked.
"""

from __future__ import annotations

from workbench.errors import WorkbenchError
from workbench.gui.qt import QDialog, QDialogButtonBox, QFormLayout, QLabel, QLineEdit, QVBoxLayout, QWidget, named
from workbench.gui.style import label
from workbench.services import users
from workbench.store.uow import Actor
from workbench.store.workspace import Workspace


class SignInDialog(QDialog):
    """After Accept, `identity` is the signed-in Actor (or the OS login's name, unproven)."""

    def __init__(self, ws: Workspace, suggested: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("signInDialog")
        self.setWindowTitle("Sign in")
        self.ws = ws
        self.identity: str | Actor | None = None
        self.name = named(QLineEdit(suggested), "signInUser")
        self.secret = named(QLineEdit(), "signInPassphrase")
        self.secret.setEchoMode(QLineEdit.EchoMode.Password)
        self.problem = named(QLabel(""), "signInProblem")
        self.problem.setWordWrap(True)
        form = QFormLayout()
        form.addRow("User", self.name)
        form.addRow("Passphrase", self.secret)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        buttons.button(QDialogButtonBox.StandardButton.Ok).setText("Sign in")
        buttons.accepted.connect(self.try_sign_in)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(label(f"<b>{ws.location.label}</b>", wrap=True))
        layout.addWidget(label("Your passphrase proves it is you; a wrong one is refused and recorded in the "
                               f"change log. Your own OS login ({users.current_os_user()}) may leave it empty "
                               "but then cannot do admin or reviewer work.", "muted", wrap=True))
        layout.addLayout(form)
        layout.addWidget(self.problem)
        layout.addWidget(buttons)
        self.setMinimumWidth(460)
        (self.secret if suggested else self.name).setFocus()

    def try_sign_in(self) -> None:
        name, secret = self.name.text().strip(), self.secret.text()
        try:
            if secret:
                self.identity = self.ws.sign_in(name, secret)
            elif name == users.current_os_user():
                with self.ws.unit_of_work(name, write=False):  # refuses an unknown user
                    pass
                self.identity = name
            else:
                self.problem.setText(f"{name or 'That user'} is not your OS login: enter {name or 'their'} "
                                     "passphrase.")
                return
        except WorkbenchError as exc:
            note = spaces_note(secret)
            self.problem.setText(f"{exc.message}. {note}" if note else exc.message)
            self.secret.clear()
            return
        self.accept()


def spaces_note(secret: str) -> str:
    """`signing_identity.spaces_note`: the one wording, said here, at sign-off and on the command line."""
    from workbench.services import signing_identity  # its signing libraries only once a sign-in is refused

    return signing_identity.spaces_note(secret)


def identify(ws: Workspace, name: str, parent: QWidget | None = None) -> str | Actor | None:
    """Who acts in `ws`: `name` itself when nothing needs proving, else whoever signs in (None: cancelled).

    Raises UnknownUserError when `name` is not a user of `ws` and nothing was asked.
    """
    login = ws.database_login()
    if login is not None and not login.unrestricted:
        return login.name  # the server proved the login
    with ws.unit_of_work(name, write=False) as uow:
        has = users.has_passphrase(uow, name)
        single_user = uow.actor is not None and uow.actor.verified
    if not has and (name == users.current_os_user() or single_user):
        return name
    dialog = SignInDialog(ws, name, parent)
    if dialog.exec() != QDialog.DialogCode.Accepted.value:
        return None
    return dialog.identity
