"""Planning audits: template version, findings, sampling plan, target, baseline and rounds.

The plan (stored as JSON on the audit) holds:
``method`` (simple | systematic | stratified), ``size`` (a fixed sample size) or ``sizing``
(confidence, tolerable, expected: attribute sampling, sized with the population once it is
known), ``reserve`` (reserve cases, or None for 10 % of the sample, at least 5 — two per stratum when stratified),
``allocation`` (proportional | equal), ``stratify_by`` (a template field) and ``strata``
(optional list of the strata the population must have). A draw adds ``drawn_size``,
``drawn_reserve`` and a ``sizing_text``; a second-review dip adds ``second_review`` (case ids).

A new round of an existing series (``series`` = its name, or the id of any audit in it) gets
the next round number and, unless given, the previous round's target, baseline figure, RAG
rule, baseline measure and findings.

The baseline measure names the criterion that counts what the baseline figure counts (e.g.
``attended_within_target`` for the inspection's "49 of 82 attended within the required time");
without one the baseline is compared with the case-level compliance. It must be a scored
yes/no/n/a criterion of this audit's own template.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy import func, select

from workbench.errors import InputError, NotFoundError
from workbench.services.access import require
from workbench.services.settings import get_force_settings
from workbench.services.templates import get_template, template_row
from workbench.stats import StatsError, attribute_sample_size
from workbench.store.models import Audit, Finding, KeyFigure, Response, SampledCase, audit_findings
from workbench.store.uow import UnitOfWork

METHODS = ("simple", "systematic", "stratified")
ALLOCATIONS = ("proportional", "equal")
RAG_RULES = ("lower_bound", "point_estimate", "upper_bound")  # upper_bound: stored audits only
PLANNABLE_RULES = ("lower_bound", "point_estimate")
_RAG_ALIASES = {"point": "point_estimate", "lower": "lower_bound", "upper": "upper_bound"}
ACTIVE_STATES = ("active", "replacement")


@dataclass(frozen=True)
class StratumInfo:
    name: str
    population: int
    sample: int
    reserve: int


@dataclass(frozen=True)
class AuditInfo:
    id: int
    version: int
    title: str
    template_id: int
    template_key: str
    template_version: int
    template_name: str
    series: str
    round: int
    status: str
    plan: dict[str, Any]
    seed: int | None
    population_name: str
    population_fingerprint: str
    population_size: int | None
    strata: tuple[StratumInfo, ...]
    column_mapping: dict[str, str]
    target: float | None
    rag_rule: str
    baseline_figure_id: int | None
    baseline_label: str | None
    baseline_measure: str | None
    findings: tuple[tuple[int, str], ...]  # (finding id, reference)
    cases_sampled: int  # drawn into the sample (not reserves)
    cases_active: int  # in use now: sample cases still usable plus replacements
    cases_unusable: int
    reserves_left: int
    cases_answered: int  # active cases with at least one primary answer
    created_by: str
    created_at: datetime | None
    drawn_at: datetime | None
    second_review: tuple[int, ...] = field(default=())


def default_reserve(size: int) -> int:
    """Reserve cases when the plan does not say: 10 % of the sample, at least 5."""
    return max(5, math.ceil(size / 10))


def normalise_rag_rule(rule: str) -> str:
    canonical = _RAG_ALIASES.get(rule, rule)
    if canonical not in RAG_RULES:
        raise InputError(f"unknown RAG rule '{rule}'", "use lower_bound, point or upper_bound")
    return canonical


def check_plannable_rule(rule: str) -> str:
    """A RAG rule a new audit may use: the upper-bound rule rates green on no evidence."""
    canonical = normalise_rag_rule(rule)
    if canonical not in PLANNABLE_RULES:
        raise InputError("the upper-bound RAG rule rates a sample green without evidence (0 of 1 case compliant "
                         "is green against a 75 % target), so audits cannot be planned with it",
                         "use lower_bound (green only when the sample confirms the target) or point; if the force "
                         "settings' default_rag_rule is upper_bound, change it")
    return canonical


def check_baseline_measure(uow: UnitOfWork, template, measure: str | None) -> str | None:
    """The criterion key compared with the baseline, checked against the audit's template."""
    if measure is None or measure in ("", "case"):
        return None
    try:
        criterion = template.criterion(measure)
    except KeyError:
        from workbench.services.templates import list_templates

        elsewhere = [f"{t.key} v{t.version}" for t in list_templates(uow)
                     if t.key != template.key and any(c.get("key") == measure for c in
                                                      (template_definition(uow, t.id) or {}).get("criteria", []))]
        where = f" (it is a criterion of {', '.join(elsewhere)})" if elsewhere else ""
        raise InputError(
            f"the baseline measure '{measure}' is not a criterion of this audit's template "
            f"'{template.key}' v{template.version}{where}",
            "compare the baseline with a criterion of the same audit that counts what the figure counts, "
            "or with the case compliance ('case'); criteria: "
            + ", ".join(c.key for c in template.criteria if c.answer == "yes_no_na" and not c.screening)) from None
    if criterion.answer != "yes_no_na" or criterion.screening:
        raise InputError(f"the baseline measure '{measure}' is not a scored yes/no/n/a criterion",
                         "a screening question or a number/text answer cannot be compared with a rate")
    return measure


def template_definition(uow: UnitOfWork, template_id: int):
    from workbench.store.models import AuditTemplate

    row = uow.session.get(AuditTemplate, template_id)
    return None if row is None else row.definition


def _check_target(value: float | None) -> float | None:
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not 0 <= value <= 1:
        raise InputError(f"the target must be a rate between 0 and 1 (e.g. 0.75 for 75 %), got {value!r}")
    return float(value)


def _baseline(uow: UnitOfWork, figure_id: int) -> KeyFigure:
    fig = uow.session.get(KeyFigure, figure_id)
    if fig is None:
        raise NotFoundError(f"no key figure with id {figure_id}")
    if fig.kind != "proportion" or not fig.denominator or fig.numerator is None or fig.missing_in_source:
        raise InputError(
            f"key figure {figure_id} ({fig.label or fig.kind}) is not a count out of a total",
            "a baseline must be a proportion such as 49 of 82, so the change can be tested",
        )
    return fig


def _series_audits(uow: UnitOfWork, series: str) -> list[Audit]:
    return list(uow.session.scalars(select(Audit).where(Audit.series == series).order_by(Audit.round)))


def resolve_series(uow: UnitOfWork, series: str | int) -> str:
    """A series name, given the name itself or the id of an audit in it."""
    if isinstance(series, int) or (isinstance(series, str) and series.isdigit()):
        audit = uow.session.get(Audit, int(series))
        if audit is not None:
            return audit.series
        if isinstance(series, int):
            raise NotFoundError(f"no audit with id {series}")
    return str(series).strip()


def create_audit(
    uow: UnitOfWork, template_key: str, title: str, finding_ids: Sequence[int] = (), *,
    method: str = "simple", size: int | None = None, confidence: float | None = None,
    tolerable: float | None = None, expected: float | None = None, reserve: int | None = None,
    stratify_by: str | None = None, allocation: str = "proportional", strata: Sequence[str] = (),
    target: float | None = None, rag_rule: str | None = None, baseline_figure_id: int | None = None,
    series: str | int | None = None, template_version: int | None = None, baseline_measure: str | None = None,
) -> AuditInfo:
    """Plan an audit. Give a fixed ``size`` or attribute-sampling inputs (``tolerable`` required;
    ``confidence`` defaults to 0.95 and ``expected`` to 0); the size is then worked out with the
    population size when the sample is drawn. With neither, a template that states a default
    ``sample_size`` (the quality of service self-checks: the inspectorate's file counts) gives it."""
    require(uow.actor, "audits.edit")
    if not title.strip():
        raise InputError("an audit needs a title")
    row = template_row(uow, template_key, template_version)
    template = get_template(uow, row.id)
    if method not in METHODS:
        raise InputError(f"unknown sampling method '{method}'", "use simple, systematic or stratified")
    if allocation not in ALLOCATIONS:
        raise InputError(f"unknown allocation '{allocation}'", "use proportional or equal")
    if stratify_by is not None:
        if stratify_by not in {f.key for f in template.fields}:
            raise InputError(f"template '{template.key}' has no field '{stratify_by}' to stratify by",
                             "fields: " + ", ".join(f.key for f in template.fields))
    if method == "stratified" and not stratify_by:
        raise InputError("a stratified sample needs a field to stratify by", "give stratify_by, e.g. district")
    if strata and method != "stratified":
        raise InputError("strata can only be listed for a stratified sample")
    plan: dict[str, Any] = {"method": method, "allocation": allocation, "stratify_by": stratify_by,
                            "strata": list(strata), "size": None, "sizing": None, "reserve": reserve}
    if size is None and tolerable is None and confidence is None and expected is None \
            and template.sample_size is not None:
        size = template.sample_size  # the template's default (its sample_basis says why)
    if size is not None:
        if confidence is not None or tolerable is not None or expected is not None:
            raise InputError("give either a fixed sample size or sizing inputs, not both")
        if isinstance(size, bool) or not isinstance(size, int) or size < 1:
            raise InputError(f"the sample size must be a whole number of at least 1, got {size!r}")
        plan["size"] = size
    else:
        if tolerable is None:
            raise InputError("no sample size given",
                             "give a fixed size, or the tolerable deviation rate (and confidence, expected rate)")
        sizing = {"confidence": 0.95 if confidence is None else confidence, "tolerable": tolerable,
                  "expected": 0.0 if expected is None else expected}
        try:
            plan["size_without_population"] = attribute_sample_size(
                sizing["confidence"], sizing["tolerable"], sizing["expected"])
        except StatsError as exc:
            raise InputError(f"sample sizing: {exc}") from None
        plan["sizing"] = sizing
    if reserve is not None and (isinstance(reserve, bool) or not isinstance(reserve, int) or reserve < 0):
        raise InputError(f"reserve must be a whole number of at least 0, got {reserve!r}")
    target = _check_target(target)
    settings = get_force_settings(uow)
    previous: Audit | None = None
    series_name = resolve_series(uow, series) if series is not None else ""
    if series_name:
        rounds = _series_audits(uow, series_name)
        previous = rounds[-1] if rounds else None
    if previous is not None:
        target = previous.target if target is None else target
        rag_rule = previous.rag_rule if rag_rule is None else rag_rule
        baseline_figure_id = previous.baseline_figure_id if baseline_figure_id is None else baseline_figure_id
        baseline_measure = previous.baseline_measure if baseline_measure is None else baseline_measure
        if not finding_ids:
            finding_ids = [fid for (fid,) in uow.session.execute(
                select(audit_findings.c.finding_id).where(audit_findings.c.audit_id == previous.id))]
    rule = check_plannable_rule(rag_rule or settings.default_rag_rule)
    if baseline_figure_id is not None:
        _baseline(uow, baseline_figure_id)
    measure = check_baseline_measure(uow, template, baseline_measure)
    if measure is not None and baseline_figure_id is None:
        raise InputError("a baseline measure was given without a baseline figure",
                         "give the key figure it is compared with (baseline_figure_id)")
    found = []
    for fid in dict.fromkeys(finding_ids):
        f = uow.session.get(Finding, fid)
        if f is None:
            raise NotFoundError(f"no finding with id {fid}", "see workbench findings")
        found.append(f)
    audit = Audit(title=title.strip(), template_id=row.id, round=(previous.round + 1) if previous else 1,
                  series=series_name, status="planned", plan=plan, target=target, rag_rule=rule,
                  baseline_figure_id=baseline_figure_id, baseline_measure=measure, created_by=uow.username)
    uow.session.add(audit)
    uow.session.flush()
    if not audit.series:
        audit.series = f"series-{audit.id}"
    for f in found:
        uow.session.execute(audit_findings.insert().values(audit_id=audit.id, finding_id=f.id))
    uow.session.flush()
    uow.log("audit", audit.id, "create", None, {
        "title": audit.title, "template": f"{row.key} v{row.version}", "plan": plan, "target": target,
        "rag_rule": rule, "baseline_figure": baseline_figure_id, "baseline_measure": measure, "series": audit.series,
        "round": audit.round, "findings": [f.id for f in found]})
    return audit_info(uow, audit)


def get_audit_row(uow: UnitOfWork, audit_id: int) -> Audit:
    audit = uow.session.get(Audit, audit_id)
    if audit is None:
        raise NotFoundError(f"no audit with id {audit_id}", "see workbench audit list")
    return audit


def linked_findings(uow: UnitOfWork, audit_id: int) -> tuple[tuple[int, str], ...]:
    rows = uow.session.execute(
        select(Finding.id, Finding.ref).join(audit_findings, audit_findings.c.finding_id == Finding.id)
        .where(audit_findings.c.audit_id == audit_id).order_by(Finding.id))
    return tuple((fid, ref) for fid, ref in rows)


def baseline_label(fig: KeyFigure | None) -> str | None:
    return None if fig is None else f"{fig.numerator} of {fig.denominator}"


def audit_info(uow: UnitOfWork, audit: Audit) -> AuditInfo:
    s = uow.session
    states = dict(s.execute(select(SampledCase.state, func.count()).where(SampledCase.audit_id == audit.id)
                            .group_by(SampledCase.state)).all())
    sampled = s.scalar(select(func.count()).select_from(SampledCase).where(
        SampledCase.audit_id == audit.id, SampledCase.reserve.is_(False))) or 0
    answered = s.scalar(select(func.count(func.distinct(Response.case_id))).join(
        SampledCase, SampledCase.id == Response.case_id).where(
        SampledCase.audit_id == audit.id, SampledCase.state.in_(ACTIVE_STATES),
        Response.role == "primary")) or 0
    strata = tuple(StratumInfo(name, int(v.get("population", 0)), int(v.get("sample", 0)),
                               int(v.get("reserve", 0)))
                   for name, v in sorted((audit.population_strata or {}).items()))
    fig = s.get(KeyFigure, audit.baseline_figure_id) if audit.baseline_figure_id else None
    plan = dict(audit.plan or {})
    return AuditInfo(
        audit.id, audit.version, audit.title, audit.template_id, audit.template.key, audit.template.version,
        audit.template.name, audit.series, audit.round, audit.status, plan, audit.seed,
        audit.population_name, audit.population_fingerprint, audit.population_size, strata,
        dict(audit.column_mapping or {}), audit.target, audit.rag_rule, audit.baseline_figure_id,
        baseline_label(fig), audit.baseline_measure, linked_findings(uow, audit.id), sampled,
        sum(states.get(k, 0) for k in ACTIVE_STATES), states.get("unusable", 0), states.get("reserve", 0),
        answered, audit.created_by, audit.created_at, audit.drawn_at,
        tuple(plan.get("second_review") or ()),
    )


def get_audit(uow: UnitOfWork, audit_id: int) -> AuditInfo:
    require(uow.actor, "read")
    return audit_info(uow, get_audit_row(uow, audit_id))


def list_audits(uow: UnitOfWork, finding_id: int | None = None) -> list[AuditInfo]:
    """Every audit (or those mapped to one finding), by series then round."""
    require(uow.actor, "read")
    q = select(Audit).order_by(Audit.series, Audit.round, Audit.id)
    if finding_id is not None:
        q = q.join(audit_findings, audit_findings.c.audit_id == Audit.id).where(
            audit_findings.c.finding_id == finding_id)
    return [audit_info(uow, a) for a in uow.session.scalars(q)]


def series_rounds(uow: UnitOfWork, series: str) -> list[Audit]:
    return _series_audits(uow, series)


def baseline_figure_of(uow: UnitOfWork, finding_id: int) -> int:
    """The first count-of-total figure (e.g. 49 of 82) a finding cites, to use as an audit baseline."""
    require(uow.actor, "read")
    fig = uow.session.scalar(select(KeyFigure).where(
        KeyFigure.finding_id == finding_id, KeyFigure.kind == "proportion", KeyFigure.denominator.is_not(None),
        KeyFigure.numerator.is_not(None), KeyFigure.missing_in_source.is_(False)).order_by(KeyFigure.position))
    if fig is None:
        raise NotFoundError(f"finding {finding_id} cites no figure of the form 'N of M'",
                            "give the key figure's id instead, or plan the audit without a baseline")
    return fig.id
