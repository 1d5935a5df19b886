"""The recent workspaces list: newest first, no password ever written, readable by its owner only."""

from __future__ import annotations

import json
import stat
from pathlib import Path

from workbench.gui.recent_workspaces import RecentWorkspaces, without_password
from workbench.store.location import resolve_location, sqlite_location


def test_files_and_databases_are_kept_newest_first_without_passwords(tmp_path: Path) -> None:
    store = RecentWorkspaces(tmp_path / "conf" / "recent.json")
    assert store.entries() == [] and store.last() is None
    store.remember(sqlite_location(tmp_path / "a.sqlite"))
    store.remember(resolve_location(db="postgresql://jo.smith:s3cret-pw@db.example/workbench?password=again"))
    store.remember(sqlite_location(tmp_path / "b.sqlite"))
    store.remember(sqlite_location(tmp_path / "a.sqlite"))  # again: moves to the top, not listed twice
    entries = store.entries()
    assert [e.kind for e in entries] == ["sqlite", "sqlite", "postgresql"]
    assert entries[0].target == str(tmp_path / "a.sqlite")
    assert entries[2].target == "postgresql+psycopg://jo.smith@db.example/workbench"
    raw = store.path.read_text(encoding="utf-8")
    assert "s3cret" not in raw and "again" not in raw and "password" not in raw
    assert stat.S_IMODE(store.path.stat().st_mode) == 0o600
    assert entries[2].location("typed-now").url.password == "typed-now"  # for the connection only
    assert "typed-now" not in store.path.read_text(encoding="utf-8")


def test_a_hand_edited_list_with_a_password_is_read_without_it_and_bad_entries_dropped(tmp_path: Path) -> None:
    path = tmp_path / "recent.json"
    path.write_text(json.dumps({"workspaces": [
        {"kind": "postgresql", "target": "postgresql+psycopg://jo:pw@host/db"},
        {"kind": "ftp", "target": "x"}, {"kind": "sqlite"}, "junk"]}), encoding="utf-8")
    store = RecentWorkspaces(path)
    assert [e.target for e in store.entries()] == ["postgresql+psycopg://jo@host/db"]
    store.remember(sqlite_location(tmp_path / "c.sqlite"))
    assert ":pw@" not in path.read_text(encoding="utf-8")
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    path.write_text("not json", encoding="utf-8")
    assert store.entries() == []  # an unreadable list starts again, it never stops the app


def test_forget_and_clear(tmp_path: Path) -> None:
    store = RecentWorkspaces(tmp_path / "recent.json")
    a = store.remember(sqlite_location(tmp_path / "a.sqlite"))
    store.remember(sqlite_location(tmp_path / "b.sqlite"))
    store.forget(a)
    assert [Path(e.target).name for e in store.entries()] == ["b.sqlite"]
    store.clear()
    assert store.entries() == []


def test_without_password() -> None:
    assert without_password("postgresql+psycopg://u:p@h:5433/d?sslmode=require&password=x") == \
        "postgresql+psycopg://u@h:5433/d?sslmode=require"


def test_the_last_database_reopens_after_asking_for_its_password(qapp, tmp_path: Path, monkeypatch) -> None:
    """Its password is never stored, so when the server wants one the app asks for it (the URL typed
    in, a wrong password said in the dialog, which stays open), instead of opening the default."""
    from workbench.errors import WorkspaceError
    from workbench.gui import app, recent_workspaces
    from workbench.gui.database_dialog import DatabaseDialog
    from workbench.store.workspace import Workspace

    store = RecentWorkspaces(tmp_path / "recent.json")
    store.remember(resolve_location(db="postgresql://jo.smith@db.example/workbench"))
    monkeypatch.setattr(recent_workspaces, "RecentWorkspaces", lambda: store)
    tried: list[str | None] = []
    opened = object()

    def open_(location):
        tried.append(location.url.password)
        if location.url.password != "right":
            raise WorkspaceError("connection failed: password authentication failed for user \"jo.smith\"")
        return opened

    monkeypatch.setattr(Workspace, "open", staticmethod(open_))
    shown: list[tuple[str, str, str]] = []

    def answer(dialog: DatabaseDialog) -> int:
        shown.append((dialog.url.text(), dialog.problem.text(), dialog.windowTitle()))
        dialog.password.setText("wrong")
        dialog.try_accept()  # refused: said in place, the dialog not accepted
        assert dialog.opened is None and "password authentication failed" in dialog.problem.text()
        assert dialog.url.text() == "postgresql+psycopg://jo.smith@db.example/workbench"
        dialog.password.setText("right")
        dialog.try_accept()
        return int(dialog.result())

    monkeypatch.setattr(DatabaseDialog, "exec", answer)
    got = app._reopen_last(sqlite_location(tmp_path / "default.sqlite"), None)
    assert got is opened and tried == [None, "wrong", "right"]
    assert shown and shown[0][0] == "postgresql+psycopg://jo.smith@db.example/workbench"
    assert "could not be opened without its password" in shown[0][1]
