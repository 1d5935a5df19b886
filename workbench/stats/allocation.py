"""Sharing a whole number of cases between strata (largest remainder)."""

from __future__ import annotations

import math
from collections.abc import Mapping
from fractions import Fraction


def apportion(
    total: int,
    weights: Mapping[str, int],
    capacities: Mapping[str, int],
    sizes: Mapping[str, int] | None = None,
    min_one: bool = True,
) -> dict[str, int]:
    """Share ``total`` units between strata in proportion to ``weights``.

    Largest-remainder (Hamilton) method, exact arithmetic:

    1. quota_h = total * w_h / sum(w); each stratum gets floor(quota_h); the units
       left go one each to the largest fractional parts (ties: larger ``sizes``
       (default: the weights), then larger capacity, then the stratum name in
       code-point order).
    2. A stratum given more than its capacity is fixed at its capacity and step 1 is
       repeated for the others with what remains.
    3. If ``min_one`` and ``total`` is at least the number of strata with capacity,
       each stratum left with 0 (largest quota first, then name) takes one unit from
       the stratum that most exceeds its quota among those holding 2 or more (ties:
       larger allocation, then name).

    Equal allocation is this with equal weights. ``total`` must not exceed the sum
    of the capacities.
    """
    size = sizes if sizes is not None else weights
    names = sorted(h for h in weights if capacities[h] > 0)
    result = {h: 0 for h in weights}
    if total > sum(capacities[h] for h in names):
        raise ValueError("total exceeds the capacity of the strata")
    active = list(names)
    remaining = total
    while active and remaining > 0:
        weight_sum = sum(weights[h] for h in active)
        quotas = {h: Fraction(remaining * weights[h], weight_sum) for h in active}
        share = {h: math.floor(q) for h, q in quotas.items()}
        left = remaining - sum(share.values())
        by_remainder = sorted(
            active,
            key=lambda h: (-(quotas[h] - share[h]), -size[h], -capacities[h], h),
        )
        for h in by_remainder[:left]:
            share[h] += 1
        over = [h for h in active if share[h] > capacities[h]]
        if not over:
            result.update(share)
            break
        for h in over:
            result[h] = capacities[h]
            remaining -= capacities[h]
            active.remove(h)
    if min_one and names and total >= len(names):
        weight_sum = sum(weights[h] for h in names)
        quota = {h: Fraction(total * weights[h], weight_sum) for h in names}
        for h in sorted(names, key=lambda h: (-quota[h], h)):
            if result[h]:
                continue
            donors = [d for d in names if result[d] >= 2]
            donor = min(donors, key=lambda d: (-(result[d] - quota[d]), -result[d], d))
            result[donor] -= 1
            result[h] = 1
    return result
