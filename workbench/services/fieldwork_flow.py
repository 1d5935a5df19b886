"""Fieldwork that flows: computed criteria kept up to date without anyone asking.

``evaluate_computed`` (services/fieldwork.py) answers the computed criteria of every case in use.
It runs wherever the answers would otherwise be missing or stale:

* on a draw: ``draw_and_evaluate`` draws the sample and answers its computed criteria in the same
  unit of work (the audit wizard's ``audit_planning.plan_and_draw`` does the same);
* on a replacement: ``fieldwork.mark_unusable`` answers the reserve's computed criteria as it
  comes in (``replace_unusable`` returns that evaluation too);
* when their inputs change: the case fields never change after a draw, the force settings (clock
  start, targets by grade and area) do, so ``settings.update_force_settings`` calls
  ``refresh_after_settings``, which evaluates again every drawn audit whose computed answers no
  longer match what the new settings give. Hand overrides are never touched.

``stale_computed`` counts answers that differ from what their inputs give now (a workspace edited
by an older version may hold some); ``computed_now`` gives each computed criterion's answer and
working as they stand, for the case editor to show beside the stored one.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import select

from workbench.progress import Progress
from workbench.services import fieldwork, population
from workbench.services.access import require
from workbench.services.audits import ACTIVE_STATES, get_audit_row
from workbench.services.population_exclusions import NONE, Exclusions
from workbench.services.settings import get_force_settings
from workbench.services.templates import get_template
from workbench.store.models import Audit, Response, SampledCase
from workbench.store.uow import UnitOfWork
from workbench.templates import evaluate


@dataclass(frozen=True)
class Replacement:
    replacement: fieldwork.CaseInfo
    evaluation: fieldwork.EvaluationSummary


@dataclass(frozen=True)
class ComputedNow:
    criterion: str
    answer: str  # yes | no | n/a
    working: str


@dataclass(frozen=True)
class DrawnSample:
    draw: population.DrawResult
    evaluation: fieldwork.EvaluationSummary


def draw_and_evaluate(uow: UnitOfWork, audit_id: int, path: str | Path,
                      mapping: Mapping[str, str | None] | None = None, stratify_by: str | None = None,
                      seed: int | None = None, progress: Progress | None = None,
                      exclusions: Exclusions = NONE) -> DrawnSample:
    """Draw the sample (``population.draw_sample``) and answer its computed criteria, all or nothing."""
    drawn = population.draw_sample(uow, audit_id, path, mapping, stratify_by, seed, progress,
                                   exclusions=exclusions)
    summary = fieldwork.evaluate_computed(uow, audit_id)
    uow.changed.update({"audit", "case", "response"})
    return DrawnSample(drawn, summary)


def replace_unusable(uow: UnitOfWork, case_id: int, reason: str,
                     expected_version: int | None = None) -> Replacement:
    """Set a case aside, bring in the next reserve and answer the reserve's computed criteria."""
    replacement, summary = fieldwork.set_aside(uow, case_id, reason, expected_version)
    uow.changed.update({"case", "response"})
    return Replacement(replacement, summary)


def refresh_after_settings(uow: UnitOfWork) -> dict[int, fieldwork.EvaluationSummary]:
    """After a force-setting change: evaluate again every drawn audit with stale computed answers.

    Returns the evaluation of each audit that changed, by audit id (each is logged for its audit).
    """
    out = {}
    for audit_id in uow.session.scalars(select(Audit.id).where(Audit.seed.is_not(None)).order_by(Audit.id)):
        summary = refresh_computed(uow, audit_id, "settings")
        if summary is not None:
            out[audit_id] = summary
    return out


def computed_now(uow: UnitOfWork, case_id: int) -> dict[str, ComputedNow]:
    """What each computed criterion gives for this case with today's fields and force settings."""
    require(uow.actor, "read")
    case = uow.session.get(SampledCase, case_id)
    if case is None:
        return {}
    template = get_template(uow, get_audit_row(uow, case.audit_id).template_id)
    settings = get_force_settings(uow)
    out = {}
    for c in template.criteria:
        if c.rule is not None:
            outcome = evaluate(c, case.fields or {}, settings)
            out[c.key] = ComputedNow(c.key, outcome.answer, outcome.working)
    return out


def stale_computed(uow: UnitOfWork, audit_id: int) -> int:
    """How many computed answers of the cases in use are missing or differ from what their inputs
    give now (hand overrides are not counted: they are kept on purpose)."""
    require(uow.actor, "read")
    audit = get_audit_row(uow, audit_id)
    template = get_template(uow, audit.template_id)
    rules = [c for c in template.criteria if c.rule is not None]
    if not rules:
        return 0
    settings = get_force_settings(uow)
    cases = list(uow.session.scalars(select(SampledCase).where(
        SampledCase.audit_id == audit.id, SampledCase.state.in_(ACTIVE_STATES))))
    if not cases:
        return 0
    stored = {(r.case_id, r.criterion_key): r for r in uow.session.scalars(select(Response).where(
        Response.case_id.in_([c.id for c in cases]), Response.role == "primary"))}
    stale = 0
    for case in cases:
        for criterion in rules:
            row = stored.get((case.id, criterion.key))
            if row is not None and not row.computed:
                continue
            outcome = evaluate(criterion, case.fields or {}, settings)
            if row is None or row.value != outcome.answer or row.working != outcome.working:
                stale += 1
    return stale


def refresh_computed(uow: UnitOfWork, audit_id: int, why: str = "stale") -> fieldwork.EvaluationSummary | None:
    """Evaluate the computed criteria again if any answer is stale; None (and nothing written) if none is."""
    require(uow.actor, "fieldwork.record")
    if not stale_computed(uow, audit_id):
        return None
    return fieldwork.evaluate_computed(uow, audit_id, why)
