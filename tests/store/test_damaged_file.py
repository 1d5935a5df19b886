"""A damaged SQLite file (pages overwritten, as a failing disk leaves them) is said to be damaged,
not tampered with, and is never copied as a backup; a command on it ends in that message, not a
traceback."""
from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from tests.conftest import ADMIN, ADMIN_PASS
from workbench.errors import WorkspaceError
from workbench.services import findings, log_check
from workbench.services.workspace import backup_workspace
from workbench.store.location import sqlite_location
from workbench.store.workspace import Workspace


def _damage(path: Path) -> None:
    """Overwrite the findings table's page (the schema and the users stay readable)."""
    with sqlite3.connect(path) as con:
        size = con.execute("PRAGMA page_size").fetchone()[0]
        roots = [r for (r,) in con.execute("SELECT rootpage FROM sqlite_master WHERE name IN ('findings')")]
    with open(path, "r+b") as fh:
        for page in roots:
            fh.seek((page - 1) * size)
            fh.write(b"\xa5" * size)


def test_a_damaged_workspace_is_said_to_be_damaged(sqlite_workspace: Workspace, tmp_path: Path) -> None:
    path = sqlite_workspace.location.path
    assert path is not None
    sqlite_workspace.close()
    _damage(path)
    ws = Workspace.open(sqlite_location(path))
    try:
        with pytest.raises(WorkspaceError, match="damaged"), \
                ws.unit_of_work(ADMIN, write=False, passphrase=ADMIN_PASS) as uow:
            log_check.verify_log(uow)
        with pytest.raises(WorkspaceError, match="damaged"), \
                ws.unit_of_work(ADMIN, write=False, passphrase=ADMIN_PASS) as uow:
            findings.list_findings(uow)
        out = tmp_path / "backup.sqlite"
        with pytest.raises(WorkspaceError, match="damaged"), \
                ws.unit_of_work(ADMIN, passphrase=ADMIN_PASS) as uow:
            backup_workspace(ws, uow, out)
        assert not out.exists()
    finally:
        ws.close()


def test_a_number_the_database_cannot_hold_is_an_input_error(workspace) -> None:
    """Record ids are 32-bit on PostgreSQL: a larger one from a caller is refused in words."""
    from workbench.errors import InputError, NotFoundError
    from workbench.services.audits import get_audit_row

    with pytest.raises((InputError, NotFoundError)), workspace.unit_of_work(ADMIN, passphrase=ADMIN_PASS,
                                                                             write=False) as uow:
        get_audit_row(uow, 2**31)
