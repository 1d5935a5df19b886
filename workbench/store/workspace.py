"""Opening, creating and migrating a workspace; handing out units of work."""

from __future__ import annotations

import contextlib
import sqlite3
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

from sqlalchemy import Engine, inspect, select
from sqlalchemy.exc import DBAPIError, OperationalError
from sqlalchemy.orm import sessionmaker
from sqlalchemy.orm.exc import StaleDataError

from workbench.errors import ConflictError, UnknownUserError, WorkspaceError
from workbench.store import migrate
from workbench.store.backup import backup_sqlite
from workbench.store.engine import WRITE_INTENT, make_engine
from workbench.store.location import WorkspaceLocation, check_sqlite_file
from workbench.store.models import User
from workbench.store.uow import Actor, UnitOfWork


class Workspace:
    """An open workspace. Create with `Workspace.open` or `Workspace.create`."""

    def __init__(self, location: WorkspaceLocation, engine: Engine) -> None:
        self.location = location
        self.engine = engine
        self._sessions = sessionmaker(engine, expire_on_commit=False)
        #: path of the automatic backup taken before a migration, if one was
        self.migration_backup: Path | None = None

    # -- opening -------------------------------------------------------------------------
    @classmethod
    def open(cls, location: WorkspaceLocation) -> Workspace:
        if location.path is not None:
            check_sqlite_file(location.path, must_exist=True)
            _precheck_sqlite(location.path)
        ws = cls(location, make_engine(location))
        try:
            ws._open_schema()
        except BaseException:
            ws.close()
            raise
        return ws

    @classmethod
    def create(cls, location: WorkspaceLocation) -> Workspace:
        if location.path is not None:
            check_sqlite_file(location.path, must_exist=False)
        ws = cls(location, make_engine(location))
        try:
            with _connect(ws) as conn:
                if location.path is None and inspect(conn).get_table_names():
                    raise WorkspaceError(
                        f"database {location.label} is not empty",
                        "use an empty database for a new workspace, or open this one with --db",
                    )
                migrate.upgrade(conn)
                conn.commit()
        except BaseException:
            ws.close()
            if location.path is not None:
                for suffix in ("", "-wal", "-shm", "-journal"):
                    Path(f"{location.path}{suffix}").unlink(missing_ok=True)
            raise
        return ws

    def _open_schema(self) -> None:
        with _connect(self) as conn:
            current = migrate.check_revision(conn, self.location.label)
            if current is None:
                raise WorkspaceError(
                    f"{self.location.label} holds no workspace",
                    "create one with workbench init" + (" --db URL" if self.location.path is None else ""),
                )
            if current == migrate.head_revision():
                return
        if self.location.path is not None:
            self.migration_backup = self._backup_before_migration(current)
        with _connect(self) as conn:
            migrate.upgrade(conn)
            conn.commit()

    def _backup_before_migration(self, current: str) -> Path:
        assert self.location.path is not None
        stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ")
        out = self.location.path.with_name(f"{self.location.path.stem}.before-{current}-{stamp}.sqlite")
        backup_sqlite(self.location.path, out)
        return out

    def close(self) -> None:
        self.engine.dispose()

    def __enter__(self) -> Workspace:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # -- units of work ---------------------------------------------------------------------
    @contextlib.contextmanager
    def unit_of_work(self, username: str | None, write: bool = True) -> Iterator[UnitOfWork]:
        """One action: commits on success, rolls back on any error.

        `username=None` acts as the system (only used while creating a workspace).
        """
        session = self._sessions()
        try:
            if write:
                session.connection(execution_options={WRITE_INTENT: True})
            actor = None if username is None else _actor(session, username, self.location.label)
            uow = UnitOfWork(session=session, actor=actor)
            yield uow
            if write:
                session.commit()
            else:
                session.rollback()
        except StaleDataError:
            session.rollback()
            raise ConflictError(
                "someone else changed this record since you opened it; nothing was saved",
                "reload and make your change again",
            ) from None
        except OperationalError as exc:
            session.rollback()
            raise WorkspaceError(f"database error on {self.location.label}: {exc.orig}") from None
        except BaseException:
            session.rollback()
            raise
        finally:
            session.close()


def _actor(session: object, username: str, label: str) -> Actor:
    user = session.execute(select(User).where(User.username == username)).scalar_one_or_none()  # type: ignore[attr-defined]
    if user is None or not user.active:
        raise UnknownUserError(
            f"user '{username}' is not registered in workspace {label}"
            + ("" if user is None else " (deactivated)"),
            f"ask an admin to run: workbench users add {username} --role officer",
        )
    return Actor(username=user.username, role=user.role, display_name=user.display_name)


@contextlib.contextmanager
def _connect(ws: Workspace) -> Iterator[object]:
    try:
        with ws.engine.connect() as conn:
            yield conn
    except OperationalError as exc:
        raise WorkspaceError(f"cannot open database {ws.location.label}: {_reason(exc)}") from None


def _reason(exc: DBAPIError) -> str:
    return str(exc.orig).strip().splitlines()[0] if exc.orig else str(exc)


def _precheck_sqlite(path: Path) -> None:
    """Read-only look before the engine touches the file: is it ours, and not newer?"""
    try:
        conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    except sqlite3.Error as exc:
        raise WorkspaceError(f"cannot open workspace {path}: {exc}") from None
    try:
        tables = {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type='table'")}
        if "alembic_version" not in tables:
            raise WorkspaceError(
                f"{path} is an SQLite database but not a workbench workspace",
                "check the path; nothing was changed",
            )
        row = conn.execute("SELECT version_num FROM alembic_version").fetchone()
    except sqlite3.DatabaseError as exc:
        raise WorkspaceError(f"{path} is not a readable workspace: {exc}") from None
    finally:
        conn.close()
    if row is not None:
        from alembic.script import ScriptDirectory

        known = {r.revision for r in ScriptDirectory.from_config(migrate._config()).walk_revisions()}
        if row[0] not in known:
            raise WorkspaceError(
                f"{path} was written by a newer version of the workbench (schema {row[0]})",
                "install the newer version to open it; nothing was changed",
            )
