"""What the main window's File and Workspace menus do: recent workspaces, shared databases, saving a
copy, changing one's passphrase, dropping a workspace file on the window, and which actions the
signed-in person may use (asked of the services, the reason shown as the action's tooltip)."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

from workbench.errors import WorkbenchError
from workbench.gui.messages import show_error, show_info
from workbench.gui.qt import QDialog, QFileDialog
from workbench.gui.recent_workspaces import RecentWorkspace
from workbench.services import users
from workbench.services import workspace as workspace_service
from workbench.store.location import SQLITE_MAGIC, WorkspaceLocation, sqlite_location
from workbench.store.workspace import Workspace

if TYPE_CHECKING:
    from workbench.gui.main_window import MainWindow


def apply_permissions(window: MainWindow) -> None:
    """Enable each action the services allow; a refused one says why in its tooltip."""
    ctx = window.ctx
    for action, decision in (
        (window.import_action, ctx.allowed("findings.edit")),
        (window.backup_action, workspace_service.backup_decision(ctx.ws, ctx.actor)),
    ):
        action.setEnabled(decision.ok)
        action.setToolTip(decision.reason or action.text().replace("&", "").rstrip("…"))
    manage, edit = ctx.allowed("users.manage"), ctx.allowed("settings.edit")
    window.users_action.setToolTip("Add users, change roles, reset passphrases, deactivate" if manage
                                   else f"See who is in this workspace. {manage.reason}")
    window.settings_action.setToolTip("Change the force settings" if edit
                                      else f"See the force settings. {edit.reason}")
    for menu in window.menuBar().findChildren(type(window.recent_menu)):
        menu.setToolTipsVisible(True)


# -- recent workspaces ---------------------------------------------------------------------------
def remember(window: MainWindow) -> None:
    try:
        window.recent.remember(window.ws.location)
    except OSError as exc:  # the list is a convenience: never stop the work for it
        window.statusBar().showMessage(f"Could not update the recent workspaces list: {exc.strerror}", 8000)


def fill_recent_menu(window: MainWindow) -> None:
    menu = window.recent_menu
    menu.clear()
    entries = window.recent.entries()
    for number, entry in enumerate(entries, start=1):
        action = menu.addAction(f"&{number % 10} {entry.label}" if number <= 10 else entry.label)
        action.setObjectName(f"recent{number}")
        action.setToolTip("A shared database: you are asked for its password" if entry.kind == "postgresql"
                          else entry.label)
        action.triggered.connect(lambda _=False, e=entry: open_recent(window, e))
    if not entries:
        menu.addAction("No recent workspaces").setEnabled(False)
    menu.addSeparator()
    clear = menu.addAction("Clear the list")
    clear.setObjectName("clearRecent")
    clear.setEnabled(bool(entries))
    clear.triggered.connect(window.recent.clear)


def open_recent(window: MainWindow, entry: RecentWorkspace) -> bool:
    if entry.kind == "postgresql":
        return open_database(window, url=entry.target)
    path = Path(entry.target)
    if not path.is_file():
        window.recent.forget(entry)
        show_error(window, WorkbenchError(f"there is no workspace at {path} any more (moved or deleted)",
                                          "it was taken off the recent list; open it where it is now with "
                                          "File > Open workspace"))
        return False
    return window.switch_to(lambda: Workspace.open(sqlite_location(path)))


# -- shared databases ----------------------------------------------------------------------------
def open_database(window: MainWindow, create: bool = False, url: str = "") -> bool:
    """Open (or with `create`, make) a workspace on a PostgreSQL database; the password is not kept."""
    from workbench.gui.database_dialog import DatabaseDialog

    dialog = DatabaseDialog(window, url=url, create=create, opener=Workspace.open)
    if create:
        dialog.setWindowTitle("New workspace in a shared database")
    if dialog.exec() != QDialog.DialogCode.Accepted.value or dialog.location is None:
        return False
    location: WorkspaceLocation = dialog.location
    if dialog.create_workspace:
        admin = location.url.username or window.username
        name = window.ctx.user.display_name if admin == window.username else ""
        return window.switch_to(lambda: workspace_service.init_workspace(location, admin, name))
    opened = dialog.opened  # opened by the dialog, so a wrong password was said there
    switched = window.switch_to(lambda: opened if opened is not None else Workspace.open(location))
    if not switched and opened is not None and window.ctx.ws is not opened:
        opened.close()  # the switch was cancelled (unsaved work kept, or the sign-in cancelled)
    return switched


# -- saving a copy -------------------------------------------------------------------------------
def save_copy(window: MainWindow) -> None:
    ctx = window.ctx
    decision = workspace_service.backup_decision(ctx.ws, ctx.actor)
    if not decision:
        show_error(window, WorkbenchError(decision.reason))
        return
    source = ctx.ws.location.path
    assert source is not None
    suggested = source.with_name(f"{source.stem}-copy.sqlite")
    chosen, _ = QFileDialog.getSaveFileName(window, "Save a copy of the workspace", str(suggested),
                                            "Workbench workspaces (*.sqlite)")
    if not chosen:
        return
    out = Path(chosen) if chosen.endswith(".sqlite") else Path(chosen + ".sqlite")
    written = ctx.write(window, lambda uow: workspace_service.backup_workspace(ctx.ws, uow, out))
    if written is not None:
        show_info(window, "Copy saved", f"A copy of the workspace was saved to {written}.",
                  "Only you can read it (mode 0600): it holds the signing keys and the pseudonymisation key. "
                  "The workspace you are working in stays open.")


# -- one's own passphrase ------------------------------------------------------------------------
def change_passphrase(window: MainWindow) -> None:
    from workbench.gui.users_dialog import ChangePassphraseDialog

    dialog = ChangePassphraseDialog(window.ctx, window)
    if dialog.exec() == QDialog.DialogCode.Accepted.value:
        keys = dialog.resealed
        show_info(window, "Passphrase changed", "Your passphrase was changed.",
                  f"{keys} signing key{'s were' if keys != 1 else ' was'} re-encrypted under it." if keys else "")


def after_team_change(window: MainWindow) -> None:
    """If the admin changed their own role or name, show the window as they are now."""
    ctx = window.ctx
    try:
        me = next((u for u in ctx.read(users.list_users) if u.username == ctx.username), None)
    except WorkbenchError as exc:
        show_error(window, exc)
        return
    if me is None or (me.role, me.display_name) == (ctx.user.role, ctx.user.display_name):
        return
    # the rebuild drops the views' edits: sign_in_as asks about unsaved work first
    new_role = me.role != ctx.user.role
    if not window.sign_in_as(ctx.actor, f"see the window with your new role ({me.role})" if new_role
                             else "see the window with your new name"):
        window.statusBar().showMessage(
            (f"Your role is now {me.role}, and the workspace already applies it" if new_role
             else f"Your name is now {me.display_name}") + "; the window shows it after File > Switch user. "
            "Your unsaved edits were kept.", 15000)


# -- a workspace file dropped on the window ------------------------------------------------------
def _dropped_workspace(event: Any) -> Path | None:
    urls = event.mimeData().urls() if event.mimeData() is not None and event.mimeData().hasUrls() else []
    if len(urls) != 1 or not urls[0].isLocalFile():
        return None
    path = Path(urls[0].toLocalFile())
    try:
        with path.open("rb") as fh:
            return path if path.is_file() and fh.read(len(SQLITE_MAGIC)) == SQLITE_MAGIC else None
    except OSError:
        return None


def drag_enter(window: MainWindow, event: Any) -> None:
    if _dropped_workspace(event) is not None:
        event.acceptProposedAction()
    else:
        event.ignore()


def drop(window: MainWindow, event: Any) -> None:
    path = _dropped_workspace(event)
    if path is None:
        event.ignore()
        return
    event.acceptProposedAction()
    if window.ws.location.path != path.absolute():
        window.switch_to(lambda: Workspace.open(sqlite_location(path)))
