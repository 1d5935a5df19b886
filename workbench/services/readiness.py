"""Readiness of a finding for inspection: audits, measures, actions, evidence and self-assessment.

The rule (also in docs/readiness.md). Each part gives reasons in plain words and may raise a
*blocker* (not ready) or a *concern* (partly ready at best):

* Audits: for each audit series mapped to the finding, its latest round with completed cases
  in scope, rated on the measure compared with the baseline (docs/sampling.md). Red is a
  blocker; amber, no target set, "indicative — small sample" (too few cases in scope to confirm
  the target even if all complied: stats.rating.small_sample) or "insufficient evidence" (a rule
  that is not applied) is a concern, and the reason says which. A series with no completed case in scope yet is a concern.
* Measures (confirmed ones of the finding): the latest value against the baseline and the
  target, in the measure's better direction. Moving the wrong way is a blocker; right way but
  target not met, or no value recorded yet, is a concern.
* Nothing measured at all (no audit result and no measure value) is a blocker: nothing shows
  whether anything has changed.
* Actions: done / total and overdue (due before today and not done). Any overdue action, any
  action not done, or no action plan at all, is a concern.
* Evidence: no evidence linked to the finding is a concern.
* Self-assessment: returned by the reviewer is a concern; other states are reported only.

Rating: "not ready" with any blocker; otherwise "partly ready" with any concern; otherwise
"ready".
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import func, select

from workbench.errors import NotFoundError
from workbench.services.access import require
from workbench.services.scoring import interval_text, score_audit, target_text
from workbench.stats.rating import COLOURS
from workbench.store.models import (
    Action,
    Audit,
    EvidenceLink,
    Finding,
    Measure,
    MeasurePoint,
    SelfAssessment,
    audit_findings,
)
from workbench.store.uow import UnitOfWork


@dataclass(frozen=True)
class Readiness:
    finding_id: int
    finding_ref: str
    rating: str  # ready | partly ready | not ready
    reasons: tuple[str, ...]


class _Tally:
    def __init__(self) -> None:
        self.reasons: list[str] = []
        self.blockers = 0
        self.concerns = 0

    def add(self, text: str, level: str = "ok") -> None:
        self.reasons.append(text)
        if level == "blocker":
            self.blockers += 1
        elif level == "concern":
            self.concerns += 1


def _value(v: float, unit: str) -> str:
    number = f"{v:,.1f}".rstrip("0").rstrip(".")
    if unit == "%":
        return f"{number} %"
    if unit == ":1":
        return f"{number}:1"
    return f"{number} {unit}".strip() if unit and unit != "count" else number


def _audits(uow: UnitOfWork, finding_id: int, tally: _Tally) -> int:
    audits = list(uow.session.scalars(select(Audit).join(audit_findings, audit_findings.c.audit_id == Audit.id)
                                      .where(audit_findings.c.finding_id == finding_id).order_by(Audit.id)))
    series: dict[str, list[Audit]] = {}
    for a in audits:
        series.setdefault(a.series, []).append(a)
    results = 0
    for rounds in series.values():
        scored = None
        for audit in sorted(rounds, key=lambda a: a.round, reverse=True):
            score = score_audit(uow, audit.id)
            if score.measure is not None and score.measure.estimate is not None:
                scored = score
                break
        if scored is None:
            latest = max(rounds, key=lambda a: a.round)
            tally.add(f"{latest.title} round {latest.round}: insufficient evidence: no case in scope is complete "
                      "yet", "concern")
            continue
        results += 1
        m = scored.measure
        assert m is not None and m.estimate is not None
        what = "" if m.key == "case" else f" ({m.label})"
        weighted = ", weighted" if m.weighted else ""
        scope = " in scope" if scored.scope else ""
        head = (f"{scored.title} round {scored.round}{what}: {m.successes} of {m.n}{scope}{weighted}, "
                f"{interval_text(m.estimate)}")
        if scored.out_of_scope:
            head += f"; {scored.out_of_scope} cases out of scope"
        if scored.target is None:
            tally.add(f"{head}; no target set", "concern")
            continue
        if scored.rag not in COLOURS:  # not rated, or indicative: a small sample (stats.rating)
            tally.add(f"{head} vs target {target_text(scored.target)}: {scored.rag_reason}", "concern")
            continue
        level = {"green": "ok", "amber": "concern", "red": "blocker"}[scored.rag]
        if scored.provisional and level == "ok":  # fieldwork not finished: not yet evidence the finding is met
            level = "concern"
        tally.add(f"{head} vs target {target_text(scored.target)}: {scored.rag}: {scored.rag_reason}", level)
    return results


def _measures(uow: UnitOfWork, finding_id: int, tally: _Tally) -> int:
    measures = uow.session.scalars(select(Measure).where(Measure.finding_id == finding_id,
                                                         Measure.status == "confirmed").order_by(Measure.id))
    with_values = 0
    for m in measures:
        point = uow.session.scalar(select(MeasurePoint).where(MeasurePoint.measure_id == m.id)
                                   .order_by(MeasurePoint.period.desc()).limit(1))
        if point is None:
            tally.add(f"measure '{m.name}': no value recorded yet", "concern")
            continue
        with_values += 1
        higher = m.direction != "lower"
        parts = [f"measure '{m.name}': latest {_value(point.value, m.unit)} ({point.period:%b %Y})"]
        level = "ok"
        if m.baseline is not None:
            parts.append(f"baseline {_value(m.baseline, m.unit)}")
            better = point.value > m.baseline if higher else point.value < m.baseline
            if point.value == m.baseline:
                direction, level = "no change from the baseline", "concern"
            elif better:
                direction = "moving the right way"
            else:
                direction, level = "moving the wrong way", "blocker"
        else:
            direction = "no baseline to compare with"
        if m.target is not None:
            parts.append(f"target {_value(m.target, m.unit)}")
            met = point.value >= m.target if higher else point.value <= m.target
            direction += "; target met" if met else "; target not yet met"
            if not met and level == "ok":
                level = "concern"
        tally.add(", ".join(parts) + f": {direction}", level)
    return with_values


def _actions(uow: UnitOfWork, finding_id: int, today: date, tally: _Tally) -> None:
    actions = list(uow.session.scalars(select(Action).where(Action.finding_id == finding_id)))
    if not actions:
        tally.add("no action plan recorded", "concern")
        return
    done = sum(1 for a in actions if a.status == "done")
    overdue = sum(1 for a in actions if a.status != "done" and a.due_date is not None and a.due_date < today)
    tally.add(f"{done} of {len(actions)} actions done", "ok" if done == len(actions) else "concern")
    if overdue:
        tally.add(f"{overdue} of {len(actions)} actions overdue", "concern")


def assess_readiness(uow: UnitOfWork, finding_id: int, today: date | None = None) -> Readiness:
    """Rate a finding's readiness with every reason spelled out (rule in the module docstring)."""
    require(uow.actor, "read")
    finding = uow.session.get(Finding, finding_id)
    if finding is None:
        raise NotFoundError(f"no finding with id {finding_id}", "see workbench findings")
    today = today or date.today()
    tally = _Tally()
    audited = _audits(uow, finding.id, tally)
    measured = _measures(uow, finding.id, tally)
    if not audited and not measured:
        tally.add("no audit result or measure value yet shows whether anything has changed", "blocker")
    _actions(uow, finding.id, today, tally)
    evidence = uow.session.scalar(select(func.count()).select_from(EvidenceLink)
                                  .where(EvidenceLink.finding_id == finding.id)) or 0
    if evidence:
        tally.add(f"{evidence} evidence item{'s' if evidence != 1 else ''} attached")
    else:
        tally.add("no evidence attached", "concern")
    sa = uow.session.scalar(select(SelfAssessment).where(SelfAssessment.finding_id == finding.id))
    if sa is None:
        tally.add("self-assessment not started")
    elif sa.state == "returned":
        tally.add("self-assessment returned by the reviewer", "concern")
    else:
        tally.add(f"self-assessment {sa.state}")
    rating = "not ready" if tally.blockers else "partly ready" if tally.concerns else "ready"
    label = finding.inspection.programme or finding.inspection.title
    return Readiness(finding.id, f"{label} / {finding.ref}", rating, tuple(tally.reasons))
