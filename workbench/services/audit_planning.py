"""Planning an audit in one go, as the window's audit wizard does: check an extract against a
template before any audit exists, then plan, draw and evaluate the computed criteria in a single
unit of work (all or nothing). A new round starts from the plan of an existing one; an audit
planned but not drawn yet (``workbench audit new``, the assurance plan's "Start as a new round")
is drawn from its own plan by ``draw_planned``, with the same checks, exclusions and evaluation.

Also the rules the wizard's pages ask so they can say a problem in place with the service's words:
the seed's range (``seed_problem`` / ``check_seed``), which measures a baseline can be compared with
(``baseline_measures``), which fields suit strata (``strata_fields``).
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from sqlalchemy import select

from workbench.errors import InputError, NotFoundError, WorkbenchError
from workbench.importers.population import scan_population
from workbench.importers.population_model import PopulationScan
from workbench.importers.population_suggest import MappingSuggestion, suggest_columns
from workbench.limits import read_input
from workbench.progress import Progress
from workbench.services import audits, fieldwork, population
from workbench.services.access import require
from workbench.services.population_exclusions import NONE, Exclusions, parse_exclusions_file
from workbench.services.settings import get_force_settings
from workbench.services.templates import get_template, template_row
from workbench.stats.selection import SEED_LIMIT
from workbench.store.models import Finding, KeyFigure
from workbench.store.uow import UnitOfWork
from workbench.templates import Template

#: the largest seed a draw accepts (seeds stay exact in JSON numbers and Excel cells)
SEED_MAX = SEED_LIMIT - 1
SEED_RULE = f"a seed is a whole number between 1 and {SEED_MAX:,}"
#: the baseline compared with the case compliance (every critical criterion met), not one criterion
CASE_COMPLIANCE = "case"
#: a text field suits strata when the first rows hold at most this many distinct values
MAX_STRATA = 12


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
    #: what the baseline figure is compared with: ``CASE_COMPLIANCE`` or a scored criterion's key
    #: (None: as the previous round of the series, else the case compliance)
    baseline_measure: str | None = None

    def create_args(self) -> dict[str, Any]:
        sizing = ({"size": self.size} if self.size is not None else
                  {"confidence": self.confidence, "tolerable": self.tolerable, "expected": self.expected})
        return dict(method=self.method, reserve=self.reserve, stratify_by=self.stratify_by,
                    allocation=self.allocation, strata=self.strata, target=self.target, rag_rule=self.rag_rule,
                    baseline_figure_id=self.baseline_figure_id, series=self.series,
                    baseline_measure=self.baseline_measure, **sizing)


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


@dataclass(frozen=True)
class MeasureChoice:
    """A measure the baseline can be compared with: ``key`` is ``CASE_COMPLIANCE`` or a criterion."""

    key: str
    label: str  # short, for a list
    words: str  # what the comparison means


@dataclass(frozen=True)
class StrataField:
    key: str
    label: str
    why: str  # "its choices", "5 distinct values in the first rows"


# -- the seed -------------------------------------------------------------------------------------
def seed_problem(text: str) -> str:
    """Why ``text`` (what a person typed; commas and spaces allowed) is not a seed ("" if it is one,
    or if it is empty: a fresh seed is drawn then)."""
    cleaned = re.sub(r"[,\s]", "", text)
    if not cleaned:
        return ""
    if not re.fullmatch(r"[0-9]+", cleaned, flags=re.ASCII):
        return f"“{text.strip()}” is not a whole number: {SEED_RULE}, such as 20250114."
    return _range_problem(int(cleaned))


def _range_problem(seed: int) -> str:
    if not 1 <= seed <= SEED_MAX:
        shown = f"{seed:,}" if len(str(seed)) <= 30 else f"a number of {len(str(seed))} digits"
        return f"{shown} is out of range: {SEED_RULE}."
    return ""


def parse_seed(text: str) -> int | None:
    """The seed a person typed (None when empty), or an InputError in ``seed_problem``'s words."""
    problem = seed_problem(text)
    if problem:
        raise InputError(problem, "leave the seed empty for a fresh random one (it is recorded)")
    cleaned = re.sub(r"[,\s]", "", text)
    return int(cleaned) if cleaned else None


def check_seed(seed: int | None) -> int | None:
    """A seed given to a draw: None (a fresh one) or a whole number in range, else InputError."""
    if seed is None:
        return None
    if isinstance(seed, bool) or not isinstance(seed, int):
        raise InputError(f"{seed!r} is not a whole number: {SEED_RULE}")
    problem = _range_problem(seed)
    if problem:
        raise InputError(problem, "leave the seed empty for a fresh random one (it is recorded)")
    return seed


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
    seed = check_seed(seed)
    exclusions = exclusions.checked()  # before anything is written: a reason for every exclusion
    info = audits.create_audit(uow, spec.template_key, spec.title, list(spec.finding_ids), **spec.create_args())
    return _draw(uow, info.id, path, spec.mapping or None, seed, exclusions, progress)


def draw_planned(uow: UnitOfWork, audit_id: int, path: str | Path,
                 mapping: Mapping[str, str | None] | None = None, *, seed: int | None = None,
                 exclusions: Exclusions = NONE, progress: Progress | None = None) -> PlannedDraw:
    """Draw an audit that was planned but not drawn yet (``workbench audit new``, the assurance
    plan's "Start as a new round") from its own plan, and answer its computed criteria: the same
    checks, exclusions and evaluation as ``plan_and_draw``, on that audit rather than a new one.

    Refused when the audit has been drawn already (its next round is a new audit)."""
    require(uow.actor, "audits.edit")
    seed = check_seed(seed)
    exclusions = exclusions.checked()
    info = audits.get_audit(uow, audit_id)
    if info.seed is not None or info.cases_sampled:
        raise InputError(f"“{info.title}” (round {info.round}) has been drawn already",
                         "plan its next round (New round… / workbench audit new --series) for a new sample")
    return _draw(uow, audit_id, path, mapping, seed, exclusions, progress)


def _draw(uow: UnitOfWork, audit_id: int, path: str | Path, mapping: Mapping[str, str | None] | None,
          seed: int | None, exclusions: Exclusions, progress: Progress | None) -> PlannedDraw:
    drawn = population.draw_sample(uow, audit_id, path, mapping, None, seed, progress, exclusions=exclusions)
    summary = fieldwork.evaluate_computed(uow, audit_id)
    uow.changed.update({"audit", "case", "response"})
    return PlannedDraw(audits.get_audit(uow, audit_id), drawn, summary)


def _spec_of(info: audits.AuditInfo, mapping: Mapping[str, str | None]) -> PlanSpec:
    plan = info.plan
    sizing = plan.get("sizing") or {}
    spec = PlanSpec(
        info.template_key, info.title, tuple(fid for fid, _ in info.findings), plan.get("method", "simple"),
        plan.get("size"), sizing.get("confidence"), sizing.get("tolerable"), sizing.get("expected"),
        plan.get("reserve"), plan.get("stratify_by"), plan.get("allocation") or "proportional",
        tuple(plan.get("strata") or ()), info.target, info.rag_rule, info.baseline_figure_id, info.series,
        dict(mapping), info.baseline_measure or (CASE_COMPLIANCE if info.baseline_figure_id else None))
    if spec.size is None and spec.tolerable is None:
        spec = replace(spec, confidence=0.95, tolerable=0.05, expected=0.0)
    return spec


def next_round(uow: UnitOfWork, audit_id: int) -> PlanSpec:
    """The plan of an existing audit as the start of its next round (same series, template,
    findings, sizing, method, strata, target, baseline, baseline measure and column mapping)."""
    require(uow.actor, "read")
    info = audits.get_audit(uow, audit_id)
    return _spec_of(info, info.column_mapping)


def plan_of(uow: UnitOfWork, audit_id: int) -> PlanSpec:
    """The plan of an audit not drawn yet, for the wizard to draw it (``draw_planned``): its own
    template, findings, sizing, method, target, baseline and measure; the column mapping of the
    latest drawn round of its series, if any, as the mapping to start from."""
    require(uow.actor, "read")
    info = audits.get_audit(uow, audit_id)
    mapping: Mapping[str, str | None] = info.column_mapping
    if not mapping:
        drawn = [a for a in audits.series_rounds(uow, info.series) if a.id != info.id and a.column_mapping]
        mapping = dict(drawn[-1].column_mapping) if drawn else {}
    return _spec_of(info, mapping)


def round_words(uow: UnitOfWork, audit_id: int, *, drawing: bool = False) -> str:
    """The round in words, for the wizard's summary: "Round 2 of “Attendance audit” (after round 1,
    drawn 14 Jan 2025): …" — the series named by its audits, never by its stored id."""
    require(uow.actor, "read")
    info = audits.get_audit(uow, audit_id)
    rounds = audits.series_rounds(uow, info.series)
    if drawing:
        when = f", planned {info.created_at:%d %b %Y}" if info.created_at else ""
        by = f" by {info.created_by}" if info.created_by else ""
        return (f"Round {info.round} of “{info.title}”{when}{by}: drawn now with the plan it was given "
                "(template, findings, baseline and sample size).")
    last = rounds[-1] if rounds else None
    if last is None:
        raise NotFoundError(f"no audit with id {audit_id}")
    drawn = f", drawn {last.drawn_at:%d %b %Y}" if last.drawn_at else ", not drawn yet"
    return (f"Round {last.round + 1} of “{last.title}” (after round {last.round}{drawn}): "
            "the same template, and its findings and baseline unless changed here.")


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



def baseline_measures(uow: UnitOfWork, template_key: str) -> list[MeasureChoice]:
    """What a baseline figure can be compared with for this template: the case compliance, or one
    scored yes/no/n/a criterion (the rule of ``audits.check_baseline_measure``)."""
    require(uow.actor, "read")
    template = get_template(uow, template_row(uow, template_key).id)
    out = [MeasureChoice(CASE_COMPLIANCE, "Case compliance",
                         "compares the figure with the share of cases that meet every critical criterion — "
                         "for a figure that counted whole cases handled correctly")]
    for c in template.criteria:
        try:
            audits.check_baseline_measure(uow, template, c.key)
        except InputError:
            continue
        short = c.question if len(c.question) <= 90 else c.question[:89].rsplit(" ", 1)[0] + "…"
        out.append(MeasureChoice(c.key, f"Criterion: {short}",
                                 f"compares the figure with the share of cases answered yes to “{c.question}” — "
                                 "for a figure that counted only this (e.g. attendance within the target time)"))
    return out


def strata_fields(template: Template, check: ExtractCheck | None) -> list[StrataField]:
    """The mapped fields that suit strata: a choice field, or a text field with few distinct values
    in the first rows of the extract (a district, a team) — never a reference, a personal field or
    free text such as a rationale."""
    suggestion = check.suggestion if check is not None else None
    if suggestion is None:
        return []
    out = []
    for f in template.fields:
        column = suggestion.mapping.get(f.key)
        if not column or f.reference or f.personal:
            continue
        if f.type == "choice":
            out.append(StrataField(f.key, f.label, "its choices"))
        elif f.type == "text":
            distinct, present = suggestion.distinct.get(column, (0, 0))
            if 2 <= distinct <= MAX_STRATA and distinct * 2 <= present:
                out.append(StrataField(f.key, f.label, f"{distinct} distinct values in the first rows"))
    return out


def parse_row_numbers(text: str) -> list[int]:
    """Spreadsheet row numbers a person typed: "14, 27-30" (commas or spaces between, ranges with a
    dash). An InputError says what is wrong; the rows' own rule (a data row, not the header) is
    ``Exclusions.checked``'s."""
    rows: list[int] = []
    for part in re.split(r"[,;\s]+", text.strip()):
        if not part:
            continue
        found = re.fullmatch(r"([0-9]+)(?:[-–]([0-9]+))?", part, flags=re.ASCII)
        if found is None:
            raise InputError(f"“{part}” is not a row number", "give spreadsheet row numbers such as 14, 27-30")
        first, last = int(found[1]), int(found[2] or found[1])
        if last < first or last - first > 100_000:
            raise InputError(f"“{part}” is not a range of rows", "write a range low to high, e.g. 27-30")
        rows.extend(range(first, last + 1))
    if not rows:
        raise InputError("no row numbers given", "give spreadsheet row numbers such as 14, 27-30")
    return list(dict.fromkeys(rows))


def read_exclusions_file(path: str | Path) -> dict[int, str]:
    """The rows of an exclusions file, as ``workbench audit draw --exclusions FILE`` reads it: a UTF-8
    CSV of ROW,REASON lines (a header line allowed)."""
    path = Path(path)
    try:
        text = read_input(path).decode("utf-8-sig")
    except OSError as exc:
        raise InputError(f"cannot read {path.name}: {exc.strerror or exc}", "give a UTF-8 CSV of ROW,REASON lines") from None
    except UnicodeDecodeError as exc:
        raise InputError(f"cannot read {path.name}: {exc}", "give a UTF-8 CSV of ROW,REASON lines") from None
    return parse_exclusions_file(text, path.name)
