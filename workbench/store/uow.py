"""Unit of work: one session per user action that commits or rolls back as a whole.

A unit of work knows whether it may write. A read-only one refuses every write at the source:
`log()` raises, a flush of changed objects raises, and the database connection itself is
read-only (SQLite `query_only`, PostgreSQL `READ ONLY` transaction). So nothing a service
writes can be silently rolled back by a caller that opened the wrong kind: services that write
are marked with `@writes` and refuse a read-only unit of work before they touch anything.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, ParamSpec, TypeVar

from sqlalchemy import event
from sqlalchemy.orm import Session, SessionTransaction

from workbench.errors import WorkbenchError
from workbench.store import changelog
from workbench.store.log_audit import BEFORE, RowTracker, read_states
from workbench.store.models import ChangeLogEntry

P = ParamSpec("P")
R = TypeVar("R")


class ReadOnlyUnitOfWorkError(WorkbenchError):
    """Something tried to write in a unit of work opened for reading (a defect, never data loss)."""


@dataclass(frozen=True)
class Actor:
    """The person acting, as the services see them.

    `verified` is True when they proved who they are in this session: with their passphrase, by
    their own database login (PostgreSQL), or as the only user of a single-user workspace.
    Admin and reviewer permissions need it (services/access.py).
    """

    username: str
    role: str
    display_name: str = ""
    verified: bool = False
    #: the workspace's mark on a proven Actor: the proof holds only in the workspace that gave it
    proof: str = field(default="", repr=False, compare=False)


@dataclass
class UnitOfWork:
    """Owns the session of one action. Services take it as their first argument."""

    session: Session
    actor: Actor | None
    #: whether this action may write; a read-only unit of work refuses every write
    writable: bool = True
    #: entity kinds written in this action, for the GUI to refresh what concerns it
    changed: set[str] = field(default_factory=set)
    #: the rows this transaction wrote, recorded in its newest log entry at commit
    _rows: RowTracker = field(init=False, repr=False)
    _last_entry: ChangeLogEntry | None = field(default=None, init=False, repr=False)

    def __post_init__(self) -> None:
        self._rows = RowTracker(self.session)
        event.listen(self.session, "before_commit", self._record_rows)
        event.listen(self.session, "after_transaction_end", self._forget)

    @property
    def username(self) -> str:
        return self.actor.username if self.actor else "system"

    def require_writable(self, doing: str) -> None:
        if not self.writable:
            raise ReadOnlyUnitOfWorkError(
                f"{doing} writes to the workspace (at least its change log), but it was started as a "
                "read; nothing was done",
                "this is a defect in the application: start it with a writing unit of work",
            )

    def log(
        self, entity: str, entity_id: object, action: str, before: Any = None, after: Any = None
    ) -> None:
        """Append to the hash-chained change log in this same transaction."""
        self.require_writable(f"recording '{entity} {action}'")
        self._last_entry = changelog.append(self.session, self.username, entity, entity_id, action, before, after)
        self.changed.add(entity)

    def _record_rows(self, session: Session) -> None:
        """At commit: the state of every audited row written goes into the newest entry."""
        if session.in_nested_transaction():
            return
        session.flush()
        touched = self._rows.take()
        before = self._rows.take_before()
        if not touched:
            return
        states: dict[str, Any] = read_states(session, touched)
        if before:  # how the changed rows were found: `log verify` checks them against the log
            states[BEFORE] = before
        if self._last_entry is None or not changelog.is_head(session, self._last_entry):
            # written without a log entry of its own (or its entry was in a rolled-back savepoint)
            self._last_entry = changelog.append(session, self.username, "data", "-", "write", None,
                                                {t: len(r) for t, r in states.items() if t != BEFORE}, states)
        else:
            changelog.add_states(session, self._last_entry, states)

    def _forget(self, session: Session, transaction: SessionTransaction) -> None:
        """A committed or rolled-back transaction: its entry is final or gone (savepoints aside)."""
        if transaction.nested or transaction.parent is not None:
            return
        self._last_entry = None
        self._rows.clear()


def writes(fn: Callable[P, R]) -> Callable[P, R]:
    """Mark a service function that writes (every export does: it is logged).

    It refuses a read-only unit of work before doing anything, so a caller's wrong choice is an
    immediate, visible error instead of a log entry that vanishes with a rollback.
    """

    @functools.wraps(fn)
    def wrapper(*args: P.args, **kwargs: P.kwargs) -> R:
        uow = next((a for a in (*args, *kwargs.values()) if isinstance(a, UnitOfWork)), None)
        if uow is not None:
            uow.require_writable(fn.__name__.replace("_", " "))
        return fn(*args, **kwargs)

    wrapper.writes = True  # type: ignore[attr-defined]
    return wrapper


def check_version(record: Any, expected: int | None, what: str) -> None:
    """Optimistic locking across actions: the caller says which version it last saw."""
    from workbench.errors import ConflictError

    if expected is not None and record.version != expected:
        raise ConflictError(
            f"{what} was changed by someone else since you opened it (version {expected}, now "
            f"{record.version}); nothing was saved",
            "reload it and make your change again",
        )


# -- concurrency: busy databases, deadlocks, inserts that may race ---------------------------------
#: PostgreSQL SQLSTATEs worth another try: deadlock, serialization failure, lock not available
TRANSIENT_SQLSTATES = frozenset({"40P01", "40001", "55P03"})
#: how often a unit of work tries to start writing before it reports the database busy
WRITE_ATTEMPTS = 4
BUSY_HINT = "another user is writing; try again"


class BusyError(WorkbenchError):
    """The database stayed locked by someone else's write (or chose this action as a deadlock
    victim) after every retry; nothing of this action was saved."""


def is_transient(exc: BaseException) -> bool:
    """A deadlock, serialization failure or busy/locked database: the same action may succeed if run again."""
    orig = getattr(exc, "orig", exc)
    state = getattr(orig, "sqlstate", None) or getattr(orig, "pgcode", None)
    if state in TRANSIENT_SQLSTATES:
        return True
    text = str(orig).lower()
    return "database is locked" in text or "database is busy" in text or "database table is locked" in text


def backoff_delays(attempts: int, base: float = 0.05, cap: float = 2.0) -> list[float]:
    """The pauses between attempts: exponential with full jitter, each at most ``cap`` seconds."""
    import random

    return [random.uniform(0, min(cap, base * 2**n)) for n in range(max(attempts - 1, 0))]


def busy_error(where: str, exc: BaseException) -> BusyError:
    reason = str(getattr(exc, "orig", exc)).strip().splitlines()
    detail = reason[0] if reason else type(exc).__name__
    return BusyError(f"the workspace {where} is busy ({detail}); nothing was saved", BUSY_HINT)


def retry_transient(action: Callable[[], R], *, where: str = "", attempts: int | None = None,
                    on_retry: Callable[[], None] | None = None,
                    sleep: Callable[[float], None] | None = None) -> R:
    """Run ``action`` again, after a short random pause, while the database reports a transient
    conflict (deadlock, serialization failure, busy); then :class:`BusyError` with a hint.

    ``action`` must be safe to run again: a whole unit of work, or the start of one (nothing
    written yet). ``on_retry`` runs before each new attempt (e.g. rolls the session back).
    """
    import time

    from sqlalchemy.exc import DBAPIError

    pause = sleep or time.sleep
    attempts = attempts or WRITE_ATTEMPTS
    delays = backoff_delays(attempts)
    for attempt in range(attempts):
        try:
            return action()
        except BusyError as exc:
            last: BaseException = exc
        except DBAPIError as exc:
            if not is_transient(exc):
                raise
            last = exc
        if attempt == attempts - 1:
            break
        if on_retry is not None:
            on_retry()
        pause(delays[attempt])
    if isinstance(last, BusyError):
        raise last
    raise busy_error(where, last) from None


def insert_or_ignore(uow: UnitOfWork, model: Any, values: dict[str, Any]) -> bool:
    """Insert one row unless a row with its primary key exists, atomically (no race between
    a check and an insert): PostgreSQL ``INSERT … ON CONFLICT DO NOTHING``, SQLite's
    ``INSERT … ON CONFLICT DO NOTHING`` (its ``INSERT OR IGNORE``). True if this call inserted it;
    the row is then recorded in the action's log entry like any other write."""
    table = model.__table__
    dialect = uow.session.get_bind().dialect.name
    keys = [c.name for c in table.primary_key.columns]
    (key,) = keys
    stmt: Any
    if dialect == "postgresql":
        from sqlalchemy.dialects import postgresql
        stmt = postgresql.insert(table).values(**values).on_conflict_do_nothing(index_elements=keys)
    elif dialect == "sqlite":
        from sqlalchemy.dialects import sqlite
        stmt = sqlite.insert(table).values(**values).on_conflict_do_nothing(index_elements=keys)
    else:  # pragma: no cover - only SQLite and PostgreSQL are accepted (store/location.py)
        raise WorkbenchError(f"database {dialect} is not supported", "use SQLite or PostgreSQL")
    stmt = stmt.returning(table.c[key])
    inserted = uow.session.execute(stmt).first() is not None
    if inserted and table.name in _audited():
        uow._rows.touched[table.name].add(values[key])
    return inserted


def _audited() -> frozenset[str]:
    from workbench.store.log_audit import audited_tables

    return frozenset(audited_tables())


class AfterCommit:
    """Work that must happen only once the action's transaction is committed (final files),
    or be undone if it rolls back (their partial copies)."""

    def __init__(self, uow: UnitOfWork) -> None:
        self._done: list[Callable[[], None]] = []
        self._undo: list[Callable[[], None]] = []
        event.listen(uow.session, "after_commit", self._commit)
        event.listen(uow.session, "after_rollback", self._rollback)

    def add(self, done: Callable[[], None], undo: Callable[[], None]) -> None:
        self._done.append(done)
        self._undo.append(undo)

    def _commit(self, session: Session) -> None:
        done, self._done, self._undo = self._done, [], []
        for fn in done:
            fn()

    def _rollback(self, session: Session) -> None:
        undo, self._done, self._undo = self._undo, [], []
        for fn in undo:
            fn()
