"""Rounds scored once for every read of an open workspace, until the change log says otherwise.

Scoring a round reads every answer of it; the Audits page, the readiness of each finding and every
trend ask for the same rounds again and again. The rounds are kept in the open workspace's memo
"scores" (`services/read_memo.py`), emptied by any logged entry of a kind that can alter a round:
any kind not in `NOT_SCORED`, so a new kind re-scores until it is listed here.
"""

from __future__ import annotations

from collections.abc import Hashable

from sqlalchemy import select
from sqlalchemy.orm import Session

from workbench.services.read_memo import SHARED_KEY, Memoised, memo_for
from workbench.store.models import Response, SampledCase
from workbench.store.uow import UnitOfWork

__all__ = ["NOT_SCORED", "SHARED_KEY", "Memoised", "rounds_for", "rounds_touched"]

#: change-log kinds whose entries cannot alter a round's cases, answers, template or plan
NOT_SCORED = frozenset({
    "action", "areas", "assessment", "bundle", "certificate", "change_log", "closure_proposal",
    "committee_report", "evidence", "evidence_request", "evidence_requests", "finding", "finding_link",
    "force_ca", "inspection", "measure", "pack", "planned_audit", "pseudonym_key", "tracker", "tracker_row",
    "user",
})


def rounds_for(uow: UnitOfWork) -> Memoised | None:
    """The workspace's scored rounds (by audit id) valid for this unit of work (None if it may
    write, or if its view of the workspace is older than the memo's). An entry about one audit,
    one of its cases or answers re-scores that round alone; any other (a setting, a template, an
    answer no longer stored) re-scores every round."""
    return memo_for(uow, "scores", NOT_SCORED, stale=rounds_touched)


def rounds_touched(session: Session, entries: list[tuple[str, str]]) -> set[Hashable] | None:
    """The audit ids the entries (entity, entity id) are about; None when one may be about any."""
    audits: set[Hashable] = set()
    cases: set[int] = set()
    responses: set[int] = set()
    for entity, entity_id in entries:
        if not entity_id.isdigit():
            return None
        if entity == "audit":
            audits.add(int(entity_id))
        elif entity == "case":
            cases.add(int(entity_id))
        elif entity == "response":
            responses.add(int(entity_id))
        else:  # a setting, a template, a data write with no entry of its own, a kind added later
            return None
    if responses:
        found = dict(session.execute(select(Response.id, SampledCase.audit_id)
                                     .join(SampledCase, SampledCase.id == Response.case_id)
                                     .where(Response.id.in_(sorted(responses)))).all())
        if len(found) < len(responses):  # an answer cleared since: its round is not known here
            return None
        audits.update(found.values())
    if cases:
        found = dict(session.execute(select(SampledCase.id, SampledCase.audit_id)
                                     .where(SampledCase.id.in_(sorted(cases)))).all())
        if len(found) < len(cases):
            return None
        audits.update(found.values())
    return audits
