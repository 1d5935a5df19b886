"""Opening (or creating) a workspace on a shared PostgreSQL database from its URL.

The password is typed apart from the URL and used for this connection only: it is never stored
(the recent list keeps the URL without it).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from workbench.errors import WorkbenchError
from workbench.gui.qt import QCheckBox, QDialog, QDialogButtonBox, QFormLayout, QLineEdit, QVBoxLayout, QWidget, named
from workbench.gui.recent_workspaces import without_password
from workbench.gui.style import label
from workbench.store.location import WorkspaceLocation, resolve_location


class DatabaseDialog(QDialog):
    """After Accept: `location` (password included, for connecting) and `create_workspace` (a new workspace)."""

    def __init__(self, parent: QWidget | None = None, url: str = "", create: bool = False,
                 opener: Callable[[WorkspaceLocation], Any] | None = None) -> None:
        """With `opener`, an existing workspace is opened before the dialog closes (kept in
        `opened`): a wrong password or an unreachable server is said here, the URL still typed."""
        super().__init__(parent)
        self.setObjectName("databaseDialog")
        self.setWindowTitle("Open a shared database")
        self.location: WorkspaceLocation | None = None
        self.opener = opener
        self.opened: Any = None
        self.url = named(QLineEdit(url,
                             placeholderText="postgresql+psycopg://your.login@server/workbench"), "databaseUrl")
        self.url.setAccessibleName("Database URL")
        self.password = named(QLineEdit(placeholderText="your database password"), "databasePassword")
        self.password.setEchoMode(QLineEdit.EchoMode.Password)
        self.password.setAccessibleName("Database password")
        self.create_new = named(QCheckBox("Create a new workspace in this empty database (you become its admin)"), "databaseCreate")
        self.create_new.setChecked(create)
        self.problem = label("", wrap=True)
        self.problem.setObjectName("databaseProblem")
        self.problem.setStyleSheet("color: #a3231b;")
        form = QFormLayout()
        form.addRow("Database URL", self.url)
        form.addRow("Password", self.password)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Open | QDialogButtonBox.StandardButton.Cancel)
        buttons.accepted.connect(self.try_accept)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(label("A team shares one PostgreSQL database; each person connects as their own "
                               "database login, which is their workbench user name. The password is used for this "
                               "connection only and never stored (leave it empty to use PGPASSWORD or ~/.pgpass).",
                               "muted", wrap=True))
        layout.addLayout(form)
        layout.addWidget(self.create_new)
        layout.addWidget(self.problem)
        layout.addWidget(buttons)
        self.setMinimumWidth(560)
        (self.password if url else self.url).setFocus()

    @property
    def create_workspace(self) -> bool:
        return self.create_new.isChecked()

    def try_accept(self) -> None:
        text = self.url.text().strip()
        if not text:
            self.problem.setText("Enter the database URL, e.g. postgresql+psycopg://your.login@server/workbench.")
            return
        try:
            location = resolve_location(db=text)
            if location.path is not None:
                raise WorkbenchError("that URL names an SQLite file", "use File > Open workspace for a file")
            url = location.url
            typed = self.password.text()
            if typed:
                url = url.set(password=typed)
            location = WorkspaceLocation(path=None, server=url)
            if self.opener is not None and not self.create_workspace:
                self.opened = self.opener(location)
            self.location = location
        except WorkbenchError as exc:
            self.problem.setText(f"{exc.message}" + (f" ({exc.hint})" if exc.hint else ""))
            self.password.clear()
            return
        if text != without_password(text):
            self.url.setText(without_password(text))  # a password typed into the URL is not shown again
        self.accept()
