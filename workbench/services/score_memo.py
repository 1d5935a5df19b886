"""Rounds scored once for every read of an open workspace, until the change log says otherwise.

Scoring a round reads every answer of it; the Audits page, the readiness of each finding and every
trend ask for the same rounds again and again. The rounds are kept in the open workspace's memo
"scores" (`services/read_memo.py`), emptied by any logged entry of a kind that can alter a round:
any kind not in `NOT_SCORED`, so a new kind re-scores until it is listed here.
"""

from __future__ import annotations

from workbench.services.read_memo import SHARED_KEY, Memoised, memo_for
from workbench.store.uow import UnitOfWork

__all__ = ["NOT_SCORED", "SHARED_KEY", "Memoised", "rounds_for"]

#: change-log kinds whose entries cannot alter a round's cases, answers, template or plan
NOT_SCORED = frozenset({
    "action", "areas", "assessment", "bundle", "certificate", "change_log", "closure_proposal",
    "committee_report", "evidence", "evidence_request", "evidence_requests", "finding", "finding_link",
    "force_ca", "inspection", "measure", "pack", "planned_audit", "pseudonym_key", "tracker", "tracker_row",
    "user",
})


def rounds_for(uow: UnitOfWork) -> Memoised | None:
    """The workspace's scored rounds (by audit id) valid for this unit of work (None if it may
    write, or if its view of the workspace is older than the memo's)."""
    return memo_for(uow, "scores", NOT_SCORED)
