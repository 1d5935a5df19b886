"""Agreement between two reviewers: raw agreement, Cohen's kappa (unweighted and linear-weighted,
with asymptotic 95 % intervals), risk-grade tables with under- and over-grading rates."""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Hashable, Sequence
from dataclasses import dataclass
from fractions import Fraction

from workbench.stats.errors import StatsError
from workbench.stats.intervals import Interval, wilson_interval, z_value


@dataclass(frozen=True, slots=True)
class GradeAgreement:
    """Original-versus-auditor grade table.

    ``table`` maps (original grade, auditor grade) to a count, for every pair of
    grades in ``order`` (zeros included). ``under_graded`` counts cases the original
    grade placed lower than the auditor's; ``over_graded`` higher. ``kappa`` is
    None when it is undefined (every case given the same single grade by both).
    """

    table: dict[tuple[str, str], int]
    n: int
    agreed: int
    under_graded: int
    over_graded: int
    rate: float
    kappa: float | None
    kappa_interval: Interval | None = None
    weighted_kappa: float | None = None
    weighted_kappa_interval: Interval | None = None
    under_rate: Interval | None = None
    over_rate: Interval | None = None


def _paired(a: Sequence[Hashable], b: Sequence[Hashable]) -> int:
    if len(a) != len(b):
        raise StatsError(
            f"the two ratings have different lengths ({len(a)} and {len(b)}); "
            "give one pair of ratings per case",
            field="b",
        )
    if not a:
        raise StatsError("no ratings given: at least one case is needed", field="a")
    return len(a)


def agreement_rate(a: Sequence[Hashable], b: Sequence[Hashable]) -> float:
    """Share of cases where the two ratings are equal."""
    n = _paired(a, b)
    return sum(1 for x, y in zip(a, b, strict=True) if x == y) / n


def cohen_kappa(
    a: Sequence[Hashable], b: Sequence[Hashable], categories: Sequence[Hashable] | None = None
) -> float | None:
    """Cohen's (1960) unweighted kappa: (p_o - p_e) / (1 - p_e).

    p_o is the observed agreement, p_e the agreement expected by chance from each
    rater's marginal shares. If ``categories`` is given every rating must be one of
    them. Returns None when p_e = 1 (both raters used one and the same category
    throughout), where kappa is undefined.
    """
    n = _paired(a, b)
    if categories is not None:
        allowed = set(categories)
        for row_no, (x, y) in enumerate(zip(a, b, strict=True), start=1):
            for value, field in ((x, "a"), (y, "b")):
                if value not in allowed:
                    raise StatsError(
                        f"case {row_no}: rating {value!r} is not one of {list(categories)!r}",
                        field=field, row=row_no,
                    )
    observed = Fraction(sum(1 for x, y in zip(a, b, strict=True) if x == y), n)
    count_a, count_b = Counter(a), Counter(b)
    expected = sum(Fraction(count_a[c] * count_b[c], n * n) for c in count_a)
    if expected == 1:
        return None
    return float((observed - expected) / (1 - expected))


def grade_agreement(
    original: Sequence[str],
    auditor: Sequence[str],
    order: Sequence[str] = ("standard", "medium", "high"),
) -> GradeAgreement:
    """Compare original risk grades with the auditor's (grades matched ignoring case)."""
    _paired(original, auditor)
    if len(set(order)) != len(order) or not order:
        raise StatsError(f"order must list distinct grades, got {list(order)!r}", field="order")
    canonical = {g.strip().casefold(): g for g in order}
    rank = {g: i for i, g in enumerate(order)}

    def grade(value: object, field: str, row_no: int) -> str:
        key = value.strip().casefold() if isinstance(value, str) else None
        if key not in canonical:
            raise StatsError(
                f"case {row_no}: {field} grade {value!r} is not one of {list(order)!r}",
                field=field, row=row_no,
            )
        return canonical[key]

    pairs = [
        (grade(o, "original", i), grade(a, "auditor", i))
        for i, (o, a) in enumerate(zip(original, auditor, strict=True), start=1)
    ]
    counts = Counter(pairs)
    table = {(o, a): counts.get((o, a), 0) for o in order for a in order}
    agreed = sum(1 for o, a in pairs if o == a)
    under = sum(1 for o, a in pairs if rank[o] < rank[a])
    over = sum(1 for o, a in pairs if rank[o] > rank[a])
    n = len(pairs)
    plain = kappa_with_interval(table, order, weighted=False)
    weighted = kappa_with_interval(table, order, weighted=True)
    return GradeAgreement(
        table=table,
        n=n,
        agreed=agreed,
        under_graded=under,
        over_graded=over,
        rate=agreed / n,
        kappa=None if plain is None else plain.point,
        kappa_interval=plain,
        weighted_kappa=None if weighted is None else weighted.point,
        weighted_kappa_interval=weighted,
        under_rate=wilson_interval(under, n),
        over_rate=wilson_interval(over, n),
    )


def kappa_with_interval(
    table: dict[tuple[str, str], int], order: Sequence[str], weighted: bool = True,
    confidence: float = 0.95,
) -> Interval | None:
    """Cohen's kappa from a k x k table, unweighted or with linear weights, and its interval.

    Agreement weights: w_ij = 1 for i = j and 0 otherwise (unweighted), or
    w_ij = 1 - |i - j| / (k - 1) (linear, Cicchetti & Allison 1971). With p_ij the table
    shares, p_i. and p_.j the marginals: p_o = sum w_ij p_ij, p_e = sum w_ij p_i. p_.j,
    kappa = (p_o - p_e) / (1 - p_e). Variance (Fleiss, Cohen & Everitt 1969, the large-sample
    variance SAS PROC FREQ and statsmodels use), with w_i. = sum_j p_.j w_ij and
    w_.j = sum_i p_i. w_ij:
    var = [sum p_ij (w_ij - (w_i. + w_.j)(1 - kappa))^2 - (kappa - p_e (1 - kappa))^2]
          / ((1 - p_e)^2 n).
    Interval: kappa +/- z sqrt(var), within [-1, 1]. None when p_e = 1 (undefined).
    """
    k = len(order)
    n = sum(table.get((a, b), 0) for a in order for b in order)
    if n == 0 or k < 2:
        return None
    idx = range(k)
    p = [[table.get((order[i], order[j]), 0) / n for j in idx] for i in idx]
    row = [sum(p[i]) for i in idx]
    col = [sum(p[i][j] for i in idx) for j in idx]

    def w(i: int, j: int) -> float:
        if weighted:
            return 1 - abs(i - j) / (k - 1)
        return 1.0 if i == j else 0.0

    p_o = sum(w(i, j) * p[i][j] for i in idx for j in idx)
    p_e = sum(w(i, j) * row[i] * col[j] for i in idx for j in idx)
    if p_e >= 1 - 1e-15:
        return None
    kappa = (p_o - p_e) / (1 - p_e)
    w_row = [sum(col[j] * w(i, j) for j in idx) for i in idx]
    w_col = [sum(row[i] * w(i, j) for i in idx) for j in idx]
    term = sum(p[i][j] * (w(i, j) - (w_row[i] + w_col[j]) * (1 - kappa)) ** 2 for i in idx for j in idx)
    var = (term - (kappa - p_e * (1 - kappa)) ** 2) / ((1 - p_e) ** 2 * n)
    half = z_value(confidence) * math.sqrt(max(var, 0.0))
    return Interval(kappa, max(-1.0, kappa - half), min(1.0, kappa + half))
