"""The population of an audit: validate the extract, size and draw the sample, verify a redraw.

A draw is recorded so that anyone holding the same extract can redraw it (docs/sampling.md):
the seed, the plan (method, size, reserve, allocation, strata), the column mapping and the
population fingerprint (its scheme recorded with it) and the SHA-256 of the extract file itself.
``verify_draw`` repeats the draw from a file and says whether it holds the same rows in the mapped
columns (the fingerprint, under the scheme the audit recorded), whether it is the very same file
(its SHA-256) and whether the redraw picks the same sample.
"""

from __future__ import annotations

import hashlib
import math
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sqlalchemy import delete, func, select

from workbench.errors import InputError, WorkbenchError
from workbench.importers.population import (
    FINGERPRINT_SCHEME,
    PopulationScan,
    cases_from_scan,
    read_cases,
    scan_population,
)
from workbench.importers.population_model import BLANK_STRATUM, RowProblem
from workbench.importers.population_suggest import suggest_columns
from workbench.progress import Progress
from workbench.services.access import require
from workbench.services.audits import default_reserve, get_audit_row
from workbench.services.population_exclusions import NONE as NO_EXCLUSIONS
from workbench.services.population_exclusions import Exclusions, from_plan
from workbench.services.population_exclusions import record as exclusion_record
from workbench.services.settings import get_force_settings
from workbench.services.templates import get_template
from workbench.stats import Draw, SamplingPlan, StatsError, attribute_sample_size, new_seed
from workbench.stats.selection import draw_ranked, seed_key
from workbench.store.models import Audit, EvidenceLink, Response, SampledCase, utcnow
from workbench.store.uow import UnitOfWork
from workbench.templates import Template
from workbench.wording import counted

_SHOWN_PROBLEMS = 5


class DrawRefusedError(WorkbenchError, ValueError):
    """The extract or the plan does not allow a draw. ``problems`` lists the rows/columns at fault."""

    def __init__(self, message: str, hint: str = "", path: str | None = None,
                 problems: tuple[RowProblem, ...] = ()) -> None:
        self.path = path
        self.problems = problems
        super().__init__(message, hint)


@dataclass(frozen=True)
class DrawResult:
    audit_id: int
    seed: int
    method: str
    size: int
    reserve: int
    sizing_text: str
    population_name: str
    population_rows: int
    population_cases: int
    fingerprint: str
    strata: dict[str, dict[str, int]]  # name -> population, sample, reserve
    selected: tuple[str, ...]
    reserves: tuple[str, ...]
    mapping: dict[str, str]


def effective_mapping(path: str | Path, template: Template,
                      mapping: Mapping[str, str | None] | None) -> dict[str, str | None]:
    """The suggested mapping for the file's headers and contents, overridden by the mapping given
    (a field given None or "" is left unmapped)."""
    return suggest_columns(path, template, mapping).mapping


def preview_population(uow: UnitOfWork, audit_id: int, path: str | Path,
                       mapping: Mapping[str, str | None] | None = None, stratify_by: str | None = None,
                       progress: Progress | None = None, exclusions: Exclusions = NO_EXCLUSIONS) -> PopulationScan:
    """The validation report of an extract for this audit's template (less the exclusions). Writes nothing."""
    require(uow.actor, "read")
    audit = get_audit_row(uow, audit_id)
    template = get_template(uow, audit.template_id)
    stratify_by = stratify_by or (audit.plan or {}).get("stratify_by")
    return scan_population(path, template, effective_mapping(path, template, mapping), stratify_by,
                           get_force_settings(uow), progress, **exclusions.checked().importer_args())


def summarise_problems(scan: PopulationScan, limit: int = _SHOWN_PROBLEMS) -> str:
    parts = []
    for p in scan.problems[:limit]:
        where = ", ".join(x for x in (f"row {p.row}" if p.row is not None else "",
                                      f"column '{p.column}'" if p.column else "",
                                      f"field '{p.field}'" if p.field and not p.column else "") if x)
        value = f" ({p.value!r})" if p.value else ""
        parts.append(f"{where}{value}: {p.message}" if where else p.message)
    more = scan.problem_total - min(limit, len(scan.problems))
    return "; ".join(parts) + (f"; and {more} more" if more > 0 else "")


def _phase(progress: Progress | None, index: int, phases: int) -> Progress | None:
    """Scale one phase's (done, total) into a share of a single 0..1000*phases bar."""
    if progress is None:
        return None

    def report(done: int, total: int | None) -> None:
        share = min(1.0, done / total) if total else 0.0
        progress(index * 1000 + int(share * 1000), phases * 1000)

    return report


def _size(audit: Audit, cases: int) -> tuple[int, str]:
    plan = audit.plan or {}
    if plan.get("size") is not None:
        size = int(plan["size"])
        if size > cases:
            raise DrawRefusedError(
                f"the sample size ({size}) is larger than the population ({cases:,} cases); nothing was drawn",
                "plan a smaller sample or use a fuller extract")
        return size, f"fixed sample size of {size}"
    sizing = plan["sizing"]
    try:
        size = attribute_sample_size(sizing["confidence"], sizing["tolerable"], sizing["expected"], cases)
    except StatsError as exc:
        raise DrawRefusedError(f"sample sizing: {exc}") from None
    allowed = math.ceil(round(sizing["expected"] * size, 9))
    text = (f"attribute sampling: {_pct(sizing['confidence'])} confidence, tolerable deviation rate "
            f"{_pct(sizing['tolerable'])}, expected {_pct(sizing['expected'])}, population {cases:,} "
            f"→ {size} cases" + (" (every case: a census)" if size == cases else
                                 f", allowing {allowed} deviation{'s' if allowed != 1 else ''}"))
    return size, text


def file_sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def _fingerprint_under(scan: PopulationScan, scheme: str) -> str:
    """The extract's fingerprint under the scheme an audit recorded."""
    return scan.fingerprint_v1 if scheme == "population-v1" else scan.fingerprint


def _pct(rate: float) -> str:
    return f"{rate * 100:.2f}".rstrip("0").rstrip(".") + " %"


def _check_strata(audit: Audit, scan: PopulationScan, template: Template, size: int, column: str) -> None:
    plan = audit.plan or {}
    if plan.get("method") != "stratified":
        return
    field = template.field(plan["stratify_by"])
    blank = scan.strata.get(BLANK_STRATUM, 0)
    if blank:
        raise DrawRefusedError(
            f"{counted(blank, 'case')} {'has' if blank == 1 else 'have'} no {field.label} (column '{column}' is "
            f"empty), so {'it belongs' if blank == 1 else 'they belong'} to no stratum; nothing was drawn",
            "fill in the column or choose another field to stratify by")
    wanted = list(plan.get("strata") or ())
    empty = [s for s in wanted if not scan.strata.get(s)]
    if empty:
        raise DrawRefusedError(
            f"stratum {', '.join(repr(s) for s in empty)} has no rows in the population (column '{column}'); "
            "nothing was drawn", "remove it from the plan's strata or use an extract that covers it")
    extra = sorted(set(scan.strata) - set(wanted)) if wanted else []
    if extra:
        raise DrawRefusedError(
            f"the population has {field.label} values the plan does not list: {', '.join(extra)}; nothing was drawn",
            "add them to the plan's strata or filter the extract")
    if size < len(scan.strata):
        raise DrawRefusedError(
            f"a sample of {size} cannot give each of the {len(scan.strata)} strata at least one case; "
            "nothing was drawn", "plan a larger sample or stratify by a field with fewer values")


def _sampling_plan(plan: Mapping[str, Any], size: int, reserve: int) -> SamplingPlan:
    return SamplingPlan(plan["method"], size, reserve, plan.get("allocation") or "proportional",
                        tuple(plan.get("strata") or ()) if plan["method"] == "stratified" else ())


def _strata_counts(result: Draw, scan: PopulationScan) -> dict[str, dict[str, int]]:
    counts: dict[str, dict[str, int]] = {name: {"population": n, "sample": 0, "reserve": 0}
                                         for name, n in scan.strata.items()}
    for pick in result.selected:
        if pick.stratum is not None:
            counts.setdefault(pick.stratum, {"population": 0, "sample": 0, "reserve": 0})["sample"] += 1
    for pick in result.reserves:
        if pick.stratum is not None:
            counts.setdefault(pick.stratum, {"population": 0, "sample": 0, "reserve": 0})["reserve"] += 1
    return counts


def _keep_bound(plan: Mapping[str, Any]) -> int:
    """How many rows per group the scan keeps for the draw: more than the sample and reserves need
    (any shortfall is read again, never guessed)."""
    if plan.get("method") == "systematic":
        return 0  # systematic picks do not follow the priorities
    size = plan.get("size")
    if size is None:
        sizing = plan.get("sizing") or {}
        try:  # the size for an unlimited population bounds the size for any population
            size = attribute_sample_size(sizing["confidence"], sizing["tolerable"], sizing["expected"])
        except (KeyError, TypeError, StatsError):
            size = 1000
    size = int(size)
    reserve = plan.get("reserve")
    reserve = int(reserve) if reserve is not None else max(default_reserve(size), 64)
    return size + reserve


def _draw(scan: PopulationScan, sampling: SamplingPlan, seed: int, progress: Progress | None) -> Draw:
    """The draw from the keys of the scan (no second read of the extract)."""
    keys = scan.keys
    result = draw_ranked(keys.refs, keys.strata, keys.digests, sampling, seed)
    if progress is not None:
        _phase(progress, 1, 2)(len(keys.refs), len(keys.refs))  # type: ignore[misc]
    return result


def draw_sample(uow: UnitOfWork, audit_id: int, path: str | Path,
                mapping: Mapping[str, str | None] | None = None, stratify_by: str | None = None,
                seed: int | None = None, progress: Progress | None = None,
                exclusions: Exclusions = NO_EXCLUSIONS) -> DrawResult:
    """Validate the extract, size the sample, draw it and store the sampled and reserve cases.

    Refused (nothing written) when the extract has problems (other than rows left out by
    ``exclusions``, which need a reason), the sample is larger than the population, a stratum
    has no rows, or the audit already has fieldwork answers.
    """
    require(uow.actor, "audits.edit")
    exclusions = exclusions.checked()
    leave_out = exclusions.importer_args()
    path = Path(path)
    audit = get_audit_row(uow, audit_id)
    s = uow.session
    answers = s.scalar(select(func.count()).select_from(Response).join(
        SampledCase, SampledCase.id == Response.case_id).where(SampledCase.audit_id == audit.id)) or 0
    if answers:
        raise DrawRefusedError(
            f"audit {audit.id} already has {counted(answers, 'fieldwork answer')}; redrawing would discard them, "
            "so nothing was drawn", "plan a new audit (or a new round) for a new sample")
    linked = s.scalar(select(func.count()).select_from(EvidenceLink).join(
        SampledCase, SampledCase.id == EvidenceLink.case_id).where(SampledCase.audit_id == audit.id)) or 0
    if linked:
        raise DrawRefusedError(f"audit {audit.id} has evidence attached to its cases; nothing was drawn",
                               "plan a new audit for a new sample")
    template = get_template(uow, audit.template_id)
    plan = dict(audit.plan or {})
    if stratify_by is not None and stratify_by != plan.get("stratify_by"):
        if plan.get("method") == "stratified":
            raise InputError(f"this audit is stratified by '{plan.get('stratify_by')}', not '{stratify_by}'",
                             "plan a new audit to stratify by another field")
        plan["stratify_by"] = stratify_by
    stratify_by = plan.get("stratify_by")
    columns = effective_mapping(path, template, mapping)
    seed = new_seed() if seed is None else seed
    try:
        seed_key(seed)
    except StatsError as exc:
        raise DrawRefusedError(f"{path.name}: {exc}; nothing was drawn") from None
    # one read of the extract: the scan keys every case for this seed and keeps the rows the draw can pick
    scan = scan_population(path, template, columns, stratify_by, get_force_settings(uow), _phase(progress, 0, 2),
                           **leave_out, seed=seed, keep=_keep_bound(plan),
                           keep_per_stratum=plan.get("method") == "stratified")
    if not scan.ok:
        raise DrawRefusedError(
            f"{path.name}: the extract has {counted(scan.problem_total, 'problem')}, so nothing was drawn: "
            f"{summarise_problems(scan)}",
            "fix the extract or the column mapping (workbench audit population shows the full report)",
            str(path), scan.problems)
    size, sizing_text = _size(audit, scan.cases)
    if stratify_by:
        _check_strata(audit, scan, template, size, scan.mapping.get(stratify_by) or stratify_by)
    reserve = plan.get("reserve")
    if reserve is None:
        # by default every stratum keeps at least one reserve, so any unusable case can be replaced
        reserve = max(default_reserve(size), 2 * len(scan.strata) if plan["method"] == "stratified" else 0)
    else:
        reserve = int(reserve)
    reserve = min(reserve, scan.cases - size)
    try:
        result = _draw(scan, _sampling_plan(plan, size, reserve), seed, progress)
    except StatsError as exc:
        raise DrawRefusedError(f"{path.name}: {exc}; nothing was drawn") from None
    picks = {p.ref for p in (*result.selected, *result.reserves)}
    fields = cases_from_scan(scan, template, picks)
    if fields is None:  # a pick the scan did not keep (a systematic draw, a plan over the bound): read them
        fields = read_cases(path, template, scan.mapping, picks, **leave_out)
    before = {"seed": audit.seed, "fingerprint": audit.population_fingerprint} if audit.seed else None
    s.execute(delete(SampledCase).where(SampledCase.audit_id == audit.id))
    for pick in result.selected:
        s.add(SampledCase(audit_id=audit.id, ref=pick.ref, stratum=pick.stratum, order=pick.order,
                          reserve=False, state="active", fields=fields.get(pick.ref, {})))
    for pick in result.reserves:
        s.add(SampledCase(audit_id=audit.id, ref=pick.ref, stratum=pick.stratum, order=size + pick.order,
                          reserve=True, state="reserve", fields=fields.get(pick.ref, {})))
    strata = _strata_counts(result, scan) if stratify_by else {}
    plan.update({"drawn_size": size, "drawn_reserve": len(result.reserves), "sizing_text": sizing_text})
    plan.pop("extract_period", None)
    if scan.date_span is not None:
        plan["extract_period"] = {"field": scan.date_field, "first": scan.date_span[0], "last": scan.date_span[1]}
    excluded = exclusion_record(exclusions, scan)
    plan.pop("exclusions", None)
    if excluded is not None:
        plan["exclusions"] = excluded
    audit.plan = plan
    audit.seed = seed
    audit.population_name = path.name
    audit.population_fingerprint = scan.fingerprint
    audit.fingerprint_scheme = FINGERPRINT_SCHEME
    audit.population_file_sha256 = file_sha256(path)
    audit.population_size = scan.cases
    audit.population_strata = strata
    audit.column_mapping = dict(scan.mapping)
    audit.drawn_at = utcnow()
    audit.status = "drawn"
    s.flush()
    uow.log("audit", audit.id, "draw", before, {
        "seed": seed, "fingerprint": scan.fingerprint, "fingerprint_scheme": FINGERPRINT_SCHEME,
        "file_sha256": audit.population_file_sha256, "population": path.name, "cases": scan.cases,
        "size": size, "reserve": len(result.reserves), "method": plan["method"], "strata": strata,
        "mapping": scan.mapping, **({"exclusions": {k: v for k, v in excluded.items() if k != "invalid_listed"}}
                                    if excluded is not None else {})})
    uow.changed.add("case")
    if progress is not None:
        progress(2000, 2000)
    return DrawResult(audit.id, seed, plan["method"], size, len(result.reserves), sizing_text, path.name,
                      scan.rows, scan.cases, scan.fingerprint, strata,
                      tuple(p.ref for p in result.selected), tuple(p.ref for p in result.reserves),
                      dict(scan.mapping))


def verify_draw(uow: UnitOfWork, audit_id: int, path: str | Path,
                progress: Progress | None = None) -> tuple[bool, str]:
    """Redraw from ``path`` with the recorded seed, plan and mapping; (same, explanation).

    Same means: the extract holds the recorded rows in the mapped columns (its fingerprint under
    the audit's recorded scheme matches, in any row order) and the redraw picks exactly the
    recorded sample and reserves, in the recorded order. The explanation also says whether it is
    the very same file (SHA-256) or another file with the same rows in those columns (other
    columns, formatting or row order may differ).
    """
    require(uow.actor, "read")
    path = Path(path)
    audit = get_audit_row(uow, audit_id)
    plan = audit.plan or {}
    if audit.seed is None or "drawn_size" not in plan:
        return False, f"audit {audit.id} has not been drawn yet; there is nothing to compare"
    template = get_template(uow, audit.template_id)
    stratify_by = plan.get("stratify_by")
    leave_out = from_plan(plan).importer_args()
    try:
        scan = scan_population(path, template, audit.column_mapping, stratify_by, None, _phase(progress, 0, 2),
                               **leave_out, seed=audit.seed)
        result = _draw(scan, _sampling_plan(plan, plan["drawn_size"], plan["drawn_reserve"]), audit.seed, progress)
        digest = file_sha256(path)
    except (WorkbenchError, OSError) as exc:
        return False, f"{path.name} cannot be redrawn with the recorded plan: {exc}"
    stored = uow.session.scalars(select(SampledCase).where(SampledCase.audit_id == audit.id)
                                 .order_by(SampledCase.order)).all()
    want_sel = [(c.ref, c.stratum) for c in stored if not c.reserve]
    want_res = [(c.ref, c.stratum) for c in stored if c.reserve]
    got_sel = [(p.ref, p.stratum) for p in result.selected]
    got_res = [(p.ref, p.stratum) for p in result.reserves]
    scheme = audit.fingerprint_scheme or "population-v1"
    fingerprint = _fingerprint_under(scan, scheme)
    same_rows = fingerprint == audit.population_fingerprint
    same_picks = got_sel == want_sel and got_res == want_res
    recorded_file = audit.population_file_sha256 or ""
    if not recorded_file:
        file_words = "the SHA-256 of the original file was not recorded for this audit"
    elif digest == recorded_file:
        file_words = f"it is the very file the sample was drawn from (SHA-256 {digest[:16]}…)"
    else:
        file_words = (f"it is not the same file as {audit.population_name} (SHA-256 {digest[:16]}… against "
                      f"{recorded_file[:16]}…): other columns, formatting or the row order may differ")
    if same_rows and same_picks:
        return True, (f"the same rows in the mapped columns: {path.name} holds the rows the sample was drawn from "
                      f"(fingerprint {fingerprint[:16]}…, scheme {scheme}, {scan.cases:,} cases); {file_words}; "
                      f"seed {audit.seed} redraws the same {len(got_sel)} cases and {len(got_res)} reserves in "
                      "the same order")
    parts = []
    if not same_rows:
        parts.append(f"{path.name} does not hold the rows the sample was drawn from: its fingerprint is "
                     f"{fingerprint[:16]}…, the recorded one {audit.population_fingerprint[:16]}… (scheme {scheme}; "
                     f"{scan.cases:,} cases now, {audit.population_size or 0:,} then)")
    if same_picks:
        parts.append(f"the redraw with seed {audit.seed} still selects the same cases")
    else:
        differ = len({r for r, _ in want_sel} ^ {r for r, _ in got_sel}) // 2
        parts.append(f"the redraw with seed {audit.seed} selects a different sample "
                     f"({differ} of {len(want_sel)} cases differ"
                     + ("" if differ else "; the order or reserves differ") + ")")
    return False, "; ".join(parts)
