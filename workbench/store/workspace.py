"""Opening, creating and migrating a workspace; handing out units of work."""

from __future__ import annotations

import contextlib
import hmac
import secrets
import sqlite3
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from sqlalchemy import Connection, Engine, event, func, inspect, select, text
from sqlalchemy.exc import DatabaseError, DataError, DBAPIError, OperationalError
from sqlalchemy.orm import Session, sessionmaker
from sqlalchemy.orm.exc import StaleDataError

from workbench.errors import ConflictError, InputError, PermissionDeniedError, UnknownUserError, WorkspaceError
from workbench.files import sweep_partial
from workbench.store import migrate
from workbench.store.backup import backup_sqlite, create_private_file
from workbench.store.credentials import passphrase_matches
from workbench.store.engine import READ_ONLY, WRITE_INTENT, make_engine
from workbench.store.location import WorkspaceLocation, check_sqlite_file
from workbench.store.models import User
from workbench.store.uow import Actor, ReadOnlyUnitOfWorkError, UnitOfWork, busy_error, is_transient, retry_transient


@dataclass(frozen=True)
class DatabaseLogin:
    """Who the server says this connection is (PostgreSQL only)."""

    name: str
    #: superuser or BYPASSRLS: the server does not hold it to the workspace's rules
    unrestricted: bool


class Workspace:
    """An open workspace. Create with `Workspace.open` or `Workspace.create`."""

    def __init__(self, location: WorkspaceLocation, engine: Engine) -> None:
        self.location = location
        self.engine = engine
        # info: one dict shared by every session of this open workspace (services/read_memo.py)
        self._sessions = sessionmaker(engine, expire_on_commit=False, info={"workbench.shared": {}})
        #: path of the automatic backup taken before a migration, if one was
        self.migration_backup: Path | None = None
        self._login: DatabaseLogin | None = None
        #: marks the Actors this open workspace proved (see `sign_in`)
        self._proof = secrets.token_hex(16)

    # -- opening -------------------------------------------------------------------------
    @classmethod
    def open(cls, location: WorkspaceLocation) -> Workspace:
        if location.path is not None:
            check_sqlite_file(location.path, must_exist=True)
            _precheck_sqlite(location.path)
            sweep_partial(location.path.parent)  # partial backups left by a killed run
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
            # 0600 from the first byte: it will hold key material and the pseudonymisation key
            # (SQLite gives its -wal and -shm files the same mode as the database file)
            create_private_file(location.path)
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

    # -- who is acting ----------------------------------------------------------------------
    def database_login(self) -> DatabaseLogin | None:
        """On PostgreSQL the server-authenticated login of this connection; None for SQLite."""
        if self.location.path is not None:
            return None
        if self._login is None:
            with _connect(self) as conn:
                row = conn.execute(text(
                    "SELECT session_user, rolsuper OR rolbypassrls FROM pg_roles WHERE rolname = session_user"
                )).one()
            self._login = DatabaseLogin(str(row[0]), bool(row[1]))
        return self._login

    def sign_in(self, username: str, passphrase: str) -> Actor:
        """Check `username`'s passphrase once; pass the returned Actor to later units of work."""
        with self.unit_of_work(username, write=False, passphrase=passphrase) as uow:
            assert uow.actor is not None
            return uow.actor

    def _actor(self, session: Session, user: str | Actor, passphrase: str | None) -> Actor:
        username = user.username if isinstance(user, Actor) else user
        row = session.execute(select(User).where(User.username == username)).scalar_one_or_none()
        label = self.location.label
        if row is None:
            raise UnknownUserError(
                f"user '{username}' is not registered in workspace {label}",
                f"ask an admin to run: workbench users add {username} --role officer",
            )
        if not row.active:
            admins = session.scalars(select(User.username).where(User.role == "admin", User.active,
                                                                  User.username != row.username)
                                     .order_by(User.username)).all()
            raise UnknownUserError(
                f"the account of user '{row.username}' is deactivated in workspace {label}: an admin of the "
                "workspace" + (f" ({', '.join(admins)})" if admins else "") + " can reactivate it in Workspace > Users",
                f"until then {row.username} cannot sign in or change anything; the admin selects {row.username} in "
                f"Workspace > Users and clicks Reactivate, or runs: workbench users reactivate {row.username}",
            )
        proven = (isinstance(user, Actor) and user.verified and user.username == row.username
                  and hmac.compare_digest(user.proof, self._proof))
        login = self.database_login()
        if login is not None and not login.unrestricted:
            if login.name != row.username:
                raise PermissionDeniedError(
                    f"you are connected to {label} as the database login '{login.name}'; on a shared "
                    f"database you act only as your own login, not as '{row.username}'",
                    f"connect with {row.username}'s own database login (the user name in the URL, the "
                    "password from the server's administrator)",
                )
            proven = True  # the server checked this login's credentials
        if passphrase is not None:
            if not passphrase_matches(row.passphrase_hash, passphrase):
                raise _SignInRefused(row.username, row.passphrase_hash is not None)
            proven = True
        verified = proven
        if not verified:
            # a single-user workspace (a desktop's own): there is nobody else to be; this is
            # looked at again in every unit of work, so it ends when a second user is added
            others = session.scalar(select(func.count()).select_from(User)
                                    .where(User.active, User.username != row.username))
            verified = others == 0
        return Actor(username=row.username, role=row.role, display_name=row.display_name, verified=verified,
                     proof=self._proof if proven else "")

    def _refuse_sign_in(self, refused: _SignInRefused) -> PermissionDeniedError:
        """Keep the refusal in the change log (its own transaction); the error to raise."""
        username = refused.username
        reason = "wrong passphrase" if refused.has_passphrase else "no passphrase set"
        try:
            with self.unit_of_work(None) as uow:
                uow.log("user", username, "sign-in-refused", None, {"reason": reason, "os_login": _os_login()})
        except (WorkspaceError, DBAPIError):  # e.g. a server login that may not write: the refusal stands
            pass
        if not refused.has_passphrase:
            return PermissionDeniedError(
                f"{username} has no passphrase, so nobody can sign in as them",
                f"{username} sets one while working as their own OS login: workbench users passphrase",
            )
        return PermissionDeniedError(f"wrong passphrase for {username}; not signed in (the attempt was logged)",
                                     "re-enter it (it is case-sensitive)")

    # -- units of work ---------------------------------------------------------------------
    @contextlib.contextmanager
    def unit_of_work(
        self, user: str | Actor | None, write: bool = True, *, passphrase: str | None = None
    ) -> Iterator[UnitOfWork]:
        """One action: commits on success, rolls back on any error.

        `user` is a user name (acting unproven, e.g. as the OS login), an Actor returned by
        `sign_in` (proven), or None for the system (only while creating a workspace). With
        `passphrase` the user proves who they are here. `write=False` opens a read-only unit
        of work: any write in it raises, so nothing a service writes can vanish in a rollback.
        """
        session = self._sessions()
        _guard_writes(session, write)
        try:
            # taking the write lock is retried with backoff while another writer holds it
            retry_transient(lambda: session.connection(execution_options={WRITE_INTENT: True} if write
                                                       else {READ_ONLY: True}),
                            where=self.location.label, on_retry=session.rollback)
            try:
                actor = None if user is None else self._actor(session, user, passphrase)
            except _SignInRefused as refused:
                session.rollback()  # let go of the write lock before the refusal is recorded
                raise self._refuse_sign_in(refused) from None
            uow = UnitOfWork(session=session, actor=actor, writable=write)
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
        except DBAPIError as exc:
            session.rollback()
            if is_transient(exc):  # a deadlock victim, or a lock still held: nothing was saved
                raise busy_error(self.location.label, exc) from None
            if type(exc) is DatabaseError:  # the driver's plain DatabaseError: a damaged file (SQLite)
                raise damaged_error(self.location.label, exc) from None
            if isinstance(exc, DataError):  # a value the column cannot hold (a number out of range)
                raise InputError(f"the database refused a value: {_reason(exc)}; nothing was saved",
                                 "check the numbers and texts given (a record number is at most 2,147,483,647)") from None
            if not isinstance(exc, OperationalError):
                raise
            raise WorkspaceError(f"database error on {self.location.label}: {exc.orig}",
                                 "check that the workspace is reachable and try again") from None
        except BaseException:
            session.rollback()
            raise
        finally:
            session.close()


class _SignInRefused(Exception):
    def __init__(self, username: str, has_passphrase: bool) -> None:
        super().__init__(username)
        self.username, self.has_passphrase = username, has_passphrase


def _guard_writes(session: Session, write: bool) -> None:
    if write:
        return

    @event.listens_for(session, "before_flush")
    def _refuse(sess: Session, _ctx: Any, _instances: Any) -> None:
        if sess.new or sess.dirty or sess.deleted:
            raise ReadOnlyUnitOfWorkError(
                "a change was made in a unit of work opened for reading; nothing was saved",
                "this is a defect in the application: the action must open a writing unit of work",
            )


def _os_login() -> str:
    from workbench.os_login import current_os_user

    return current_os_user()


@contextlib.contextmanager
def _connect(ws: Workspace) -> Iterator[Connection]:
    try:
        with ws.engine.connect() as conn:
            yield conn
    except OperationalError as exc:
        raise WorkspaceError(f"cannot open database {ws.location.label}: {_reason(exc)}") from None


def damaged_error(label: str, exc: DBAPIError) -> WorkspaceError:
    """What a damaged database file (not a tampered one) is reported as."""
    return WorkspaceError(f"the workspace {label} is damaged and cannot be read: {_reason(exc)}; nothing was saved",
                          "restore it from your latest backup (a copy written by workbench backup), then run "
                          "workbench log verify on it; keep the damaged file for your IT support")


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
