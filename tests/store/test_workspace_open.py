"""Opening workspaces: bad paths, foreign files and newer schemas are refused untouched."""

from __future__ import annotations

import hashlib
import sqlite3
from pathlib import Path

import pytest

from workbench.errors import SchemaTooNewError, WorkspaceError
from workbench.services.workspace import init_workspace
from workbench.store import migrate
from workbench.store.location import resolve_location, sqlite_location
from workbench.store.workspace import Workspace


def _digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def test_missing_workspace_is_not_created(tmp_path: Path) -> None:
    path = tmp_path / "missing.sqlite"
    with pytest.raises(WorkspaceError, match="no workspace at"):
        Workspace.open(sqlite_location(path))
    assert not path.exists()


def test_foreign_files_are_refused_unchanged(tmp_path: Path) -> None:
    text = tmp_path / "notes.sqlite"
    text.write_text("not a database")
    other = tmp_path / "other.sqlite"
    con = sqlite3.connect(other)
    con.execute("create table t (x)")
    con.commit()
    con.close()
    before = {p: _digest(p) for p in (text, other)}
    with pytest.raises(WorkspaceError, match="not an SQLite database"):
        Workspace.open(sqlite_location(text))
    with pytest.raises(WorkspaceError, match="not a workbench workspace"):
        Workspace.open(sqlite_location(other))
    assert {p: _digest(p) for p in (text, other)} == before


def test_newer_schema_is_refused_and_left_unchanged(tmp_path: Path) -> None:
    path = tmp_path / "w.sqlite"
    init_workspace(sqlite_location(path), "admin.user").close()
    con = sqlite3.connect(path)
    con.execute("update alembic_version set version_num='9999_future'")
    con.commit()
    con.close()
    before = _digest(path)
    with pytest.raises(WorkspaceError, match="newer version"):
        Workspace.open(sqlite_location(path))
    assert _digest(path) == before


def test_newer_schema_on_postgresql_is_refused(pg_url: str) -> None:
    loc = resolve_location(db=pg_url)
    init_workspace(loc, "admin.user").close()
    ws = Workspace(loc, __import__("workbench.store.engine", fromlist=["x"]).make_engine(loc))
    with ws.engine.begin() as conn:
        conn.exec_driver_sql("update alembic_version set version_num='9999_future'")
    ws.close()
    with pytest.raises(SchemaTooNewError):
        Workspace.open(loc)


def test_create_refuses_existing_file_and_missing_folder(tmp_path: Path) -> None:
    existing = tmp_path / "w.sqlite"
    existing.write_bytes(b"x")
    with pytest.raises(WorkspaceError, match="already exists"):
        Workspace.create(sqlite_location(existing))
    assert existing.read_bytes() == b"x"
    with pytest.raises(WorkspaceError, match="does not exist"):
        Workspace.create(sqlite_location(tmp_path / "nope" / "w.sqlite"))
    assert not (tmp_path / "nope").exists()


def test_older_schema_is_backed_up_before_migrating(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = tmp_path / "w.sqlite"
    init_workspace(sqlite_location(path), "admin.user").close()
    upgraded: list[bool] = []
    monkeypatch.setattr(migrate, "head_revision", lambda: "0002_next")
    monkeypatch.setattr(migrate, "upgrade", lambda conn: upgraded.append(True))
    ws = Workspace.open(sqlite_location(path))
    try:
        assert upgraded == [True]
        assert ws.migration_backup is not None and ws.migration_backup.exists()
        con = sqlite3.connect(ws.migration_backup)
        assert con.execute("select username from users").fetchall() == [("admin.user",)]
        con.close()
    finally:
        ws.close()


@pytest.mark.parametrize("url, message", [
    ("foo://x", "not supported"),
    ("not a url", "not a database URL"),
    ("sqlite://", "must name a file"),
])
def test_bad_urls_are_explained(url: str, message: str) -> None:
    with pytest.raises(WorkspaceError, match=message):
        resolve_location(db=url)


def test_unreachable_server_is_explained() -> None:
    with pytest.raises(WorkspaceError, match="cannot open database"):
        Workspace.open(resolve_location(db="postgresql+psycopg://nobody@127.0.0.1:1/none"))


def test_a_server_location_is_shown_without_its_password_even_in_the_query() -> None:
    from workbench.store.location import WorkspaceLocation, resolve_location

    loc = resolve_location(db="postgresql://alice:s3cret@db.example/wb?password=other&sslmode=require")
    assert "s3cret" not in loc.label and "other" not in loc.label and "***" not in loc.label
    assert "alice@db.example/wb" in loc.label and "sslmode=require" in loc.label
    assert loc.url.password == "s3cret"  # the connection still has it
    with pytest.raises(ValueError):
        WorkspaceLocation(path=None)
