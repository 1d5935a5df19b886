"""Whether an SQLite workspace file is damaged (a failed disk, a torn copy), told apart from
tampering: SQLite's own structural check, run before a check of the log's rows and on every
backup, so a damaged file is neither blamed on someone nor copied as if it were a good backup."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from typing import Any


def first_damage(execute: Callable[[str], Iterable[Sequence[Any]]]) -> str | None:
    """SQLite's first complaint about the file (``PRAGMA quick_check``), or None when it is sound.
    `execute` runs one statement and returns its rows (a sqlite3 or SQLAlchemy connection's)."""
    rows = [str(r[0]) for r in execute("PRAGMA quick_check")]
    return None if rows == ["ok"] else (rows[0] if rows else "the check returned nothing")
