"""Unit of work: one session per user action that commits or rolls back as a whole."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from sqlalchemy.orm import Session

from workbench.store import changelog


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

    @property
    def username(self) -> str:
        return self.actor.username if self.actor else "system"

    def log(
        self, entity: str, entity_id: object, action: str, before: Any = None, after: Any = None
    ) -> None:
        """Append to the hash-chained change log in this same transaction."""
        changelog.append(self.session, self.username, entity, entity_id, action, before, after)
        self.changed.add(entity)


def check_version(record: Any, expected: int | None, what: str) -> None:
    """Optimistic locking across actions: the caller says which version it last saw."""
    from workbench.errors import ConflictError

    if expected is not None and record.version != expected:
        raise ConflictError(
            f"{what} was changed by someone else since you opened it (version {expected}, now "
            f"{record.version}); nothing was saved",
            "reload it and make your change again",
        )
