"""Where a workspace lives: an SQLite file (default) or any SQLAlchemy URL."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

import platformdirs

from workbench.errors import WorkspaceError

if TYPE_CHECKING:  # SQLAlchemy is loaded when a URL is needed: the app's first window comes before it
    from sqlalchemy.engine import URL

APP_NAME = "inspection-readiness-workbench"
SQLITE_MAGIC = b"SQLite format 3\x00"


@dataclass(frozen=True)
class WorkspaceLocation:
    path: Path | None  # the SQLite file, None for a server database
    is_default: bool = False
    server: URL | None = None  # a server database's URL

    def __post_init__(self) -> None:
        if (self.path is None) == (self.server is None):
            raise ValueError("a workspace location is either an SQLite file or a server URL")

    @property
    def url(self) -> URL:
        if self.server is not None:
            return self.server
        from sqlalchemy.engine import URL

        return URL.create("sqlite+pysqlite", database=str(self.path))

    @property
    def is_sqlite(self) -> bool:
        return self.path is not None

    @property
    def label(self) -> str:
        """What a person is shown: the file, or the URL with no password (not even masked, nor in the query)."""
        return str(self.path) if self.path else without_password(self.url.render_as_string(hide_password=False))


def default_workspace_path() -> Path:
    return platformdirs.user_data_path(APP_NAME, appauthor=False) / "workspace.sqlite"


def resolve_location(workspace: str | Path | None = None, db: str | None = None) -> WorkspaceLocation:
    """From the user's `--workspace PATH` or `--db URL` (never both) to a location."""
    if workspace is not None and db is not None:
        raise WorkspaceError("give either --workspace PATH or --db URL, not both")
    if db is not None:
        from sqlalchemy.engine import make_url
        from sqlalchemy.exc import ArgumentError

        try:
            url = make_url(db)
        except ArgumentError:
            raise WorkspaceError(
                f"'{db}' is not a database URL",
                "use e.g. postgresql+psycopg://user@host/dbname or --workspace PATH for a file",
            ) from None
        if url.get_backend_name() == "sqlite":
            if not url.database or url.database == ":memory:":
                raise WorkspaceError("an SQLite URL must name a file", "use --workspace PATH")
            return sqlite_location(Path(url.database))
        if url.get_backend_name() != "postgresql":
            raise WorkspaceError(
                f"database '{url.get_backend_name()}' is not supported",
                "use SQLite (--workspace PATH) or PostgreSQL (postgresql+psycopg://…)",
            )
        if url.drivername == "postgresql":
            url = url.set(drivername="postgresql+psycopg")
        return WorkspaceLocation(path=None, server=url)
    if workspace is None:
        return sqlite_location(default_workspace_path(), is_default=True)
    return sqlite_location(Path(workspace))


def sqlite_location(path: Path, is_default: bool = False) -> WorkspaceLocation:
    path = path.expanduser().absolute()
    return WorkspaceLocation(path=path, is_default=is_default)


def check_sqlite_file(path: Path, must_exist: bool) -> None:
    """Refuse, before touching anything, a path that cannot be a workspace."""
    if must_exist:
        if not path.exists():
            raise WorkspaceError(
                f"no workspace at {path}", f"create one with: workbench init --workspace {path}"
            )
        if path.is_dir():
            raise WorkspaceError(f"{path} is a folder, not a workspace file", "name the .sqlite file")
        try:
            with path.open("rb") as fh:
                head = fh.read(len(SQLITE_MAGIC))
        except OSError as exc:
            raise WorkspaceError(f"cannot read workspace {path}: {exc.strerror}") from None
        if head != SQLITE_MAGIC:
            raise WorkspaceError(
                f"{path} is not a workbench workspace (not an SQLite database)",
                "check the path; workspaces are created with workbench init",
            )
        if not _writable(path):
            raise WorkspaceError(f"workspace {path} is not writable", "check the file's permissions")
    else:
        if path.exists():
            raise WorkspaceError(
                f"{path} already exists", "open it with --workspace, or choose a new file name"
            )
        parent = path.parent
        if not parent.is_dir():
            raise WorkspaceError(f"folder {parent} does not exist", "create the folder first or choose another path")
        if not _writable(parent):
            raise WorkspaceError(f"folder {parent} is not writable", "choose a folder you can write to")


def _writable(path: Path) -> bool:
    import os

    return os.access(path, os.W_OK)


#: query keys that carry a secret in a database URL
_SECRET_QUERY_KEYS = frozenset({"password", "passfile", "sslpassword"})


def without_password(url: str) -> str:
    """The URL with its password removed (from the user part and the query)."""
    from sqlalchemy.engine import URL, make_url

    parsed = make_url(url)
    query = {k: v for k, v in parsed.query.items() if k.lower() not in _SECRET_QUERY_KEYS}
    # URL.set(password=None) would keep it ("None: unchanged"): build the URL again without it
    bare = URL.create(parsed.drivername, username=parsed.username, host=parsed.host, port=parsed.port,
                      database=parsed.database, query=query)
    return bare.render_as_string(hide_password=False)
