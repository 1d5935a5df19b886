"""Starting the desktop application."""

from __future__ import annotations

import os
import sys

from workbench.errors import WorkbenchError
from workbench.gui.qt import QApplication, QMessageBox
from workbench.store.location import WorkspaceLocation


def display_available() -> bool:
    if os.environ.get("QT_QPA_PLATFORM", "").startswith("offscreen"):
        return True
    if sys.platform.startswith("linux"):
        return bool(os.environ.get("DISPLAY") or os.environ.get("WAYLAND_DISPLAY"))
    return True


def _sign_in(ws: object, username: str) -> object:
    """The sign-in dialog when it is needed (someone other than the OS login, or a passphrase to prove)."""
    from workbench.errors import UnknownUserError
    from workbench.gui.sign_in_dialog import SignInDialog, identify

    try:
        return identify(ws, username)  # type: ignore[arg-type]
    except UnknownUserError:  # not a user here: let them say who they are
        dialog = SignInDialog(ws, "")  # type: ignore[arg-type]
        return dialog.identity if dialog.exec() == dialog.DialogCode.Accepted.value else None


def run_gui(location: WorkspaceLocation, username: str) -> int:
    """Open the app on `location` for `username` (signing them in first when that is needed)."""
    if not display_available():
        print("workbench: no display available, so the app cannot open here; "
              "use the commands (workbench --help)", file=sys.stderr)
        return 2
    from workbench.gui.main_window import MainWindow
    from workbench.services import workspace as workspace_service
    from workbench.store.workspace import Workspace

    app = QApplication.instance() or QApplication(sys.argv[:1])
    app.setApplicationName("Inspection Readiness Workbench")
    app.setOrganizationName("inspection-readiness-workbench")
    ws = None
    try:
        if location.is_default and location.path is not None and not location.path.exists():
            ws = workspace_service.init_workspace(location, username)
        else:
            ws = Workspace.open(location)
        identity = _sign_in(ws, username)
        if identity is None:  # the person cancelled signing in
            ws.close()
            return 1
        window = MainWindow(ws, identity)
    except WorkbenchError as exc:
        if ws is not None:
            ws.close()
        QMessageBox.critical(None, "Inspection Readiness Workbench", f"{exc.message}\n\n{exc.hint}".strip())
        return exc.exit_code
    window.show()
    try:
        return app.exec()
    finally:
        window.ws.close()  # the workspace open at the end (File ▸ Open may have replaced the first)
        if window.ws is not ws:
            ws.close()
