"""The main window: navigation on the left, one page at a time, the workspace and user below."""

from __future__ import annotations

from pathlib import Path

from workbench import __version__
from workbench.errors import WorkbenchError
from workbench.gui.audits_page import AuditsPage
from workbench.gui.changes import ALL_VIEWS, ChangeBus
from workbench.gui.context import GuiContext
from workbench.gui.findings_page import FindingsPage
from workbench.gui.gc_guard import MainThreadCollector
from workbench.gui.import_dialog import ImportReportDialog
from workbench.gui.measures_page import MeasuresPage
from workbench.gui.messages import APP_TITLE, show_error
from workbench.gui.overview_page import OverviewPage
from workbench.gui.packs_page import PacksPage
from workbench.gui.sign_in_dialog import SignInDialog, identify
from workbench.gui.qt import (
    QAction,
    QByteArray,
    QCloseEvent,
    QDialog,
    QFileDialog,
    QHBoxLayout,
    QKeySequence,
    QLabel,
    QListWidget,
    QMainWindow,
    QMessageBox,
    QSettings,
    QStackedWidget,
    QThreadPool,
    QWidget,
)
from workbench.gui import unsaved
from workbench.gui.style import STYLESHEET
from workbench.gui.wheel_guard import install_wheel_guard
from workbench.services import workspace as workspace_service
from workbench.store.location import sqlite_location
from workbench.store.uow import Actor
from workbench.store.workspace import Workspace

PAGES = ("Overview", "Findings", "Audits", "Measures", "Packs")
WORKSPACE_FILTER = "Workbench workspaces (*.sqlite);;All files (*)"


def default_settings() -> QSettings:
    return QSettings("inspection-readiness-workbench", "workbench")


class MainWindow(QMainWindow):
    """Owns the open workspace's views. `ws` is replaced (and the old one closed) on Open/New."""

    def __init__(self, ws: Workspace, user: str | Actor, settings: QSettings | None = None) -> None:
        """`user`: an Actor from signing in (sign_in_dialog.identify), or a name acting unproven."""
        super().__init__()
        self.settings = settings if settings is not None else default_settings()
        self.changes = ChangeBus(self)
        self.collector = MainThreadCollector(self)  # before any worker can run
        self.pool = QThreadPool(self)
        self.setStyleSheet(STYLESHEET)
        install_wheel_guard()  # app-wide: the wheel never changes an unfocused input
        room = self.screen().availableGeometry()
        self.resize(min(1280, int(room.width() * 0.92)), min(820, int(room.height() * 0.92)))
        self._build_menus()
        self.status_workspace = QLabel(objectName="statusWorkspace")
        self.status_user = QLabel(objectName="statusUser")
        self.status_role = QLabel(objectName="statusRole")
        for w in (self.status_workspace, self.status_user, self.status_role):
            self.statusBar().addPermanentWidget(w)
        self.statusBar().setSizeGripEnabled(False)
        self.ctx = GuiContext.open(ws, user, self.changes, self.pool)  # raises for an unknown user
        self.ws = ws
        self._show_workspace()
        geometry = self.settings.value("mainWindow/geometry")
        if isinstance(geometry, QByteArray) and not geometry.isEmpty():
            self.restoreGeometry(geometry)
        self.findings.restore_state(self.settings)

    # -- building --------------------------------------------------------------------------
    def _build_menus(self) -> None:
        file_menu = self.menuBar().addMenu("&File")
        self.import_action = self._action("&Import report…", "Ctrl+I", self.import_report, "importAction")
        file_menu.addAction(self.import_action)
        file_menu.addSeparator()
        file_menu.addAction(self._action("&Open workspace…", QKeySequence.StandardKey.Open, self.open_workspace,
                                         "openWorkspaceAction"))
        file_menu.addAction(self._action("&New workspace…", QKeySequence.StandardKey.New, self.new_workspace,
                                         "newWorkspaceAction"))
        file_menu.addSeparator()
        file_menu.addAction(self._action("&Switch user…", None, self.switch_user, "switchUserAction"))
        file_menu.addSeparator()
        file_menu.addAction(self._action("&Quit", QKeySequence.StandardKey.Quit, self.close, "quitAction"))
        view_menu = self.menuBar().addMenu("&View")
        view_menu.addAction(self._action("&Refresh", QKeySequence.StandardKey.Refresh, self.refresh,
                                         "refreshAction"))
        help_menu = self.menuBar().addMenu("&Help")
        help_menu.addAction(self._action("&About", None, self.about, "aboutAction"))

    def _action(self, text: str, shortcut: object, slot: object, name: str) -> QAction:
        action = QAction(text, self)
        action.setObjectName(name)
        if shortcut is not None:
            action.setShortcut(QKeySequence(shortcut))  # type: ignore[arg-type]
        action.triggered.connect(slot)
        return action

    def _show_workspace(self) -> None:
        """(Re)build the pages for `self.ctx`."""
        old = self.centralWidget()
        self.navigation = QListWidget(objectName="navigation")
        self.navigation.addItems(list(PAGES))
        self.navigation.setFixedWidth(170)
        self.stack = QStackedWidget(objectName="pages")
        self.overview = OverviewPage(self.ctx)
        self.findings = FindingsPage(self.ctx)
        self.audits = AuditsPage(self.ctx)
        self.measures = MeasuresPage(self.ctx)
        self.packs = PacksPage(self.ctx)
        for page in (self.overview, self.findings, self.audits, self.measures, self.packs):
            self.stack.addWidget(page)
        self.navigation.currentRowChanged.connect(self.stack.setCurrentIndex)
        self.navigation.setCurrentRow(0)
        central = QWidget()
        layout = QHBoxLayout(central)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(0)
        layout.addWidget(self.navigation)
        layout.addWidget(self.stack, 1)
        self.setCentralWidget(central)
        if old is not None:
            old.deleteLater()
        user = self.ctx.user
        self.setWindowTitle(f"{APP_TITLE} — {self.ws.location.label}")
        self.status_workspace.setText(f"Workspace: {self.ws.location.label}")
        self.status_user.setText(f"User: {user.display_name or user.username} ({user.username})"
                                 + ("" if self.ctx.proven else " · not signed in with a passphrase"))
        self.status_role.setText(f"Role: {user.role}")
        self.import_action.setEnabled(self.ctx.can("findings.edit"))
        self.import_action.setToolTip("" if self.ctx.can("findings.edit")
                                      else f"The {user.role} role cannot import reports")

    @property
    def username(self) -> str:
        return self.ctx.username

    def refresh(self) -> None:
        """Read everything again (others may have changed the shared workspace)."""
        self.changes.notify(ALL_VIEWS)

    def show_page(self, name: str) -> None:
        self.navigation.setCurrentRow(PAGES.index(name))

    # -- actions ---------------------------------------------------------------------------
    def import_report(self) -> None:
        ImportReportDialog(self.ctx, self).exec()

    def open_workspace(self) -> None:
        chosen, _ = QFileDialog.getOpenFileName(self, "Open workspace", self._folder(), WORKSPACE_FILTER)
        if chosen:
            self.switch_to(lambda: Workspace.open(sqlite_location(Path(chosen))))

    def switch_user(self) -> None:
        """Sign in as someone else (or as yourself with your passphrase) on the open workspace."""
        dialog = SignInDialog(self.ws, self.username, self)
        if dialog.exec() == QDialog.DialogCode.Accepted.value and dialog.identity is not None:
            self.sign_in_as(dialog.identity)

    def sign_in_as(self, identity: str | Actor) -> bool:
        """Rebuild the views for `identity` on the same workspace; keep the current user if that fails."""
        changes = ChangeBus(self)
        try:
            ctx = GuiContext.open(self.ws, identity, changes, self.pool)
        except WorkbenchError as exc:
            changes.deleteLater()
            show_error(self, exc)
            return False
        self.pool.waitForDone()
        old_changes = self.changes
        self.ctx, self.changes = ctx, changes
        self._show_workspace()
        old_changes.deleteLater()
        return True

    def new_workspace(self) -> None:
        chosen, _ = QFileDialog.getSaveFileName(self, "New workspace", self._folder(), WORKSPACE_FILTER)
        if not chosen:
            return
        path = Path(chosen) if chosen.endswith(".sqlite") else Path(chosen + ".sqlite")
        name = self.ctx.user.display_name
        self.switch_to(lambda: workspace_service.init_workspace(sqlite_location(path), self.username, name))

    def _folder(self) -> str:
        path = self.ws.location.path
        return str(path.parent) if path is not None else ""

    def switch_to(self, opener: object) -> bool:
        """Open another workspace (via `opener()`); keep the current one if that fails."""
        try:
            ws = opener()  # type: ignore[operator]
        except WorkbenchError as exc:
            show_error(self, exc)
            return False
        changes = ChangeBus(self)  # a fresh bus: the old pages hear nothing more
        try:
            # a proof holds only in the workspace that gave it: prove again here when needed
            identity = identify(ws, self.username, self)
            if identity is None:
                ws.close()
                changes.deleteLater()
                return False
            ctx = GuiContext.open(ws, identity, changes, self.pool)
        except WorkbenchError as exc:
            ws.close()
            changes.deleteLater()
            show_error(self, exc)
            return False
        self.pool.waitForDone()
        old_ws, old_changes = self.ws, self.changes
        self.ws, self.ctx, self.changes = ws, ctx, changes
        self._show_workspace()
        old_changes.deleteLater()
        old_ws.close()
        return True

    def about(self) -> None:
        QMessageBox.about(
            self, f"About {APP_TITLE}",
            f"<h3>{APP_TITLE}</h3><p>Version {__version__}</p>"
            "<p>Turns HMICFRS PEEL inspection findings into audits, evidence, scores and signed "
            "self-assessment packs. Works offline; every change is kept in a tamper-evident log.</p>")

    # -- window state ------------------------------------------------------------------------
    def closeEvent(self, event: QCloseEvent) -> None:  # noqa: N802
        if not unsaved.settle(self):  # unsaved edits: save, discard, or stay open
            event.ignore()
            return
        self.pool.waitForDone()
        self.settings.setValue("mainWindow/geometry", self.saveGeometry())
        self.findings.save_state(self.settings)
        self.settings.sync()
        self.collector.stop()
        super().closeEvent(event)
