"""Consistent copies of an SQLite workspace using SQLite's online backup API.

A workspace holds signing key stores and the pseudonymisation key, so every file the store
creates (the workspace itself, backups, migration backups and their temporary copies) is made
readable by its owner only (mode 0600) from the moment it exists.
"""

from __future__ import annotations

import os
import sqlite3
from pathlib import Path

from workbench.errors import WorkspaceError
from workbench.files import FileWriteError, atomic_output
from workbench.store.damage import first_damage

PRIVATE_MODE = 0o600


def create_private_file(path: Path) -> None:
    """Create an empty file only its owner can read or write; refuses an existing one."""
    try:
        fd = os.open(path, os.O_CREAT | os.O_EXCL | os.O_WRONLY, PRIVATE_MODE)
    except FileExistsError:
        raise WorkspaceError(f"{path} already exists", "choose a new file name") from None
    except OSError as exc:
        raise WorkspaceError(f"cannot create {path}: {exc.strerror}") from None
    try:
        os.fchmod(fd, PRIVATE_MODE)  # whatever the umask
    finally:
        os.close(fd)


def backup_sqlite(source: Path, out: Path) -> Path:
    """Copy a live workspace to `out` atomically (private temp file, then rename)."""
    out = out.expanduser().absolute()
    if out.exists():
        raise WorkspaceError(f"{out} already exists", "choose a new file name; backups never overwrite")
    if not out.parent.is_dir():
        raise WorkspaceError(f"folder {out.parent} does not exist", "create it first")
    try:
        # the partial copy lives in a private (0700) folder next to `out` and is removed on any
        # failure; a kill leaves it for the next writer into that folder to sweep (workbench.files)
        with atomic_output(out) as tmp:
            create_private_file(tmp)
            src = sqlite3.connect(f"file:{source}?mode=ro", uri=True)
            try:
                dst = sqlite3.connect(tmp)
                try:
                    src.backup(dst)
                    damage = first_damage(lambda sql: dst.execute(sql).fetchall())
                    if damage is not None:  # a copy of a damaged file is no backup
                        raise WorkspaceError(
                            f"the workspace {source} is damaged ({damage}), so no backup was written",
                            "keep your last good backup and restore from it; keep the damaged file for your "
                            "IT support")
                    dst.execute("PRAGMA journal_mode=DELETE")
                finally:
                    dst.close()
            finally:
                src.close()
    except sqlite3.Error as exc:
        raise WorkspaceError(f"backup to {out} failed: {exc}; nothing was written",
                             "check the source workspace opens, and that the folder has space") from None
    except FileWriteError as exc:
        raise WorkspaceError(f"backup to {out} failed: {exc.message}", exc.hint) from None
    return out
