"""Schema migrations (Alembic), applied when a workspace is opened."""

from __future__ import annotations

from importlib.resources import as_file, files
from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Connection

from workbench.errors import SchemaTooNewError


def _config(connection: Connection | None = None) -> Config:
    cfg = Config()
    with as_file(files("workbench.store") / "migrations") as path:
        cfg.set_main_option("script_location", str(Path(path)))
    cfg.attributes["connection"] = connection
    return cfg


def head_revision() -> str:
    head = ScriptDirectory.from_config(_config()).get_current_head()
    assert head is not None
    return head


def current_revision(connection: Connection) -> str | None:
    return MigrationContext.configure(connection).get_current_revision()


def check_revision(connection: Connection, label: str) -> str | None:
    """The workspace's revision; refuses one written by a newer application."""
    current = current_revision(connection)
    if current is None:
        return None
    known = {rev.revision for rev in ScriptDirectory.from_config(_config()).walk_revisions()}
    if current not in known:
        raise SchemaTooNewError(
            f"{label} was written by a newer version of the workbench (schema {current})",
            "install the newer version to open it; nothing was changed",
        )
    return current


def upgrade(connection: Connection) -> None:
    command.upgrade(_config(connection), "head")
