"""The workspaces this person opened lately (files and PostgreSQL databases), newest first.

Kept as JSON in the user's config folder (platformdirs), readable by its owner only (0600). A
database URL is stored without its password, whatever it held (in the user part or the query):
the password is asked again, or comes from the server's usual sources (PGPASSWORD, ~/.pgpass).
No Qt here: the list is plain data the File menu shows.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

import platformdirs
from sqlalchemy.engine import make_url

from workbench.files import write_bytes_atomically
from workbench.store.location import APP_NAME, WorkspaceLocation, resolve_location, without_password

KEEP = 10
PRIVATE_MODE = 0o600


def default_path() -> Path:
    return platformdirs.user_config_path(APP_NAME, appauthor=False) / "recent-workspaces.json"


@dataclass(frozen=True)
class RecentWorkspace:
    kind: str  # "sqlite" | "postgresql"
    target: str  # the file's absolute path, or the database URL without any password

    @property
    def label(self) -> str:
        return self.target

    def location(self, password: str | None = None) -> WorkspaceLocation:
        """Where to open it (with `password` for a database, used for this connection only)."""
        if self.kind == "sqlite":
            return resolve_location(workspace=self.target)
        url = make_url(self.target)
        if password:
            url = url.set(password=password)
        return resolve_location(db=url.render_as_string(hide_password=False))


def entry_for(location: WorkspaceLocation) -> RecentWorkspace:
    if location.path is not None:
        return RecentWorkspace("sqlite", str(location.path))
    return RecentWorkspace("postgresql", without_password(location.url.render_as_string(hide_password=False)))


class RecentWorkspaces:
    """The list in one file; every change is written at once (atomically, 0600)."""

    def __init__(self, path: Path | None = None) -> None:
        self.path = path if path is not None else default_path()

    def entries(self) -> list[RecentWorkspace]:
        try:
            data = json.loads(self.path.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return []  # none yet, or unreadable: start again rather than fail to start
        out: list[RecentWorkspace] = []
        for item in data.get("workspaces", []) if isinstance(data, dict) else []:
            if isinstance(item, dict) and item.get("kind") in ("sqlite", "postgresql") and isinstance(
                    item.get("target"), str) and item["target"]:
                target = item["target"] if item["kind"] == "sqlite" else _safe(item["target"])
                if target:
                    out.append(RecentWorkspace(item["kind"], target))
        return out[:KEEP]

    def last(self) -> RecentWorkspace | None:
        entries = self.entries()
        return entries[0] if entries else None

    def remember(self, location: WorkspaceLocation) -> RecentWorkspace:
        entry = entry_for(location)
        self._write([entry, *[e for e in self.entries() if e != entry]][:KEEP])
        return entry

    def forget(self, entry: RecentWorkspace) -> None:
        self._write([e for e in self.entries() if e != entry])

    def clear(self) -> None:
        self._write([])

    def _write(self, entries: list[RecentWorkspace]) -> None:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        body = {"workspaces": [{"kind": e.kind, "target": e.target} for e in entries]}
        write_bytes_atomically(self.path, json.dumps(body, indent=2).encode("utf-8"), mode=PRIVATE_MODE)


def _safe(url: str) -> str:
    """A stored URL, passwords stripped again (a hand-edited file must not make the app keep one)."""
    try:
        return without_password(url)
    except Exception:  # noqa: BLE001 - an unreadable entry is dropped
        return ""
