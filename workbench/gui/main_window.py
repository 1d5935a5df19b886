"""The main window: the workspace at a glance."""

from __future__ import annotations

from workbench import __version__
from workbench.gui.qt import QLabel, QMainWindow, QTabWidget, QVBoxLayout, QWidget
from workbench.services import workspace as workspace_service
from workbench.services.users import list_users
from workbench.store.workspace import Workspace


class MainWindow(QMainWindow):
    def __init__(self, ws: Workspace, username: str) -> None:
        super().__init__()
        self.ws = ws
        self.username = username
        self.setWindowTitle(f"Inspection Readiness Workbench — {ws.location.label}")
        self.resize(1200, 800)
        self.tabs = QTabWidget()
        self.setCentralWidget(self.tabs)
        self.tabs.addTab(self._overview(), "Overview")
        self.statusBar().showMessage(f"Signed in as {username} · workbench {__version__}")

    def _overview(self) -> QWidget:
        page = QWidget()
        layout = QVBoxLayout(page)
        with self.ws.unit_of_work(self.username, write=False) as uow:
            people = list_users(uow)
            report = workspace_service.verify_log(uow)
        me = next((u for u in people if u.username == self.username), None)
        title = QLabel("<h2>Inspection Readiness Workbench</h2>")
        info = QLabel(
            f"<p>Workspace: <b>{self.ws.location.label}</b></p>"
            f"<p>You are <b>{self.username}</b> ({me.role if me else 'unknown role'}); "
            f"{len(people)} user(s) in this workspace.</p>"
            f"<p>Change log: {'intact' if report.ok else 'BROKEN — ' + report.problem} "
            f"({report.entries} entries)</p>"
        )
        info.setObjectName("overviewInfo")
        layout.addWidget(title)
        layout.addWidget(info)
        layout.addStretch(1)
        return page
