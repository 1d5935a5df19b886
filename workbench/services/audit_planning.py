"""Planning an audit in one go, as the window's audit wizard does: check an extract against a
template before any audit exists, then plan, draw and evaluate the computed criteria in a single
unit of work (all or nothing). A new round starts from the plan of an existing one.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from sqlalchemy import select

from workbench.errors import InputError, WorkbenchError
from workbench.importers.population import scan_population
from workbench.importers.population_model import PopulationScan
from workbench.importers.population_suggest import MappingSuggestion, suggest_columns
from workbench.progress import Progress
from workbench.services import audits, fieldwork, population
from workbench.services.access import require
from workbench.services.population_exclusions import NONE, Exclusions
from workbench.services.settings import get_force_settings
from workbench.services.templates import get_template, template_row
from workbench.store.models import Finding, KeyFigure
from workbench.store.uow import UnitOfWork


@dataclass(frozen=True)
class ExtractCheck:
    """The suggested mapping of an extract and its validation report (``scan`` None when the file
    cannot be used at all; ``error`` then says why)."""

    suggestion: MappingSuggestion | None
    scan: PopulationScan | None
    error: str = ""
    hint: str = ""


@dataclass(frozen=True)
class PlanSpec:
    """What the wizard collects: the arguments of ``audits.create_audit``."""

    template_key: str
    title: str
    finding_ids: tuple[int, ...] = ()
    method: str = "simple"
    size: int | None = None
    confidence: float | None = 0.95
    tolerable: float | None = 0.05
    expected: float | None = 0.0
    reserve: int | None = None
    stratify_by: str | None = None
    allocation: str = "proportional"
    strata: tuple[str, ...] = ()
    target: float | None = None
    rag_rule: str | None = None
    baseline_figure_id: int | None = None
    series: str | None = None
    mapping: dict[str, str | None] = field(default_factory=dict)

    def create_args(self) -> dict[str, Any]:
        sizing = ({"size": self.size} if self.size is not None else
                  {"confidence": self.confidence, "tolerable": self.tolerable, "expected": self.expected})
        return dict(method=self.method, reserve=self.reserve, stratify_by=self.stratify_by,
                    allocation=self.allocation, strata=self.strata, target=self.target, rag_rule=self.rag_rule,
                    baseline_figure_id=self.baseline_figure_id, series=self.series, **sizing)


@dataclass(frozen=True)
class PlannedDraw:
    audit: audits.AuditInfo
    draw: population.DrawResult
    evaluation: fieldwork.EvaluationSummary


@dataclass(frozen=True)
class BaselineChoice:
    figure_id: int
    finding_ref: str
    text: str  # "49 of 82: … in the 82 cases we examined, only 49 …"


def check_extract(uow: UnitOfWork, template_key: str, path: str | Path,
                  mapping: Mapping[str, str | None] | None = None, stratify_by: str | None = None,
                  exclusions: Exclusions = NONE, progress: Progress | None = None) -> ExtractCheck:
    """Suggest the mapping and validate ``path`` for a template (no audit needed). Writes nothing.

    A file that cannot be used at all (not CSV/XLSX, empty, a mapping naming a missing column)
    comes back as ``error`` and ``hint`` rather than raising, so the wizard can say it in place.
    """
    require(uow.actor, "read")
    template = get_template(uow, template_row(uow, template_key).id)
    try:
        suggestion = suggest_columns(path, template, mapping)
    except WorkbenchError as exc:
        return ExtractCheck(None, None, exc.message, exc.hint or "choose a CSV or XLSX extract")
    try:
        scan = scan_population(path, template, suggestion.mapping, stratify_by, get_force_settings(uow), progress,
                               **exclusions.checked().importer_args())
    except WorkbenchError as exc:
        return ExtractCheck(suggestion, None, exc.message, exc.hint)
    return ExtractCheck(suggestion, scan)


def plan_and_draw(uow: UnitOfWork, spec: PlanSpec, path: str | Path, *, seed: int | None = None,
                  exclusions: Exclusions = NONE, progress: Progress | None = None) -> PlannedDraw:
    """Plan the audit, draw its sample and answer its computed criteria, in this unit of work.

    Any refusal (bad plan, problems in the extract, a reason missing for an exclusion) raises
    before the unit of work commits, so nothing is written.
    """
    require(uow.actor, "audits.edit")
    if seed is not None and (isinstance(seed, bool) or not isinstance(seed, int) or seed < 0):
        raise InputError(f"the seed must be a whole number of 0 or more, got {seed!r}")
    info = audits.create_audit(uow, spec.template_key, spec.title, list(spec.finding_ids), **spec.create_args())
    drawn = population.draw_sample(uow, info.id, path, spec.mapping or None, None, seed, progress,
                                   exclusions=exclusions)
    summary = fieldwork.evaluate_computed(uow, info.id)
    uow.changed.update({"audit", "case", "response"})
    return PlannedDraw(audits.get_audit(uow, info.id), drawn, summary)


def next_round(uow: UnitOfWork, audit_id: int) -> PlanSpec:
    """The plan of an existing audit as the start of its next round (same series, template,
    findings, sizing, method, strata, target, baseline and column mapping)."""
    require(uow.actor, "read")
    info = audits.get_audit(uow, audit_id)
    plan = info.plan
    sizing = plan.get("sizing") or {}
    spec = PlanSpec(
        info.template_key, info.title, tuple(fid for fid, _ in info.findings), plan.get("method", "simple"),
        plan.get("size"), sizing.get("confidence"), sizing.get("tolerable"), sizing.get("expected"),
        plan.get("reserve"), plan.get("stratify_by"), plan.get("allocation") or "proportional",
        tuple(plan.get("strata") or ()), info.target, info.rag_rule, info.baseline_figure_id, info.series,
        dict(info.column_mapping))
    if spec.size is None and spec.tolerable is None:
        spec = replace(spec, confidence=0.95, tolerable=0.05, expected=0.0)
    return spec


def baseline_choices(uow: UnitOfWork, finding_ids: Sequence[int]) -> list[BaselineChoice]:
    """The count-of-total figures (e.g. 49 of 82) the findings cite, to compare an audit with."""
    require(uow.actor, "read")
    if not finding_ids:
        return []
    rows = uow.session.execute(
        select(KeyFigure, Finding.ref).join(Finding, Finding.id == KeyFigure.finding_id).where(
            KeyFigure.finding_id.in_(list(finding_ids)), KeyFigure.kind == "proportion",
            KeyFigure.denominator.is_not(None), KeyFigure.numerator.is_not(None),
            KeyFigure.missing_in_source.is_(False)).order_by(Finding.id, KeyFigure.position))
    out = []
    for fig, ref in rows:
        sentence = " ".join((fig.sentence or "").split())
        out.append(BaselineChoice(fig.id, ref, f"{fig.numerator} of {fig.denominator} ({ref})"
                                  + (f": {sentence[:140]}" if sentence else "")))
    return out

