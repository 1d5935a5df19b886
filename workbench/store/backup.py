"""Consistent copies of an SQLite workspace using SQLite's online backup API."""

from __future__ import annotations

import os
import sqlite3
from pathlib import Path

from workbench.errors import WorkspaceError


def backup_sqlite(source: Path, out: Path) -> Path:
    """Copy a live workspace to `out` atomically (temp file, then rename)."""
    out = out.expanduser().absolute()
    if out.exists():
        raise WorkspaceError(f"{out} already exists", "choose a new file name; backups never overwrite")
    if not out.parent.is_dir():
        raise WorkspaceError(f"folder {out.parent} does not exist", "create it first")
    tmp = out.with_name(f".{out.name}.partial")
    try:
        src = sqlite3.connect(f"file:{source}?mode=ro", uri=True)
        try:
            dst = sqlite3.connect(tmp)
            try:
                src.backup(dst)
                dst.execute("PRAGMA journal_mode=DELETE")
            finally:
                dst.close()
        finally:
            src.close()
        os.replace(tmp, out)
    except (sqlite3.Error, OSError) as exc:
        tmp.unlink(missing_ok=True)
        raise WorkspaceError(f"backup to {out} failed: {exc}") from None
    return out
