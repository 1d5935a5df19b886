"""The team: an admin adds users, changes roles, resets passphrases and deactivates people; anyone
changes their own passphrase (which re-encrypts their signing key).

What may be done to whom comes from the services (`users.user_decisions`: role and proof, the last
admin, oneself); a control that may not be used is disabled with the reason as its tooltip.
"""

from __future__ import annotations

import html

from workbench.errors import WorkbenchError
from workbench.gui import confirm
from workbench.gui.context import GuiContext
from workbench.gui.messages import show_error
from workbench.gui.qt import (
    QAbstractItemView,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
    named,
)
from workbench.gui.sign_in_dialog import spaces_note
from workbench.gui.style import label
from workbench.services import signing_identity, users
from workbench.services.access import ROLE_DESCRIPTIONS, ROLES, Decision
from workbench.services.users import UserInfo

COLUMNS = ("User", "Name", "Role", "State", "Passphrase")

#: what the service allows (users.add_user: a passphrase is optional for every role) in the user's words
PASSPHRASE_NOTE = ("<b>Their passphrase</b> — optional, and they can change it later. Without one they work only "
                   "as their own OS login; a reviewer or admin then sets one themselves (File &gt; Change my "
                   "passphrase) before reviewing, signing off or managing the workspace, which need it.")


def _secret(name: str) -> QLineEdit:
    edit = named(QLineEdit(), name)
    edit.setEchoMode(QLineEdit.EchoMode.Password)
    return edit


def _problem() -> QLabel:
    out = label("", wrap=True)
    out.setObjectName("problem")
    out.setStyleSheet("color: #a3231b;")
    return out


def _say(exc: WorkbenchError) -> str:
    return Decision.refused(exc).reason


class NewPassphrase(QWidget):
    """A new passphrase typed twice; `value()` is it when both agree (the strength rule is the service's)."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.first = _secret("newPassphrase")
        self.again = _secret("newPassphraseAgain")
        form = QFormLayout(self)
        form.setContentsMargins(0, 0, 0, 0)
        form.addRow("New passphrase", self.first)
        form.addRow("Again", self.again)
        self.again.setAccessibleName("New passphrase again")
        form.addRow("", label(f"At least {users.MIN_PASSPHRASE} characters that are hard to guess: a few "
                              "unrelated words work well. No spaces at the ends.", "muted", wrap=True))

    def value(self) -> str:
        """The passphrase; raises WorkbenchError when the two differ or it is refused by the strength rule."""
        first = self.first.text()
        if first != self.again.text():
            raise WorkbenchError("the two passphrases differ", "type the same passphrase twice")
        return first


class AddUserDialog(QDialog):
    def __init__(self, ctx: GuiContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.added: UserInfo | None = None
        self.setObjectName("addUserDialog")
        self.setWindowTitle("Add a user")
        self.username = named(QLineEdit(placeholderText="their force login, e.g. j.smith"), "newUsername")
        self.display_name = named(QLineEdit(placeholderText="e.g. Jo Smith"), "newDisplayName")
        self.role = named(QComboBox(), "newRole")
        self.role.setAccessibleName("Role")
        for role in ROLES:
            self.role.addItem(f"{role} — {ROLE_DESCRIPTIONS[role]}", role)
        self.role.setCurrentIndex(ROLES.index("officer"))
        self.passphrase = NewPassphrase()
        self.problem = _problem()
        form = QFormLayout()
        form.addRow("User name", self.username)
        form.addRow("Display name", self.display_name)
        form.addRow("Role", self.role)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        buttons.button(QDialogButtonBox.StandardButton.Ok).setText("Add user")
        buttons.accepted.connect(self.add)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        self.passphrase_note = label(PASSPHRASE_NOTE, wrap=True)
        self.passphrase_note.setObjectName("passphraseNote")
        layout.addWidget(self.passphrase_note)
        layout.addWidget(self.passphrase)
        layout.addWidget(self.problem)
        layout.addWidget(buttons)
        self.setMinimumWidth(520)

    def add(self) -> None:
        try:
            secret = self.passphrase.value()
            name, shown, role = self.username.text(), self.display_name.text().strip(), self.role.currentData()
            self.added = self.ctx.write_or_raise(
                lambda uow: users.add_user(uow, name, role, shown, secret or None))
        except WorkbenchError as exc:
            self.problem.setText(_say(exc))
            return
        self.accept()


class ResetPassphraseDialog(QDialog):
    """An admin sets a new passphrase for someone who forgot theirs."""

    def __init__(self, ctx: GuiContext, user: UserInfo, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx, self.user = ctx, user
        self.setObjectName("resetPassphraseDialog")
        self.setWindowTitle(f"Reset {user.username}'s passphrase")
        self.passphrase = NewPassphrase()
        self.problem = _problem()
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        buttons.button(QDialogButtonBox.StandardButton.Ok).setText("Reset passphrase")
        buttons.accepted.connect(self.reset)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(label(f"<b>{html.escape(user.display_name)} ({html.escape(user.username)})</b>", wrap=True))
        layout.addWidget(label("Give them the new passphrase in person; they should change it themselves "
                               "(File > Change my passphrase). A signing key sealed under the old one cannot be "
                               "opened with the new one: a reviewer then creates or imports their certificate "
                               "again. The reset is recorded in the change log.", "muted", wrap=True))
        layout.addWidget(self.passphrase)
        layout.addWidget(self.problem)
        layout.addWidget(buttons)
        self.setMinimumWidth(480)

    def reset(self) -> None:
        try:
            secret, who = self.passphrase.value(), self.user.username
            self.ctx.write_or_raise(lambda uow: users.set_passphrase(uow, who, secret))
        except WorkbenchError as exc:
            self.problem.setText(_say(exc))
            return
        self.accept()


class ChangePassphraseDialog(QDialog):
    """Anyone changes their own passphrase; with the current one, their signing keys are re-encrypted."""

    def __init__(self, ctx: GuiContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.resealed = 0
        self.setObjectName("changePassphraseDialog")
        self.setWindowTitle("Change my passphrase")
        self.has_one = ctx.read(lambda uow: users.has_passphrase(uow, ctx.username))
        self.current = _secret("currentPassphrase")
        self.passphrase = NewPassphrase()
        self.problem = _problem()
        form = QFormLayout()
        if self.has_one:
            form.addRow("Current passphrase", self.current)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        buttons.button(QDialogButtonBox.StandardButton.Ok).setText("Change passphrase" if self.has_one
                                                                   else "Set passphrase")
        buttons.accepted.connect(self.change)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        who = ctx.user.display_name or ctx.username
        layout.addWidget(label(f"<b>{html.escape(who)} ({html.escape(ctx.username)})</b>", wrap=True))
        layout.addWidget(label(
            "Your passphrase proves it is you and is your sign-off passphrase: your signing key is re-encrypted "
            "under the new one." if self.has_one else
            "You have no passphrase yet. Set one to sign in as yourself anywhere, and for admin or reviewer work.",
            "muted", wrap=True))
        layout.addLayout(form)
        layout.addWidget(self.passphrase)
        layout.addWidget(self.problem)
        layout.addWidget(buttons)
        self.setMinimumWidth(480)
        (self.current if self.has_one else self.passphrase.first).setFocus()

    def change(self) -> None:
        me, old = self.ctx.username, self.current.text()
        try:
            new = self.passphrase.value()
            if self.has_one:
                if not old:
                    raise WorkbenchError("enter your current passphrase", "an admin can reset a forgotten one")
                self.resealed = self.ctx.write_or_raise(
                    lambda uow: signing_identity.change_signoff_passphrase(uow, me, old, new), passphrase=old)
            else:
                self.ctx.write_or_raise(lambda uow: users.set_passphrase(uow, me, new))
        except WorkbenchError as exc:
            note = spaces_note(old) if "wrong passphrase" in exc.message else ""
            self.problem.setText(f"{_say(exc)} {note}".strip())
            self.current.clear()
            return
        self.accept()


class UsersDialog(QDialog):
    """Everyone in the workspace; an admin's controls to manage them."""

    def __init__(self, ctx: GuiContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.people: list[UserInfo] = []
        self.decisions: dict[str, Decision] = {}
        self.setObjectName("usersDialog")
        self.setWindowTitle("Users")
        self.table = named(QTableWidget(0, len(COLUMNS)), "usersTable")
        self.table.setHorizontalHeaderLabels(list(COLUMNS))
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.verticalHeader().setVisible(False)
        self.table.horizontalHeader().setSectionResizeMode(1, QHeaderView.ResizeMode.Stretch)
        self.table.setAccessibleName("Users of this workspace")
        self.note = label("", "muted", wrap=True)
        self.note.setObjectName("usersNote")
        self.add = named(QPushButton("Add user…"), "addUser")
        self.role = named(QComboBox(), "roleChoice")
        self.role.addItems(list(ROLES))
        self.role.setAccessibleName("New role for the selected user")
        self.set_role = named(QPushButton("Change role"), "changeRole")
        self.reset = named(QPushButton("Reset passphrase…"), "resetPassphrase")
        self.deactivate = named(QPushButton("Deactivate…"), "deactivateUser")
        self.reactivate = named(QPushButton("Reactivate"), "reactivateUser")
        self.close_button = named(QPushButton("Close"), "closeUsers")
        row = QHBoxLayout()
        for w in (self.add, self.role, self.set_role, self.reset, self.deactivate, self.reactivate):
            row.addWidget(w)
        row.addStretch(1)
        row.addWidget(self.close_button)
        layout = QVBoxLayout(self)
        layout.addWidget(self.note)
        layout.addWidget(self.table, 1)
        layout.addLayout(row)
        self.resize(820, 420)
        self.table.itemSelectionChanged.connect(self._update)
        self.add.clicked.connect(self.add_user)
        self.set_role.clicked.connect(self.change_role)
        self.reset.clicked.connect(self.reset_passphrase)
        self.deactivate.clicked.connect(lambda: self.set_active(False))
        self.reactivate.clicked.connect(lambda: self.set_active(True))
        self.close_button.clicked.connect(self.accept)
        self.reload()

    # -- showing --------------------------------------------------------------------------
    def reload(self, select: str | None = None) -> None:
        chosen = select or (person.username if (person := self.selected()) else None)
        self.people = self.ctx.read(users.list_users)
        self.table.setRowCount(len(self.people))
        for r, u in enumerate(self.people):
            cells = (u.username, u.display_name, u.role, "active" if u.active else "deactivated",
                     "set" if u.has_passphrase else "none")
            for c, text in enumerate(cells):
                self.table.setItem(r, c, QTableWidgetItem(text))
        self.table.resizeColumnToContents(0)
        manage = self.ctx.allowed("users.manage")
        self.add.setEnabled(manage.ok)
        self.add.setToolTip(manage.reason)
        self.note.setText("Select someone to change their role, reset their passphrase or deactivate them. "
                          "Every change is recorded in the change log." if manage else manage.reason)
        names = [u.username for u in self.people]
        self.table.setCurrentCell(names.index(chosen) if chosen in names else -1, 0)
        if chosen not in names:
            self.table.clearSelection()
        self._update()

    def selected(self) -> UserInfo | None:
        rows = self.table.selectionModel().selectedRows() if self.table.selectionModel() else []
        return self.people[rows[0].row()] if rows and rows[0].row() < len(self.people) else None

    def select_user(self, username: str) -> bool:
        names = [u.username for u in self.people]
        if username not in names:
            return False
        self.table.selectRow(names.index(username))
        return True

    def _update(self) -> None:
        user = self.selected()
        if user is None:
            none = Decision(False, "Select a user first.")
            self.decisions = dict.fromkeys(("role", "reset_passphrase", "deactivate", "reactivate"), none)
        else:
            self.decisions = self.ctx.read(lambda uow: users.user_decisions(uow, user.username))
            self.role.setCurrentText(user.role)
        for button, key in ((self.set_role, "role"), (self.reset, "reset_passphrase"),
                            (self.deactivate, "deactivate"), (self.reactivate, "reactivate")):
            decision = self.decisions[key]
            button.setEnabled(decision.ok)
            button.setToolTip(decision.reason)
        self.role.setEnabled(self.decisions["role"].ok)
        self.role.setToolTip(self.decisions["role"].reason or "The role to give the selected user")
        self.deactivate.setVisible(user is None or user.active)
        self.reactivate.setVisible(user is not None and not user.active)

    # -- acting ---------------------------------------------------------------------------
    def _write(self, fn: object, select: str | None = None) -> bool:
        try:
            self.ctx.write_or_raise(fn)  # type: ignore[arg-type]
        except Exception as exc:  # noqa: BLE001 - shown, never silent; the dialog stays
            show_error(self, exc)
            self.reload(select)
            return False
        self.reload(select)
        return True

    def add_user(self) -> None:
        dialog = AddUserDialog(self.ctx, self)
        if dialog.exec() == QDialog.DialogCode.Accepted.value and dialog.added is not None:
            self.reload(dialog.added.username)

    def change_role(self) -> None:
        user, role = self.selected(), self.role.currentText()
        if user is None or role == user.role:
            return
        version = user.version
        self._write(lambda uow: users.set_role(uow, user.username, role, expected_version=version), user.username)

    def reset_passphrase(self) -> None:
        user = self.selected()
        if user is not None and ResetPassphraseDialog(self.ctx, user, self).exec() == QDialog.DialogCode.Accepted.value:
            self.reload(user.username)

    def set_active(self, active: bool) -> None:
        user = self.selected()
        if user is None:
            return
        if not active and not confirm.ask(
                self, "Deactivate user", f"Deactivate {user.display_name} ({user.username})?",
                "They can no longer sign in or change anything. Their work, sign-offs and history stay; "
                "an admin can reactivate them later.", "Deactivate"):
            return
        version = user.version
        self._write(lambda uow: users.set_active(uow, user.username, active, expected_version=version),
                    user.username)
