"""Agreement between two reviewers: raw agreement, Cohen's kappa, risk-grade tables."""

from __future__ import annotations

from collections import Counter
from collections.abc import Hashable, Sequence
from dataclasses import dataclass
from fractions import Fraction

from workbench.stats.errors import StatsError


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
    return sum(1 for x, y in zip(a, b) if x == y) / n


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
        for row_no, (x, y) in enumerate(zip(a, b), start=1):
            for value, field in ((x, "a"), (y, "b")):
                if value not in allowed:
                    raise StatsError(
                        f"case {row_no}: rating {value!r} is not one of {list(categories)!r}",
                        field=field, row=row_no,
                    )
    observed = Fraction(sum(1 for x, y in zip(a, b) if x == y), n)
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
        for i, (o, a) in enumerate(zip(original, auditor), start=1)
    ]
    counts = Counter(pairs)
    table = {(o, a): counts.get((o, a), 0) for o in order for a in order}
    agreed = sum(1 for o, a in pairs if o == a)
    under = sum(1 for o, a in pairs if rank[o] < rank[a])
    over = sum(1 for o, a in pairs if rank[o] > rank[a])
    left = [o for o, _ in pairs]
    right = [a for _, a in pairs]
    return GradeAgreement(
        table=table,
        n=len(pairs),
        agreed=agreed,
        under_graded=under,
        over_graded=over,
        rate=agreed / len(pairs),
        kappa=cohen_kappa(left, right),
    )
