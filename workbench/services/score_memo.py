"""Rounds scored once for every read of an open workspace, until the change log says otherwise.

Scoring a round reads every answer of it; the Audits page, the readiness of each finding and every
trend ask for the same rounds again and again. An open workspace keeps one memo shared by its
sessions (`store/workspace.py` puts a dict shared by all of them in `Session.info` under
`SHARED_KEY`). Every write is logged in its transaction, so the change log's head says whether
anything could have changed: the memo is stamped with the head it was valid at, and a read-only
unit of work at a later head keeps it only if no entry since is of a kind that can alter a round
(any kind not in `NOT_SCORED`, so a new kind re-scores until it is listed here). Units of work
that may write never use it. A change made behind the application's back is not seen here (as for
a pack's "changed since"); `log verify` finds it.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import select

from workbench.store.models import ChangeLogEntry, ChangeLogHead
from workbench.store.uow import UnitOfWork

SHARED_KEY = "workbench.shared"

#: change-log kinds whose entries cannot alter a round's cases, answers, template or plan
NOT_SCORED = frozenset({
    "action", "areas", "assessment", "bundle", "certificate", "change_log", "closure_proposal",
    "committee_report", "evidence", "evidence_request", "evidence_requests", "finding", "finding_link",
    "force_ca", "inspection", "measure", "pack", "planned_audit", "pseudonym_key", "tracker", "tracker_row",
    "user",
})

_SESSION_KEY = "workbench.scoring.memo"


@dataclass
class _Memo:
    seq: int = -1  # the change-log head the rounds are valid at
    rounds: dict[int, Any] = field(default_factory=dict)
    lock: threading.Lock = field(default_factory=threading.Lock)


@dataclass(frozen=True)
class Rounds:
    """The memo as one read-only unit of work sees it: `get`, and `keep` what it scored."""

    memo: _Memo
    seq: int
    rounds: dict[int, Any]

    def get(self, audit_id: int) -> Any:
        return self.rounds.get(audit_id)

    def keep(self, audit_id: int, result: Any) -> None:
        with self.memo.lock:
            if self.memo.seq == self.seq:  # not if a newer head has replaced the memo meanwhile
                self.rounds[audit_id] = result


def rounds_for(uow: UnitOfWork) -> Rounds | None:
    """The workspace's scored rounds valid for this unit of work (None if it may write, or if its
    view of the workspace is older than the memo's)."""
    session = uow.session
    if uow.writable or SHARED_KEY not in session.info:
        return None
    if _SESSION_KEY in session.info:
        return session.info[_SESSION_KEY]
    memo: _Memo = session.info[SHARED_KEY].setdefault("scores", _Memo())
    head = session.scalar(select(ChangeLogHead.seq).where(ChangeLogHead.id == 1))
    if head is None:
        return None
    found: Rounds | None = None
    with memo.lock:
        if memo.seq < head:
            relevant = memo.seq < 0 or session.scalar(
                select(ChangeLogEntry.seq).where(ChangeLogEntry.seq > memo.seq, ChangeLogEntry.seq <= head,
                                                 ChangeLogEntry.entity.not_in(sorted(NOT_SCORED))).limit(1))
            if relevant is not None:
                memo.rounds = {}  # a new dict: a reader of the old one keeps its consistent results
            memo.seq = head
        if memo.seq == head:
            found = Rounds(memo, head, memo.rounds)
    session.info[_SESSION_KEY] = found
    return found
