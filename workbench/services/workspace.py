"""Creating, opening and backing up workspaces; checking the change log."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from sqlalchemy import func, select

from workbench.errors import WorkspaceError
from workbench.services import templates, users
from workbench.services.access import Decision, allowed, require
from workbench.services.log_check import LogReport, verify_log  # noqa: F401  (checking the log lives there)
from workbench.store.backup import backup_sqlite
from workbench.store.location import WorkspaceLocation
from workbench.store.models import ChangeLogEntry
from workbench.store.uow import Actor, UnitOfWork, writes
from workbench.store.workspace import Workspace


def init_workspace(location: WorkspaceLocation, admin: str, display_name: str = "",
                   passphrase: str | None = None) -> Workspace:
    """Create a workspace whose first user, `admin`, is its administrator (with `passphrase` if given).

    An admin without a passphrase can act only as their own OS login and, once a second user
    exists, cannot do admin actions until they set one (workbench users passphrase).
    """
    if location.is_default and location.path is not None:
        location.path.parent.mkdir(parents=True, exist_ok=True)
    ws = Workspace.create(location)
    try:
        with ws.unit_of_work(None) as uow:
            uow.log("workspace", location.label, "create", None, {"admin": admin})
            users.create_first_admin(uow, admin, display_name, passphrase)
            templates.sync_builtins(uow)  # so that reading the templates never has to store them
    except BaseException:
        ws.close()
        if location.path is not None:
            for suffix in ("", "-wal", "-shm"):
                Path(f"{location.path}{suffix}").unlink(missing_ok=True)
        raise
    return ws


def open_workspace(location: WorkspaceLocation) -> Workspace:
    return Workspace.open(location)


def _check_backup_possible(ws: Workspace) -> None:
    if ws.location.path is None:
        raise WorkspaceError(
            "backup copies SQLite workspaces; this one is on a database server",
            "back it up with the server's own tools (pg_dump)",
        )


def backup_decision(ws: Workspace, actor: Actor | None) -> Decision:
    """Whether `actor` may save a copy of `ws` now, and why not (the same checks as backup_workspace)."""
    decision = allowed(actor, "workspace.backup")
    if decision:
        try:
            _check_backup_possible(ws)
        except WorkspaceError as exc:
            return Decision.refused(exc)
    return decision


@writes
def backup_workspace(ws: Workspace, uow: UnitOfWork, out: Path) -> Path:
    """Consistent copy of an SQLite workspace (the live file may be in use), readable by its owner only.

    An admin action (with a proven identity): a backup holds everything, key stores included.
    """
    require(uow.actor, "workspace.backup")
    _check_backup_possible(ws)
    assert ws.location.path is not None
    written = backup_sqlite(ws.location.path, out)
    uow.log("workspace", ws.location.label, "backup", None, {"to": str(written)})
    return written


@dataclass(frozen=True)
class ChangeSummary:
    seq: int
    at: datetime
    actor: str
    entity: str
    entity_id: str
    action: str


def recent_changes(uow: UnitOfWork, limit: int = 50) -> list[ChangeSummary]:
    require(uow.actor, "read")
    rows = uow.session.scalars(select(ChangeLogEntry).order_by(ChangeLogEntry.seq.desc()).limit(limit))
    return [ChangeSummary(e.seq, e.at, e.actor, e.entity, e.entity_id, e.action) for e in rows]


def change_count(uow: UnitOfWork) -> int:
    return uow.session.scalar(select(func.count()).select_from(ChangeLogEntry)) or 0
