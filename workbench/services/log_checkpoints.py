"""Where this computer last found each workspace's change log intact, so a view checks only what came since.

The Overview checks the log when it is first shown and after every change. Walking a large log
from entry 1 costs seconds (every entry's hash is computed again); walking what was appended
since the last check costs milliseconds. So each check that holds is remembered here: the entry
it reached and that entry's hash, with the outcome of the last full check (chain and data). The
next check confirms that entry still has that hash and walks on from it (`log_check.verify_log_since`).

Kept on this computer, not in the workspace, so editing the workspace's database does not move it:
every full check compares the log with it as with an anchor (a log rewritten from before that entry,
hashes and all, no longer holds it). Anyone who can write the user's own files can still change it:
it is a convenience, not proof (anchors kept apart and `workbench log verify` are). It is keyed by
the workspace's location (a database URL without any password) and remembers the hash of entry 1,
which tells another log at the same place. JSON in the user's state folder (platformdirs), 0600
where the system has such modes; a missing or unreadable file means "never checked here" and the
next check is a full one, and a file that cannot be written leaves the checks as they were.
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any, TypeGuard

import platformdirs

from workbench.errors import WorkbenchError
from workbench.files import write_bytes_atomically
from workbench.store.changelog import GENESIS
from workbench.store.location import APP_NAME, WorkspaceLocation, without_password

#: workspaces remembered; the oldest checked is forgotten first
KEEP = 50


def default_path() -> Path:
    return platformdirs.user_state_path(APP_NAME, appauthor=False) / "log-checkpoints.json"


@dataclass(frozen=True)
class FullCheck:
    """What the last full check (every link, every anchor, every row against the log) found."""

    at: str  # ISO time (UTC)
    entries: int
    rows_checked: int
    unvouched_rows: int = 0
    #: rows found changed outside the application (0: the data matched the log)
    data_problems: int = 0
    first_problem: str = ""
    #: what broke the chain ("" when it held); until a full check holds again, this is the finding
    chain_problem: str = ""


@dataclass(frozen=True)
class LastCheck:
    """The entry the last check that held reached on this computer, and the last full check."""

    first: str  # hash of entry 1: which workspace this is
    seq: int
    hash: str
    full: FullCheck | None = None


def key_of(location: WorkspaceLocation) -> str:
    if location.path is not None:
        return str(location.path)
    return without_password(location.url.render_as_string(hide_password=False))


class LogCheckpoints:
    """The record in one file; read and written whole."""

    def __init__(self, path: Path | None = None) -> None:
        self.path = path if path is not None else default_path()

    def get(self, location: WorkspaceLocation, first: str) -> LastCheck | None:
        """The last check of this workspace here, or None (never checked, or another log now)."""
        found = self.recorded(location)
        return found if found is not None and found.first == first else None

    def recorded(self, location: WorkspaceLocation) -> LastCheck | None:
        """The last check recorded for this location, whichever log it was of."""
        return self._read().get(key_of(location))

    def remember(self, location: WorkspaceLocation, check: LastCheck) -> bool:
        """Record `check` (False when the file cannot be written: the next check starts as this one did)."""
        records = self._read()
        records.pop(key_of(location), None)
        records[key_of(location)] = check  # newest last
        kept = dict(list(records.items())[-KEEP:])
        data = {"version": 1, "workspaces": {k: asdict(v) for k, v in kept.items()}}
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
            write_bytes_atomically(self.path, json.dumps(data, indent=1).encode("utf-8"))
        except (OSError, WorkbenchError):
            return False
        return True

    def _read(self) -> dict[str, LastCheck]:
        try:
            data = json.loads(self.path.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return {}  # none yet, or unreadable: checked in full again rather than trusted
        found = data.get("workspaces") if isinstance(data, dict) else None
        out: dict[str, LastCheck] = {}
        for key, item in (found.items() if isinstance(found, dict) else ()):
            check = _parse(item)
            if isinstance(key, str) and check is not None:
                out[key] = check
        return out


def _parse(item: Any) -> LastCheck | None:
    if not isinstance(item, dict):
        return None
    first, seq, hash_, full = item.get("first"), item.get("seq"), item.get("hash"), item.get("full")
    if not (_is_hash(first) and _is_hash(hash_) and type(seq) is int and seq >= 0):
        return None
    if seq == 0 and hash_ != GENESIS:
        return None
    parsed_full = None
    if isinstance(full, dict):
        try:
            parsed_full = FullCheck(**full)
        except TypeError:
            parsed_full = None
        if parsed_full is not None and not (
                isinstance(parsed_full.at, str) and all(type(getattr(parsed_full, n)) is int for n in (
                    "entries", "rows_checked", "unvouched_rows", "data_problems"))
                and isinstance(parsed_full.first_problem, str) and isinstance(parsed_full.chain_problem, str)):
            parsed_full = None
    return LastCheck(first, seq, hash_, parsed_full)


def _is_hash(value: Any) -> TypeGuard[str]:
    return isinstance(value, str) and len(value) == 64 and all(c in "0123456789abcdef" for c in value)
