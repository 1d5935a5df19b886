"""Starting the desktop application."""

from __future__ import annotations

import os
import subprocess
import sys
from typing import TYPE_CHECKING

from workbench.errors import WorkbenchError
from workbench.gui.qt import QApplication, QMessageBox, QWidget
from workbench.gui.qt_binding import binding_problem
from workbench.store.location import WorkspaceLocation

if TYPE_CHECKING:
    from workbench.gui.main_window import MainWindow
    from workbench.store.uow import Actor
    from workbench.store.workspace import Workspace

_XCB_PACKAGES = (
    "libxcb-cursor0 libxcb-icccm4 libxcb-image0 libxcb-keysyms1 libxcb-randr0 libxcb-render-util0 "
    "libxcb-shape0 libxcb-xinerama0 libxcb-xkb1 libxkbcommon-x11-0"
)


def display_problem() -> str | None:
    """Why the window cannot open here, or None when it can.

    Qt aborts the whole process when its platform plugin cannot load (on Linux, usually a missing
    libxcb-* library), so the plugin is tried in a child process before this one depends on it. A
    Qt binding that would abort the window later (`gui/qt_binding`) is a reason too.
    """
    binding = binding_problem()
    if binding is not None:
        return binding
    if os.environ.get("QT_QPA_PLATFORM", "").startswith("offscreen"):
        return None
    if not sys.platform.startswith("linux"):
        return None
    if not (os.environ.get("DISPLAY") or os.environ.get("WAYLAND_DISPLAY")):
        return "no display is available here (DISPLAY and WAYLAND_DISPLAY are not set)"
    # the probe runs this program again (frozen: the executable itself; else `python -m workbench`)
    command = [sys.executable] if getattr(sys, "frozen", False) else [sys.executable, "-m", "workbench"]
    env = {**os.environ, "WORKBENCH_DISPLAY_PROBE": "1"}
    try:
        done = subprocess.run(command, capture_output=True, text=True, timeout=30, env=env)
    except (OSError, subprocess.TimeoutExpired) as exc:
        return f"the display could not be tried ({exc})"
    if done.returncode == 0:
        return None
    lines = [line.strip() for line in done.stderr.splitlines() if line.strip()]
    if any("could not connect to display" in line for line in lines):
        where = os.environ.get("DISPLAY") or os.environ.get("WAYLAND_DISPLAY")
        return f"Qt could not connect to the display {where} (is a desktop session running there?)"
    detail = next((line for line in lines if "platform plugin" in line), lines[-1] if lines else "")
    return (
        f"Qt could not open a window on this display ({detail or f'exit code {done.returncode}'}); "
        f"on Debian or Ubuntu install its libraries with: sudo apt-get install {_XCB_PACKAGES} "
        "(bash scripts/bootstrap does this when run as root)"
    )


def probe_display() -> int:
    """In the probe's child process: open Qt's platform plugin (Qt aborts this process if it cannot)."""
    QApplication(["workbench-probe"])
    return 0


def display_available() -> bool:
    return display_problem() is None


def _sign_in(ws: Workspace, username: str, parent: QWidget | None) -> str | Actor | None:
    """The sign-in dialog when it is needed (someone other than the OS login, or a passphrase to prove)."""
    from workbench.errors import UnknownUserError
    from workbench.gui.sign_in_dialog import SignInDialog, identify

    try:
        return identify(ws, username, parent)
    except UnknownUserError:  # not a user here: let them say who they are
        dialog = SignInDialog(ws, "", parent)
        return dialog.identity if dialog.exec() == dialog.DialogCode.Accepted.value else None


def _reopen_last(default: WorkspaceLocation, parent: QWidget | None) -> Workspace | None:
    """The workspace open when the app was last closed (when none was named), or None for the default.

    One that cannot be opened any more is said so, and the default workspace opens instead."""
    from workbench.gui.recent_workspaces import RecentWorkspaces
    from workbench.store.workspace import Workspace

    last = RecentWorkspaces().last()
    if last is None or (default.path is not None and last.target == str(default.path)):
        return None
    try:
        return Workspace.open(last.location())
    except WorkbenchError as exc:
        if last.kind == "postgresql":  # its password is never stored: ask for it (PGPASSWORD and .pgpass were tried)
            from workbench.gui.database_dialog import DatabaseDialog

            dialog = DatabaseDialog(parent, url=last.target, opener=Workspace.open)
            dialog.setWindowTitle("Open the last workspace again")
            dialog.create_new.setVisible(False)
            dialog.problem.setText(f"The last workspace, {last.label}, could not be opened without its password "
                                   f"({exc.message}). Type the password, or Cancel to open your default workspace.")
            if dialog.exec() == dialog.DialogCode.Accepted.value and dialog.opened is not None:
                return dialog.opened
            return None
        QMessageBox.warning(parent, "Inspection Readiness Workbench",
                            f"The last workspace, {last.label}, could not be opened again: {exc.message}\n\n"
                            "Your default workspace opens instead; open the other one with File ▸ Open recent "
                            "or File ▸ Open workspace….")
        return None


def run_gui(location: WorkspaceLocation, username: str) -> int:
    """Open the app on `location` for `username` (signing them in first when that is needed)."""
    problem = display_problem()
    if problem is not None:
        print(f"workbench: the app cannot open here: {problem}; "
              "the commands work without it (workbench --help)", file=sys.stderr)
        return 2
    from workbench.gui.start_window import StartWindow

    app = QApplication.instance() or QApplication(sys.argv[:1])
    app.setApplicationName("Inspection Readiness Workbench")
    app.setOrganizationName("inspection-readiness-workbench")
    # on screen while the main window's code loads (the default may reopen the last workspace used)
    start = StartWindow("your workspace" if location.is_default else location.label)
    start.show()
    app.processEvents()
    window: MainWindow | int | None = None
    try:
        start.load(load_window_code)
        if start.given_up:  # the person closed the start window: nothing more is opened
            return 0
        window = open_main_window(location, username, start)
        if window is not None and not isinstance(window, int):
            window.show()  # in the start window's place
    finally:
        start.finish()
    if window is None:
        return 1
    if isinstance(window, int):
        return window
    ws = window.ws
    try:
        return app.exec()
    finally:
        window.ws.close()  # the workspace open at the end (File ▸ Open may have replaced the first)
        if window.ws is not ws:
            ws.close()


def load_window_code() -> None:
    """Import what the main window runs on (in the start window's thread: seconds on a slow machine)."""
    import workbench.gui.main_window  # noqa: F401  (the pages, services, models and their libraries)
    import workbench.services.workspace  # noqa: F401


def open_main_window(location: WorkspaceLocation, username: str,
                     parent: QWidget | None = None) -> MainWindow | int | None:
    """Open the workspace, sign the person in and build the main window (not shown yet): the
    window, None when they cancelled signing in, or the exit code after an error was shown."""
    from workbench.gui.main_window import MainWindow
    from workbench.services import workspace as workspace_service
    from workbench.store.workspace import Workspace

    ws: Workspace | None = None
    try:
        ws = _reopen_last(location, parent) if location.is_default else None
        if ws is None and location.is_default and location.path is not None and not location.path.exists():
            ws = workspace_service.init_workspace(location, username)
        elif ws is None:
            ws = Workspace.open(location)
        identity = _sign_in(ws, username, parent)
        if identity is None:  # the person cancelled signing in
            ws.close()
            return None
        return MainWindow(ws, identity)
    except WorkbenchError as exc:
        if ws is not None:
            ws.close()
        QMessageBox.critical(parent, "Inspection Readiness Workbench", f"{exc.message}\n\n{exc.hint}".strip())
        return exc.exit_code
