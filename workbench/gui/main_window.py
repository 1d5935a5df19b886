"""The main window: navigation on the left, one page at a time, the workspace and user below."""

from __future__ import annotations

import sys
from collections.abc import Callable
from pathlib import Path

from workbench import __version__
from workbench.errors import WorkbenchError
from workbench.gui import unsaved, workspace_actions
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
    named,
)
from workbench.gui.recent_workspaces import RecentWorkspaces
from workbench.gui.register_page import RegisterPage
from workbench.gui.screen_fit import install_screen_fit
from workbench.gui.sign_in_dialog import SignInDialog, identify
from workbench.gui.style import STYLESHEET
from workbench.gui.wheel_guard import install_wheel_guard
from workbench.gui.workers import writer_pool
from workbench.services import actions as actions_service
from workbench.services import workspace as workspace_service
from workbench.store.location import sqlite_location
from workbench.store.uow import Actor
from workbench.store.workspace import Workspace

PAGES = ("Overview", "Findings", "Audits", "Measures", "Packs", "Register")
WORKSPACE_FILTER = "Workbench workspaces (*.sqlite);;All files (*)"


def default_settings() -> QSettings:
    return QSettings("inspection-readiness-workbench", "workbench")


#: the longest a worker thread keeps the interpreter lock while the window's thread waits for it
WINDOW_SWITCH_INTERVAL_S = 0.001


class MainWindow(QMainWindow):
    """Owns the open workspace's views. `ws` is replaced (and the old one closed) on Open/New."""

    def __init__(self, ws: Workspace, user: str | Actor, settings: QSettings | None = None,
                 recent: RecentWorkspaces | None = None) -> None:
        """`user`: an Actor from signing in (sign_in_dialog.identify), or a name acting unproven."""
        super().__init__()
        self.settings = settings if settings is not None else default_settings()
        self.recent = recent if recent is not None else RecentWorkspaces()
        self.setAcceptDrops(True)  # a workspace file dropped on the window opens it
        self.changes = ChangeBus(self)
        self.collector = MainThreadCollector(self, busy=self._threads_busy)  # before any worker can run
        # a worker runs Python for up to the interpreter's switch interval before the window's
        # thread, which asks for the lock at every event it handles in Python, gets it back:
        # 5 ms by default, so a busy worker made each repaint wait several times over
        sys.setswitchinterval(WINDOW_SWITCH_INTERVAL_S)
        self.pool = QThreadPool(self)  # the views' reads
        self.writer = writer_pool(self)  # background writes, one at a time
        self.setStyleSheet(STYLESHEET)
        install_wheel_guard()  # app-wide: the wheel never changes an unfocused input
        install_screen_fit()  # app-wide: no dialog opens larger than its screen
        room = self.screen().availableGeometry()
        self.resize(min(1280, int(room.width() * 0.92)), min(820, int(room.height() * 0.92)))
        self._build_menus()
        self.status_workspace = named(QLabel(), "statusWorkspace")
        self.status_user = named(QLabel(), "statusUser")
        self.status_role = named(QLabel(), "statusRole")
        for w in (self.status_workspace, self.status_user, self.status_role):
            self.statusBar().addPermanentWidget(w)
        self.statusBar().setSizeGripEnabled(False)
        self.ctx = GuiContext.open(ws, user, self.changes, self.pool, self.writer)  # raises for an unknown user
        self.ws = ws
        self._show_workspace()
        workspace_actions.remember(self)
        geometry = self.settings.value("mainWindow/geometry")
        if isinstance(geometry, QByteArray) and not geometry.isEmpty():
            self.restoreGeometry(geometry)
        self.findings.restore_state(self.settings)

    # -- building --------------------------------------------------------------------------
    def _build_menus(self) -> None:
        file_menu = self.menuBar().addMenu("&File")
        self.import_action = self._action("&Import report…", "Ctrl+I", self.import_report, "importAction")
        file_menu.addAction(self.import_action)
        self.tracker_action = self._action("Bring in a &tracker…", None, self.import_tracker, "importTrackerAction")
        file_menu.addAction(self.tracker_action)
        file_menu.addSeparator()
        file_menu.addAction(self._action("&Open workspace…", QKeySequence.StandardKey.Open, self.open_workspace,
                                         "openWorkspaceAction"))
        file_menu.addAction(self._action("Open shared &database…", "Ctrl+Shift+O", self.open_database,
                                         "openDatabaseAction"))
        self.recent_menu = file_menu.addMenu("Open &recent")
        self.recent_menu.setObjectName("recentMenu")
        self.recent_menu.aboutToShow.connect(lambda: workspace_actions.fill_recent_menu(self))
        file_menu.addAction(self._action("&New workspace…", QKeySequence.StandardKey.New, self.new_workspace,
                                         "newWorkspaceAction"))
        file_menu.addAction(self._action("New workspace in a shared database…", None, self.new_database,
                                         "newDatabaseAction"))
        self.backup_action = self._action("Save a &copy…", "Ctrl+Shift+S", self.save_copy, "saveCopyAction")
        file_menu.addAction(self.backup_action)
        file_menu.addSeparator()
        file_menu.addAction(self._action("&Switch user…", "Ctrl+Shift+U", self.switch_user, "switchUserAction"))
        file_menu.addAction(self._action("Change my &passphrase…", None, self.change_passphrase,
                                         "changePassphraseAction"))
        file_menu.addSeparator()
        file_menu.addAction(self._action("&Quit", QKeySequence.StandardKey.Quit, self.close, "quitAction",
                                         fallback="Ctrl+Q"))  # Windows' and some themes' Quit key is empty
        team_menu = self.menuBar().addMenu("&Workspace")
        self.users_action = self._action("&Users…", None, self.show_users, "usersAction")
        self.settings_action = self._action("Force &settings…", None, self.show_settings, "settingsAction")
        team_menu.addAction(self.users_action)
        team_menu.addAction(self.settings_action)
        team_menu.addAction(self._action("Evidence &requests…", None, self.show_requests, "requestsAction"))
        team_menu.addAction(self._action("Move findings to the PEEL 2025–27 &areas…", None, self.show_area_mapping,
                                         "areaMappingAction"))
        view_menu = self.menuBar().addMenu("&View")
        for number, page in enumerate(PAGES, start=1):
            view_menu.addAction(self._action(f"&{number} {page}", f"Ctrl+{number}",
                                             lambda _=False, p=page: self.show_page(p), f"page{page}Action"))
        view_menu.addSeparator()
        view_menu.addAction(self._action("&Find findings…", QKeySequence.StandardKey.Find, self.focus_search,
                                         "findAction"))
        view_menu.addAction(self._action("&Refresh", QKeySequence.StandardKey.Refresh, self.refresh,
                                         "refreshAction"))
        help_menu = self.menuBar().addMenu("&Help")
        help_menu.addAction(self._action("&About", None, self.about, "aboutAction"))

    def _action(self, text: str, shortcut: str | QKeySequence.StandardKey | None, slot: Callable[..., object],
                name: str, fallback: str | None = None) -> QAction:
        """A menu action; a standard key the platform's theme leaves empty gets `fallback` instead."""
        action = QAction(text, self)
        action.setObjectName(name)
        if isinstance(shortcut, QKeySequence.StandardKey):
            keys = QKeySequence.keyBindings(shortcut)
            action.setShortcuts(keys if keys or fallback is None else [QKeySequence(fallback)])
        elif shortcut is not None:
            action.setShortcut(QKeySequence(shortcut))
        action.triggered.connect(slot)
        return action

    def _show_workspace(self) -> None:
        """(Re)build the pages for `self.ctx`."""
        old = self.centralWidget()
        self.navigation = named(QListWidget(), "navigation")
        self.navigation.setAccessibleName("Pages")
        self.navigation.addItems(list(PAGES))
        self.navigation.setFixedWidth(170)
        self.stack = named(QStackedWidget(), "pages")
        self.overview = OverviewPage(self.ctx)
        self.overview.attention.open_record.connect(self.open_record)
        self.findings = FindingsPage(self.ctx)
        self.register = RegisterPage(self.ctx)
        self.audits = AuditsPage(self.ctx)
        self.measures = MeasuresPage(self.ctx)
        self.packs = PacksPage(self.ctx)
        for page in (self.overview, self.findings, self.audits, self.measures, self.packs, self.register):
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
        workspace_actions.apply_permissions(self)

    @property
    def username(self) -> str:
        return self.ctx.username

    def refresh(self) -> None:
        """Read everything again (others may have changed the shared workspace)."""
        try:
            self.ctx.check_present()
        except WorkbenchError as exc:
            show_error(self, exc)
            return
        self.changes.notify(ALL_VIEWS)

    def focus_search(self) -> None:
        """Ctrl+F: the findings register's filter, ready to type in."""
        self.show_page("Findings")
        self.findings.search.setFocus()
        self.findings.search.selectAll()

    def open_record(self, entity: str, record_id: int) -> None:
        """Go to the record an item of the overview's attention list points to (an action: its
        finding, looked up in a worker)."""
        if entity == "action":
            self.ctx.background(self, "Finding the action…", lambda uow, _p: [
                a.finding_id for a in actions_service.list_actions(uow) if a.id == record_id], write=False,
                on_success=lambda found: self._open_record(*(("finding", found[0]) if found else (entity, record_id))))
            return
        self._open_record(entity, record_id)

    def _open_record(self, entity: str, record_id: int) -> None:
        if entity == "finding":
            self.show_page("Findings")
            self.findings.select_finding(record_id)
        else:  # sources, letters, planned audits and closures live on the Register page
            self.show_page("Register")

    def _threads_busy(self) -> bool:
        """Whether a worker thread is running (cheap: the garbage-collection guard asks every second)."""
        return bool(self.pool.activeThreadCount() or self.writer.activeThreadCount())

    def busy(self) -> bool:
        """Whether any background job or page read is under way, or a view is still being filled."""
        from workbench.gui.card_list import CardList
        from workbench.gui.workers import Loader, WorkerTask

        return bool(self.pool.activeThreadCount() or self.writer.activeThreadCount()
                    or any(t.running for t in self.findChildren(WorkerTask))
                    or any(lo.busy for lo in self.findChildren(Loader))
                    or any(c.pending for c in self.findChildren(CardList)))

    def wait_for_workers(self) -> None:
        """Before the views go: let the reads and writes under way finish (a log check in another
        process is ended instead: it writes nothing; a pack's rendering finishes)."""
        from workbench.gui.child_process import stop_all

        stop_all()
        self.writer.waitForDone()
        self.pool.waitForDone()

    def show_requests(self) -> None:
        """Every finding's evidence requests (services/evidence_requests.py)."""
        from workbench.gui.requests_dialog import RequestsDialog

        RequestsDialog(self.ctx, parent=self).exec()

    def show_area_mapping(self) -> None:
        """Findings of the 2023-25 areas moved to their 2025–27 areas (services/area_mapping.py)."""
        from workbench.gui.area_mapping_dialog import AreaMappingDialog

        AreaMappingDialog(self.ctx, parent=self).exec()

    def show_page(self, name: str) -> None:
        self.navigation.setCurrentRow(PAGES.index(name))

    # -- actions ---------------------------------------------------------------------------
    def import_report(self) -> None:
        ImportReportDialog(self.ctx, self).exec()

    def import_tracker(self) -> None:
        from workbench.gui.tracker_dialog import TrackerImportDialog

        TrackerImportDialog(self.ctx, self).exec()

    def open_workspace(self) -> None:
        chosen, _ = QFileDialog.getOpenFileName(self, "Open workspace", self._folder(), WORKSPACE_FILTER)
        if chosen:
            self.switch_to(lambda: Workspace.open(sqlite_location(Path(chosen))))

    def switch_user(self) -> None:
        """Sign in as someone else (or as yourself with your passphrase) on the open workspace; unsaved
        work is asked about once the sign-in succeeded (a cancelled sign-in leaves every edit as it was)."""
        dialog = SignInDialog(self.ws, self.username, self)
        if dialog.exec() == QDialog.DialogCode.Accepted.value and dialog.identity is not None:
            self.sign_in_as(dialog.identity)

    def sign_in_as(self, identity: str | Actor, action: str = "switch user") -> bool:
        """Rebuild the views for `identity` on the same workspace; keep the current user if that fails.

        The rebuild drops the views' edits, so unsaved work is asked about first (before you `action`),
        once the new sign-in is known to open: Cancel (or a refused save) keeps the views and their edits."""
        changes = ChangeBus(self)
        try:
            ctx = GuiContext.open(self.ws, identity, changes, self.pool, self.writer)
        except WorkbenchError as exc:
            changes.deleteLater()
            show_error(self, exc)
            return False
        if not unsaved.settle(self, action):
            changes.deleteLater()
            return False
        self.wait_for_workers()
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
        """Open another workspace (via `opener()`); keep the current one if that fails.

        Unsaved work is asked about first; Save saves it now, Discard drops it only once the other
        workspace is open and signed in to (a cancelled sign-in or a refused file keeps every edit)."""
        settled = unsaved.decide(self, "open another workspace")
        if settled is None:
            return False
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
            ctx = GuiContext.open(ws, identity, changes, self.pool, self.writer)
        except WorkbenchError as exc:
            ws.close()
            changes.deleteLater()
            show_error(self, exc)
            return False
        settled.finish()
        self.wait_for_workers()
        old_ws, old_changes = self.ws, self.changes
        self.ws, self.ctx, self.changes = ws, ctx, changes
        self._show_workspace()
        old_changes.deleteLater()
        old_ws.close()
        workspace_actions.remember(self)
        return True

    def open_database(self) -> None:
        workspace_actions.open_database(self)

    def new_database(self) -> None:
        workspace_actions.open_database(self, create=True)

    def save_copy(self) -> None:
        workspace_actions.save_copy(self)

    def show_users(self) -> None:
        from workbench.gui.users_dialog import UsersDialog

        UsersDialog(self.ctx, self).exec()
        workspace_actions.after_team_change(self)

    def show_settings(self) -> None:
        from workbench.gui.settings_dialog import SettingsDialog

        SettingsDialog(self.ctx, self).exec()

    def change_passphrase(self) -> None:
        workspace_actions.change_passphrase(self)

    def dragEnterEvent(self, event: object) -> None:  # noqa: N802
        workspace_actions.drag_enter(self, event)

    def dropEvent(self, event: object) -> None:  # noqa: N802
        workspace_actions.drop(self, event)

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
        self.wait_for_workers()
        self.settings.setValue("mainWindow/geometry", self.saveGeometry())
        self.findings.save_state(self.settings)
        self.settings.sync()
        self.collector.stop()
        super().closeEvent(event)
