"""The release copy of a pack: one pure function of plain pack data, applied before rendering.

What ``redact_pack`` does, in this order:

1. **Every text is scrubbed** (``pseudonymise.TextScrubber``): each string anywhere in the pack
   (finding texts, readiness reasons, narrative, review comments, action titles and owners,
   evidence titles and file names, audit titles and reasons, methodology notes such as
   "X unusable (reason), replaced by Y", strata lines, answers, sign-off comment ...) has the
   audit's case references and look-alikes replaced by keyed pseudonyms and the values of
   personal fields replaced by "[personal data removed]". Only identifiers that are not text
   (hashes, fingerprints, seeds, criterion keys, rating words) are left as they are.
2. **Cases**: references become pseudonyms; case notes (comments, computed-rule workings) are
   removed; a notable case's note says in words which criteria were not met.
3. **Small counts** (``min_cell``, the force setting ``release_min_cell``): in every table that
   counts cases, a count of 1 to ``min_cell - 1`` prints as "<N" and the rates and weights
   derived from it are withheld: criteria (met, applicable), strata (population, sampled,
   compliant), the grading-agreement table (cells, totals, agreed, under- and over-graded),
   reserve cases used, the measure compared with the baseline (its counts print as "<N"; its rate,
   bound, the comparison that quotes them and its point on the trend are withheld) and the
   counts in the scope and plan texts ("3 of 46 cases out of scope"). In the per-case columns (stratum, result, each answer) a value held by
   fewer than ``min_cell`` of the listed cases, or by fewer than ``min_cell`` cases of one
   stratum, prints as "<N", so no suppressed cell can be recounted from the cases (a stratified
   DA sample's stratum is the original grade, its auditor's grade column the agreement table).
   Only primary suppression is done: a headline "x of n" is shown, and a complement (n - x) is
   not suppressed.
4. The redaction terms kept with the snapshot are emptied, so nothing downstream holds them.

A renderer only prints what it is given; it must not look anything up again.
"""

from __future__ import annotations

import dataclasses
import re
from collections import Counter
from collections.abc import Callable, Mapping
from dataclasses import dataclass, replace
from typing import Any

from workbench.reports.pack_data import (
    AgreementMargins,
    AgreementTable,
    AuditMethod,
    AuditResult,
    CaseRow,
    Count,
    CriterionRow,
    PackData,
    RateWithInterval,
    RedactionTerms,
    StratumRow,
    SuppressedAgreementTable,
    count_text,
)
from workbench.reports.pseudonymise import TextScrubber, small_mark, suppress_small

# Fields that hold identifiers or fixed words, not text: never scrubbed.
_NOT_TEXT = {
    "sha256", "population_fingerprint", "seed", "key",  # hashes, seeds, criterion keys
    "rag", "readiness", "direction", "status",  # checked fixed words
    "marking",
}
_CASE_REF = ("CaseRow", "ref")  # pseudonymised as a whole in step 2, not scrubbed
# The force's own staff, named on purpose: references are replaced there, people's names are not.
_STAFF = {"built_by", "owner", "preparer", "reviewer"}
_COMMON_ANSWERS = {"yes", "no", "n/a", "na", "none", "unknown", "not known", "true", "false"}
_OF_CASES = re.compile(r"(?<![\w.,])(\d{1,3}(?:,\d{3})+|\d+) of (the )?(\d{1,3}(?:,\d{3})+|\d+)(?= cases?\b)")
_COUNT_PHRASE = re.compile(r"(?<![\w.,])(\d{1,3}(?:,\d{3})+|\d+)(?= (?:cases?|incidents?|sampled|in reserve)\b)")
RESULT = "result"
STRATUM = "stratum"


def redact_pack(data: PackData, pseudonym: Callable[[str], str], min_cell: int = 0) -> PackData:
    """The release copy of ``data`` (see the module doc). ``pseudonym`` is the keyed HMAC."""
    refs = set(data.redaction.case_refs)
    for audit in (a for f in data.findings for a in f.audits):
        refs.update(c.ref for c in audit.cases + audit.notable_cases)
    personal = [v for v in data.redaction.personal_values
                if len(v.strip()) >= 3 and v.strip().lower() not in _COMMON_ANSWERS]
    scrub = TextScrubber(refs, personal, pseudonym, data.redaction.personal_words)
    clean: PackData = _scrubbed(data, scrub)
    findings = tuple(replace(f, audits=tuple(_audit(a, pseudonym, min_cell) for a in f.audits))
                     for f in clean.findings)
    methods = tuple(_method(m, min_cell) for m in clean.methodology)
    return replace(clean, findings=findings, methodology=methods, title=f"{clean.title} (release copy)",
                   redaction=RedactionTerms(), release_min_cell=min_cell)


# -- 1. text -----------------------------------------------------------------------------------
def _scrubbed(obj: Any, scrub: TextScrubber) -> Any:
    if dataclasses.is_dataclass(obj) and not isinstance(obj, type):
        name = type(obj).__name__
        if isinstance(obj, RedactionTerms):
            return obj
        changes = {}
        for f in dataclasses.fields(obj):
            if f.name in _NOT_TEXT or (name, f.name) == _CASE_REF:
                continue
            value = getattr(obj, f.name)
            new = scrub.refs_only(value) if f.name in _STAFF and isinstance(value, str) else _scrubbed(value, scrub)
            if new is not value:
                changes[f.name] = new
        return replace(obj, **changes) if changes else obj
    if isinstance(obj, str):
        return scrub(obj)
    if isinstance(obj, tuple):
        return tuple(_scrubbed(v, scrub) for v in obj)
    if isinstance(obj, Mapping):
        return {k: _scrubbed(v, scrub) for k, v in obj.items()}
    return obj


# -- 2 and 3. cases and counts -----------------------------------------------------------------
def _count(value: Count, min_cell: int) -> Count:
    return suppress_small(value, min_cell) if isinstance(value, int) and not isinstance(value, bool) else value


def _criterion(cr: CriterionRow, min_cell: int) -> CriterionRow:
    met, applicable = _count(cr.met, min_cell), _count(cr.applicable, min_cell)
    if isinstance(met, str) or isinstance(applicable, str):
        return replace(cr, met=met, applicable=applicable, point=None, low=None, high=None)
    return cr


def _stratum(st: StratumRow, min_cell: int) -> StratumRow:
    population, sample, compliant = (_count(v, min_cell) for v in (st.population, st.sample, st.compliant))
    if any(isinstance(v, str) for v in (population, sample, compliant)):
        return replace(st, population=population, sample=sample, compliant=compliant,
                       weight=None, point=None, low=None, high=None)
    return st


def _agreement(ag: AgreementTable | None, min_cell: int) -> AgreementTable | None:
    if ag is None:
        return None
    t = ag.totals()
    margins = AgreementMargins(
        rows=tuple(_count(v, min_cell) for v in t.rows), columns=tuple(_count(v, min_cell) for v in t.columns),
        total=_count(t.total, min_cell), agreed=_count(t.agreed, min_cell),
        under_graded=_count(t.under_graded, min_cell), over_graded=_count(t.over_graded, min_cell))
    withheld = isinstance(margins.agreed, str) or isinstance(margins.total, str)
    under_shown = not (withheld or isinstance(margins.under_graded, str))
    over_shown = not (withheld or isinstance(margins.over_graded, str))
    return SuppressedAgreementTable(
        categories=ag.categories, matrix=tuple(tuple(_count(v, min_cell) for v in row) for row in ag.matrix),
        kappa=ag.kappa, rate=None if withheld else ag.rate, row_label=ag.row_label,
        column_label=ag.column_label, margins=margins,
        # agreement statistics say nothing of a single case; a share's interval goes with its count
        kappa_low=ag.kappa_low, kappa_high=ag.kappa_high, weighted_kappa=ag.weighted_kappa,
        weighted_kappa_low=ag.weighted_kappa_low, weighted_kappa_high=ag.weighted_kappa_high,
        under_low=ag.under_low if under_shown else None, under_high=ag.under_high if under_shown else None,
        over_low=ag.over_low if over_shown else None, over_high=ag.over_high if over_shown else None,
        risk_note=ag.risk_note)


@dataclass(frozen=True)
class SuppressedRate(RateWithInterval):
    """A release copy's rate of 1 to N-1 cases (or out of 1 to N-1): the counts print as "<N" and
    the rate and interval, from which they could be worked out, are withheld (None)."""

    # A release copy's rate is a RateWithInterval whose counts may be "<N" and whose figures are
    # withheld: the wider field types are the point of the subclass.
    successes: Count  # type: ignore[assignment]
    n: Count  # type: ignore[assignment]
    point: float | None  # type: ignore[assignment]
    low: float | None  # type: ignore[assignment]
    high: float | None  # type: ignore[assignment]

    def __post_init__(self) -> None:  # counts may be "<N"; nothing to check against
        return None


def _rate(rate: RateWithInterval | None, min_cell: int) -> RateWithInterval | None:
    if rate is None:
        return None
    met, n = _count(rate.successes, min_cell), _count(rate.n, min_cell)
    if isinstance(met, str) or isinstance(n, str):
        return SuppressedRate(met, n, None, None, None)
    return rate


def _case_counts(text: str, min_cell: int) -> str:
    """ "x of [the] n cases" with small counts as "<N"."""
    def one(g: re.Match[str]) -> str:
        x, n = (count_text(_count(int(v.replace(",", "")), min_cell)) for v in (g.group(1), g.group(3)))
        return f"{x} of {g.group(2) or ''}{n}"
    return _OF_CASES.sub(one, text)


class _CaseMasks:
    """Which per-case values are too rare to show, counted over the audit's listed cases: a value
    of a column (stratum, result, an answer) held by 1 to N-1 cases, or held by 1 to N-1 cases of
    one stratum (a stratified sample's stratum can be the original grade of an agreement table)."""

    def __init__(self, cases: tuple[CaseRow, ...], min_cell: int) -> None:
        self.min_cell = min_cell
        self.counts: Counter[tuple[str, object]] = Counter()
        self.pairs: Counter[tuple[str, str, object]] = Counter()
        for c in cases:
            self.counts[(STRATUM, c.stratum)] += 1
            for column, value in ((RESULT, c.compliant), *c.answers.items()):
                self.counts[(column, value)] += 1
                self.pairs[(column, c.stratum, value)] += 1

    def _small(self, n: int) -> bool:
        return self.min_cell > 1 and 0 < n < self.min_cell

    def rare(self, column: str, value: object, stratum: str) -> bool:
        if value in ("", None):
            return False
        if column == STRATUM:
            return self._small(self.counts[(STRATUM, value)])
        return self._small(self.counts[(column, value)]) or self._small(self.pairs[(column, stratum, value)])

    def case(self, c: CaseRow, pseudonym: Callable[[str], str]) -> CaseRow:
        mark = small_mark(self.min_cell)
        stratum = mark if self.rare(STRATUM, c.stratum, c.stratum) else c.stratum
        compliant = None if self.rare(RESULT, c.compliant, c.stratum) else c.compliant
        answers = {k: mark if self.rare(k, v, c.stratum) else v for k, v in c.answers.items()}
        return CaseRow(pseudonym(c.ref), stratum, compliant, answers, "")


def _reason(original: CaseRow, masks: _CaseMasks, audit: AuditResult) -> str:
    """A notable case's note in words: the criteria it did not meet (rare ones not named)."""
    failed = [cr for cr in sorted(audit.criteria, key=lambda cr: not cr.critical)
              if original.answers.get(cr.key) == "no"]
    named = [cr.question for cr in failed if not masks.rare(cr.key, "no", original.stratum)]
    hidden = len(failed) - len(named)
    parts = []
    if named:
        parts.append("Not met: " + "; ".join(q.strip().rstrip(".") for q in named))
    if hidden:
        parts.append(f"{'and ' if named else ''}{hidden} {'other ' if named else ''}"
                     f"criteri{'a' if hidden != 1 else 'on'} not met (not named: fewer than {masks.min_cell} cases)")
    if not parts:
        return "Not compliant: a critical criterion was not met (case notes are not released)"
    text = " ".join(parts)
    return text if text.endswith((".", "?", "!", ")")) else text + "."


def _audit(a: AuditResult, pseudonym: Callable[[str], str], min_cell: int) -> AuditResult:
    masks = _CaseMasks(a.cases, min_cell)
    notable = []
    for c in a.notable_cases:
        shown = masks.case(c, pseudonym)
        notable.append(replace(shown, compliant=c.compliant, notes=_reason(c, masks, a)))
    measure = _rate(a.measure, min_cell)
    withheld: dict[str, Any] = {}  # AuditResult fields withheld in the release copy
    if isinstance(measure, SuppressedRate):
        words = (f"the measure '{a.measure_label}' counts fewer than {min_cell} cases "
                 f"({count_text(measure.successes)} of {count_text(measure.n)})")
        withheld = dict(
            difference_text=f"{words}: the comparison is not shown in the release copy",
            rag_reason=f"rated on {words}; its bound is not shown in the release copy",
            trend=tuple(t for t in a.trend if t.label != f"Round {a.round}"))
    return replace(
        a, measure=measure, **withheld, scope_text=_case_counts(a.scope_text, min_cell),
        plan_text=_case_counts(a.plan_text, min_cell),
        criteria=tuple(_criterion(cr, min_cell) for cr in a.criteria),
        strata=tuple(_stratum(st, min_cell) for st in a.strata),
        agreement=_agreement(a.agreement, min_cell),
        cases=tuple(masks.case(c, pseudonym) for c in a.cases), notable_cases=tuple(notable))


def _method(m: AuditMethod, min_cell: int) -> AuditMethod:
    def counts(text: str) -> str:
        return _COUNT_PHRASE.sub(lambda g: count_text(_count(int(g.group(1).replace(",", "")), min_cell)), text)

    note = ("Release copy: case references are keyed pseudonyms (HMAC-SHA256, key held by the force); "
            "personal data and case notes removed"
            + (f"; counts of 1 to {min_cell - 1} cases shown as {small_mark(min_cell)}" if min_cell > 1 else ""))
    return replace(m, strata=tuple(counts(s) for s in m.strata), reserve_used=_count(m.reserve_used, min_cell),
                   notes=f"{m.notes.strip().rstrip('.;')}. {note}" if m.notes.strip() else note)
