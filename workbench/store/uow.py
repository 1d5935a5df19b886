"""Unit of work: one session per user action that commits or rolls back as a whole."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import event
from sqlalchemy.orm import Session, SessionTransaction

from workbench.store import changelog
from workbench.store.log_audit import RowTracker, read_states
from workbench.store.models import ChangeLogEntry


@dataclass(frozen=True)
class Actor:
    """The person acting, as the services see them."""

    username: str
    role: str
    display_name: str = ""


@dataclass
class UnitOfWork:
    """Owns the session of one action. Services take it as their first argument."""

    session: Session
    actor: Actor | None
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

    def log(
        self, entity: str, entity_id: object, action: str, before: Any = None, after: Any = None
    ) -> None:
        """Append to the hash-chained change log in this same transaction."""
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


def check_version(record: Any, expected: int | None, what: str) -> None:
    """Optimistic locking across actions: the caller says which version it last saw."""
    from workbench.errors import ConflictError

    if expected is not None and record.version != expected:
        raise ConflictError(
            f"{what} was changed by someone else since you opened it (version {expected}, now "
            f"{record.version}); nothing was saved",
            "reload it and make your change again",
        )
