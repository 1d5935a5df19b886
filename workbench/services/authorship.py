"""Who authored a record, read from the change log: the basis of the four-eyes rule.

The last saver of a record is not its only author: everyone who created, edited or built it
shares authorship, and none of them may review it. The change log holds every such step with
its actor, so it is the one source for this (a record's own `preparer` column keeps only the
last saver).
"""

from __future__ import annotations

from collections.abc import Iterable

from sqlalchemy import select

from workbench.store.models import ChangeLogEntry
from workbench.store.uow import UnitOfWork

#: change-log actions that write a record's content (review decisions and refusals do not)
AUTHORING_ACTIONS = frozenset({"create", "edit", "update", "build", "save", "import"})


def authors_of(uow: UnitOfWork, entity: str, entity_id: object,
               actions: Iterable[str] = AUTHORING_ACTIONS) -> set[str]:
    """Everyone who authored `entity` `entity_id` (as logged: `uow.log(entity, entity_id, action, …)`)."""
    rows = uow.session.scalars(
        select(ChangeLogEntry.actor).distinct()
        .where(ChangeLogEntry.entity == entity, ChangeLogEntry.entity_id == str(entity_id),
               ChangeLogEntry.action.in_(sorted(set(actions))))
    )
    return {actor for actor in rows if actor != "system"}
