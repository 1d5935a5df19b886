"""Plain, frozen data for a self-assessment pack (PDF and Excel render the same PackData).

Rates are fractions in [0, 1] (0.598 means 59.8 %). Every string may come from a user and is
escaped or guarded by the writers, never here. A ``Count`` is a whole number, or in a release copy
the text "<N" that stands for a small count (see ``pack_redaction``); writers print it as it is. ``sample_pack_data()`` (in ``pack_sample``) builds a
realistic Norfolk pack for tests and previews.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date, datetime

from workbench.errors import WorkbenchError

PACK_STATUSES = ("draft", "submitted", "approved", "superseded")
READINESS_LEVELS = ("ready", "partly ready", "not ready")
RAG_LEVELS = ("green", "amber", "red", "indicative")  # indicative: a small sample, shown neutral
Count = int | str  # a number of cases, or "<N" where a release copy suppresses a small count


class PackError(WorkbenchError, ValueError):
    """Pack data or the output location is unusable; ``field`` / ``path`` say where."""

    def __init__(self, message: str, *, field: str | None = None, path: str | None = None) -> None:
        self.field = field
        self.path = path
        where = []
        if field:
            where.append(f"field {field!r}")
        if path:
            where.append(f"path {path!r}")
        super().__init__(f"{message} ({', '.join(where)})" if where else message)


def _check_choice(value: str, allowed: tuple[str, ...], field_name: str) -> None:
    if value not in allowed:
        raise PackError(
            f"{value!r} is not one of {', '.join(allowed)}; pick one of those values",
            field=field_name,
        )


@dataclass(frozen=True)
class RateWithInterval:
    """``successes`` of ``n`` with point estimate and 95 % interval (fractions)."""

    successes: int
    n: int
    point: float
    low: float
    high: float

    def __post_init__(self) -> None:
        if self.n < 0 or self.successes < 0 or self.successes > self.n:
            raise PackError(
                f"successes {self.successes} must lie between 0 and n={self.n}",
                field="RateWithInterval.successes",
            )
        for name in ("point", "low", "high"):
            value = getattr(self, name)
            if not 0.0 <= value <= 1.0:
                raise PackError(f"{name}={value} must be a fraction between 0 and 1",
                                field=f"RateWithInterval.{name}")


@dataclass(frozen=True)
class FigureRow:
    """A key figure cited by the inspection report (a baseline)."""

    label: str
    value_text: str
    sentence: str
    missing_in_source: bool = False


@dataclass(frozen=True)
class CriterionRow:
    key: str
    question: str
    critical: bool
    met: Count
    applicable: Count
    point: float | None
    low: float | None
    high: float | None
    applies_if: str = ""  # "counted only where …", in words


@dataclass(frozen=True)
class StratumRow:
    stratum: str
    population: Count
    sample: Count
    compliant: Count
    weight: float | None
    point: float | None
    low: float | None
    high: float | None


@dataclass(frozen=True)
class CaseRow:
    """One case. ``compliant`` is None where a release copy withholds the result (too few cases)."""

    ref: str
    stratum: str
    compliant: bool | None
    answers: Mapping[str, str] = field(default_factory=dict)
    notes: str = ""


def result_word(compliant: bool | None, withheld: str = "withheld") -> str:
    """The result column's words; the release copy's mark when the result is withheld."""
    if compliant is None:
        return withheld
    return "Compliant" if compliant else "Not compliant"


def count_text(count: Count | None) -> str:
    """A count as printed: thousands separated, a suppressed count ("<5") as it is."""
    if count is None:
        return ""
    return f"{count:,}" if isinstance(count, int) else str(count)


@dataclass(frozen=True)
class AgreementMargins:
    """The totals a release copy prints for an agreement table (each may be "<N")."""

    rows: tuple[Count, ...]
    columns: tuple[Count, ...]
    total: Count
    agreed: Count
    under_graded: Count
    over_graded: Count


@dataclass(frozen=True)
class TrendPoint:
    """One audit round on a trend: label plus point and interval (fractions)."""

    label: str
    point: float
    low: float
    high: float


@dataclass(frozen=True)
class AgreementTable:
    """Original-vs-auditor table: ``matrix[i][j]`` = cases graded ``categories[i]`` originally
    and ``categories[j]`` by the auditor."""

    categories: tuple[str, ...]
    matrix: tuple[tuple[Count, ...], ...]
    kappa: float | None
    rate: float | None
    row_label: str = "Original grade"
    column_label: str = "Auditor's grade"
    kappa_low: float | None = None
    kappa_high: float | None = None
    weighted_kappa: float | None = None  # linear weights: the grades are ordered
    weighted_kappa_low: float | None = None
    weighted_kappa_high: float | None = None
    under_low: float | None = None  # Wilson 95 % interval of the under-graded share
    under_high: float | None = None
    over_low: float | None = None
    over_high: float | None = None
    risk_note: str = ""  # which direction of disagreement is the risk

    def __post_init__(self) -> None:
        size = len(self.categories)
        if len(self.matrix) != size or any(len(row) != size for row in self.matrix):
            raise PackError(f"agreement matrix must be {size} x {size} to match its categories",
                            field="AgreementTable.matrix")

    def _cells(self) -> tuple[tuple[int, ...], ...]:
        return tuple(tuple(int(v) for v in row) for row in self.matrix)

    def totals(self) -> AgreementMargins:
        """Row and column totals, agreed, under- and over-graded: as counted, or as a release
        copy suppressed them (``SuppressedAgreementTable``: its cells are not summed)."""
        margins = getattr(self, "margins", None)
        if margins is not None:
            return margins
        m = self._cells()
        k = len(m)
        return AgreementMargins(
            rows=tuple(sum(row) for row in m), columns=tuple(sum(row[j] for row in m) for j in range(k)),
            total=sum(map(sum, m)), agreed=sum(m[i][i] for i in range(k)),
            under_graded=sum(m[i][j] for i in range(k) for j in range(k) if j > i),
            over_graded=sum(m[i][j] for i in range(k) for j in range(k) if j < i))

    @property
    def n(self) -> Count:
        return self.totals().total

    @property
    def under_graded(self) -> Count:
        """Cases the original grader put in a lower category than the auditor (row < column)."""
        return self.totals().under_graded

    @property
    def over_graded(self) -> Count:
        return self.totals().over_graded


@dataclass(frozen=True)
class SuppressedAgreementTable(AgreementTable):
    """A release copy's agreement table: cells and totals of 1 to N-1 cases print as "<N"."""

    margins: AgreementMargins | None = None


@dataclass(frozen=True)
class AuditResult:
    title: str
    template: str
    template_version: str
    round: int
    method: str
    sample_size: int
    seed: str
    population: str
    population_fingerprint: str
    compliance: RateWithInterval
    baseline: RateWithInterval | None
    difference_text: str
    target: float | None
    rag: str
    rag_reason: str
    criteria: tuple[CriterionRow, ...] = ()
    strata: tuple[StratumRow, ...] = ()
    cases: tuple[CaseRow, ...] = ()
    notable_cases: tuple[CaseRow, ...] = ()
    trend: tuple[TrendPoint, ...] = ()
    agreement: AgreementTable | None = None
    compliance_label: str = ""  # what ``compliance`` counts; says "weighted" for a weighted estimate
    weighted: bool = False  # compliance.point is weighted by stratum population shares
    measure_label: str = ""  # the measure compared with the baseline, when not the case compliance
    measure: RateWithInterval | None = None
    baseline_measures: str = ""  # what the inspection's figure counted
    scope_text: str = ""  # cases out of scope, in words
    plan_text: str = ""  # the deviations the plan allows, or that it is a census
    trend_label: str = ""  # what the trend chart plots
    # how the audit was done, in words (each audit section states them)
    extract_period: str = ""  # first and last date in the population extract
    inclusion: str = ""  # which cases were included (and excluded, out of scope)
    population_size: int = 0
    fieldwork: str = ""  # first and last day answers were recorded
    auditors: str = ""  # who answered the cases
    second_review: str = ""  # the second reviewer's re-check and its agreement
    limitations: tuple[str, ...] = ()

    def __post_init__(self) -> None:
        _check_choice(self.rag, RAG_LEVELS, "AuditResult.rag")


@dataclass(frozen=True)
class MeasurePoint:
    when: date
    value: float


@dataclass(frozen=True)
class MeasureSeries:
    """A KPI: ``direction`` is "down" when lower is better, "up" when higher is better."""

    name: str
    unit: str
    baseline: float | None
    target: float | None
    direction: str
    points: tuple[MeasurePoint, ...] = ()

    def __post_init__(self) -> None:
        _check_choice(self.direction, ("up", "down"), "MeasureSeries.direction")


@dataclass(frozen=True)
class ActionRow:
    title: str
    owner: str
    due: date | None
    status: str
    overdue: bool = False


@dataclass(frozen=True)
class EvidenceRow:
    title: str
    filename: str
    evidence_date: date | None
    uploaded: datetime | None
    sha256: str
    size: int
    classification: str


@dataclass(frozen=True)
class FindingSection:
    ref: str
    kind: str
    title: str
    text: str
    area: str
    status: str
    owner: str
    readiness: str
    readiness_reasons: tuple[str, ...] = ()
    baseline_figures: tuple[FigureRow, ...] = ()
    audits: tuple[AuditResult, ...] = ()
    measures: tuple[MeasureSeries, ...] = ()
    actions: tuple[ActionRow, ...] = ()
    evidence: tuple[EvidenceRow, ...] = ()
    narrative: str = ""
    review_comments: tuple[str, ...] = ()
    links: tuple[str, ...] = ()

    def __post_init__(self) -> None:
        _check_choice(self.readiness, READINESS_LEVELS, "FindingSection.readiness")


@dataclass(frozen=True)
class AuditMethod:
    """Appendix entry: how one audit's sample was planned and drawn, so anyone can redraw it."""

    audit_title: str
    template: str
    template_version: str
    sampling_plan: str
    selection: str
    confidence: float | None
    tolerable_rate: float | None
    expected_rate: float | None
    population: str
    population_size: int
    population_fingerprint: str
    seed: str
    sample_size: int
    strata: tuple[str, ...] = ()
    reserve_used: Count = 0
    notes: str = ""


@dataclass(frozen=True)
class SignOffInfo:
    preparer: str
    reviewer: str
    decision: str
    at: datetime
    comment: str = ""
    reviewer_role: str = ""  # e.g. "Reviewer (approver)"
    certificate_sha256: str = ""  # the signer's certificate, printed on the sign-off page
    log_anchor: str = ""  # the change-log head the approval records: "entry N, hash H"
    manifest_sha256: tuple[str, ...] = ()  # the signed bundle manifests this PDF belongs to


@dataclass(frozen=True)
class RedactionTerms:
    """What a release copy must never show, gathered when the pack is built and kept with its
    snapshot: every case reference of the pack's audits (sampled, reserve, unusable), the values
    of the case fields that templates mark personal and the surnames among them
    (``pseudonymise.personal_variants``). No writer renders these; the release copy
    (``pack_redaction``) scans every text for them and then empties this record."""

    case_refs: tuple[str, ...] = ()
    personal_values: tuple[str, ...] = ()
    personal_words: tuple[str, ...] = ()


@dataclass(frozen=True)
class PackData:
    force: str
    title: str
    inspections: tuple[str, ...]
    pack_version: int
    status: str
    built_at: datetime
    built_by: str
    findings: tuple[FindingSection, ...]
    methodology: tuple[AuditMethod, ...] = ()
    signoff: SignOffInfo | None = None
    tool_version: str = ""
    marking: str = "OFFICIAL-SENSITIVE"
    redaction: RedactionTerms = field(default_factory=RedactionTerms)
    release_min_cell: int | None = None  # set on a release copy: counts below it print as "<N"
    #: changes to who may sign since the previous pack version (reviewers added, roles changed,
    #: passphrases reset, certificates created or imported), in words, oldest first
    signing_changes: tuple[str, ...] = ()

    def __post_init__(self) -> None:
        _check_choice(self.status, PACK_STATUSES, "PackData.status")
        if not self.marking.strip():
            raise PackError("every page must carry a protective marking; set one such as "
                            "OFFICIAL-SENSITIVE", field="PackData.marking")
        if self.pack_version < 1:
            raise PackError("pack versions start at 1", field="PackData.pack_version")

    def audits(self) -> tuple[AuditResult, ...]:
        """All audits in finding order, each once (an audit mapped to two findings appears once)."""
        seen: dict[tuple[str, int, str], AuditResult] = {}
        for finding in self.findings:
            for audit in finding.audits:
                seen.setdefault((audit.title, audit.round, audit.seed), audit)
        return tuple(seen.values())


def sample_pack_data() -> PackData:
    """A realistic Norfolk pack (2023-25 PEEL AFIs) for tests and previews."""
    from workbench.reports.pack_sample import build_sample_pack

    return build_sample_pack()
