"""Results read once for every read of an open workspace, until the change log says otherwise.

Some reads are asked for again and again with the same answer: the scored rounds (the Audits
page, every finding's readiness, every trend), the content hash a pack's "changed since" is
compared with. An open workspace keeps one memo of each kind, shared by its sessions
(`store/workspace.py` puts a dict shared by all of them in `Session.info` under `SHARED_KEY`).
Every write is logged in its transaction, so the change log's head says whether anything could
have changed: a memo is stamped with the head it was valid at, and a read-only unit of work at a
later head keeps it only if no entry since is of a kind the memo's results cannot depend on (any
kind not listed as irrelevant counts, so a new kind empties the memo until it is listed). Units
of work that may write never use a memo. A change made behind the application's back is not seen
here; `log verify` finds it.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Hashable
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from workbench.store.models import ChangeLogEntry, ChangeLogHead
from workbench.store.uow import UnitOfWork

SHARED_KEY = "workbench.shared"
#: past this many relevant entries since a memo was stamped, all of its results are dropped
_MANY = 500


@dataclass
class _Memo:
    seq: int = -1  # the change-log head the results are valid at
    results: dict[Hashable, Any] = field(default_factory=dict)
    lock: threading.Lock = field(default_factory=threading.Lock)


@dataclass(frozen=True)
class Memoised:
    """One memo as one read-only unit of work sees it: `get`, and `keep` what it worked out."""

    memo: _Memo
    seq: int
    results: dict[Hashable, Any]

    def get(self, key: Hashable) -> Any:
        return self.results.get(key)

    def keep(self, key: Hashable, result: Any) -> None:
        with self.memo.lock:
            if self.memo.seq == self.seq:  # not if a newer head has replaced the memo meanwhile
                self.results[key] = result


#: which of a memo's results the change-log entries since it was stamped may have altered: the
#: keys to drop, or None for all of them; given (entity, entity id) of each relevant entry
Stale = Callable[[Session, list[tuple[str, str]]], "set[Hashable] | None"]


def memo_for(uow: UnitOfWork, name: str, irrelevant_entities: frozenset[str],
             irrelevant_actions: frozenset[str] = frozenset(), stale: Stale | None = None) -> Memoised | None:
    """The workspace's memo `name`, valid for this unit of work (None if it may write, or if its
    view of the workspace is older than the memo's). An entry whose entity is in
    `irrelevant_entities`, or whose action is in `irrelevant_actions`, leaves it valid. With
    `stale`, the other entries drop only the results it names (all, when it returns None)."""
    session = uow.session
    if uow.writable or SHARED_KEY not in session.info:
        return None
    session_key = f"workbench.memo.{name}"
    if session_key in session.info:
        return session.info[session_key]
    memo: _Memo = session.info[SHARED_KEY].setdefault(name, _Memo())
    head = session.scalar(select(ChangeLogHead.seq).where(ChangeLogHead.id == 1))
    if head is None:
        return None
    found: Memoised | None = None
    with memo.lock:
        if memo.seq < head:
            since = select(ChangeLogEntry.entity, ChangeLogEntry.entity_id).where(
                ChangeLogEntry.seq > memo.seq, ChangeLogEntry.seq <= head,
                ChangeLogEntry.entity.not_in(sorted(irrelevant_entities)))
            if irrelevant_actions:
                since = since.where(ChangeLogEntry.action.not_in(sorted(irrelevant_actions)))
            if memo.seq < 0:
                memo.results = {}
            elif stale is None:
                if session.execute(since.limit(1)).first() is not None:
                    memo.results = {}  # a new dict: a reader of the old one keeps its consistent results
            else:
                entries = [(e, i) for e, i in session.execute(since.limit(_MANY + 1)).all()]
                drop = stale(session, entries) if entries and len(entries) <= _MANY else None
                if entries and drop is None:
                    memo.results = {}
                elif drop:
                    memo.results = {k: v for k, v in memo.results.items() if k not in drop}
            memo.seq = head
        if memo.seq == head:
            found = Memoised(memo, head, memo.results)
    session.info[session_key] = found
    return found
