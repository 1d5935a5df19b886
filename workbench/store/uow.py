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
from workbench.store.log_audit import RowTracker, read_states
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
        if not touched:
            return
        states = read_states(session, touched)
        if self._last_entry is None or not changelog.is_head(session, self._last_entry):
            # written without a log entry of its own (or its entry was in a rolled-back savepoint)
            self._last_entry = changelog.append(session, self.username, "data", "-", "write", None,
                                                {t: len(r) for t, r in states.items()}, states)
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
