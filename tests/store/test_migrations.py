"""Migrations: an empty database upgrades to head and matches the models exactly."""

from __future__ import annotations

from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import inspect, select

from workbench.store import migrate
from workbench.store.models import Base, ChangeLogHead
from workbench.store.workspace import Workspace


def test_empty_database_upgrades_to_head_without_drift(location) -> None:
    ws = Workspace.create(location)
    try:
        with ws.engine.connect() as conn:
            assert migrate.current_revision(conn) == migrate.head_revision()
            diff = compare_metadata(MigrationContext.configure(conn, opts={"compare_type": True}), Base.metadata)
            assert diff == [], f"models and migrations differ: {diff}"
            tables = set(inspect(conn).get_table_names())
        assert set(Base.metadata.tables) <= tables
        with ws.unit_of_work(None, write=False) as uow:
            head = uow.session.scalar(select(ChangeLogHead))
            assert head is not None and head.seq == 0 and head.hash == "0" * 64
    finally:
        ws.close()


def test_sqlite_workspace_uses_wal_foreign_keys_and_full_sync(tmp_path) -> None:
    from workbench.store.location import sqlite_location

    ws = Workspace.create(sqlite_location(tmp_path / "w.sqlite"))
    try:
        with ws.engine.connect() as conn:
            assert conn.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
            assert conn.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1
            assert conn.exec_driver_sql("PRAGMA synchronous").scalar() == 2  # FULL
    finally:
        ws.close()
