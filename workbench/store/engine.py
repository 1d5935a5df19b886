"""Engine factory: the same code path for SQLite files and PostgreSQL servers."""

from __future__ import annotations

from typing import Any

from sqlalchemy import Engine, create_engine, event

from workbench.store.location import WorkspaceLocation

#: execution option a unit of work sets when it intends to write
WRITE_INTENT = "workbench_write"
#: execution option a unit of work sets when it only reads: the database refuses any write
READ_ONLY = "workbench_read_only"
#: how long one attempt to take SQLite's write lock waits; the unit of work retries a few times
#: with backoff (store/uow.py), then says another user is writing
SQLITE_BUSY_TIMEOUT_MS = 5000


def make_engine(location: WorkspaceLocation) -> Engine:
    if location.is_sqlite:
        engine = create_engine(location.url, connect_args={"timeout": SQLITE_BUSY_TIMEOUT_MS / 1000})
        _configure_sqlite(engine)
        return engine
    engine = create_engine(location.url, pool_pre_ping=True, connect_args={"connect_timeout": 10})
    _configure_postgresql(engine)
    return engine


def _configure_postgresql(engine: Engine) -> None:
    @event.listens_for(engine, "begin")
    def _on_begin(conn: Any) -> None:
        # the first statement of the transaction: the server refuses any write in it
        if conn.get_execution_options().get(READ_ONLY, False):
            conn.exec_driver_sql("SET TRANSACTION READ ONLY")


def _configure_sqlite(engine: Engine) -> None:
    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_conn: Any, _record: Any) -> None:
        # take transaction control from pysqlite so BEGIN is ours (see "begin" below)
        dbapi_conn.isolation_level = None
        cur = dbapi_conn.cursor()
        cur.execute("PRAGMA foreign_keys=ON")
        cur.execute("PRAGMA journal_mode=WAL")
        cur.execute("PRAGMA synchronous=FULL")
        cur.execute(f"PRAGMA busy_timeout={int(SQLITE_BUSY_TIMEOUT_MS)}")
        cur.close()

    @event.listens_for(engine, "begin")
    def _on_begin(conn: Any) -> None:
        # A writer takes the write lock up front, so the change-log head it reads
        # cannot be stale by the time it appends (no forked chain, no BUSY on upgrade).
        options = conn.get_execution_options()
        immediate = options.get(WRITE_INTENT, False)
        # set on every transaction, so a pooled connection never carries it over to the next one
        conn.exec_driver_sql(f"PRAGMA query_only={1 if options.get(READ_ONLY, False) else 0}")
        conn.exec_driver_sql("BEGIN IMMEDIATE" if immediate else "BEGIN")
