"""Argument checks shared by the statistics modules."""

from __future__ import annotations

import math
from decimal import Decimal
from fractions import Fraction
from numbers import Real

from workbench.stats.errors import StatsError


def exact_rate(value: object, field: str) -> Fraction:
    """``value`` as an exact fraction (0.01 becomes exactly 1/100)."""
    if isinstance(value, bool) or not isinstance(value, (Real, Decimal)):
        raise StatsError(f"{field} must be a number, got {value!r}", field=field)
    if isinstance(value, float):
        if not math.isfinite(value):
            raise StatsError(f"{field} must be a finite number, got {value!r}", field=field)
        return Fraction(repr(value))
    if isinstance(value, Decimal) and not value.is_finite():
        raise StatsError(f"{field} must be a finite number, got {value!r}", field=field)
    return Fraction(value)  # type: ignore[arg-type]


def open_unit(value: object, field: str, meaning: str) -> Fraction:
    """A rate strictly between 0 and 1."""
    rate = exact_rate(value, field)
    if not 0 < rate < 1:
        raise StatsError(
            f"{field} must be strictly between 0 and 1 ({meaning}), got {value!r}; "
            "give rates as fractions, e.g. 0.95 for 95 %",
            field=field,
        )
    return rate


def count(value: object, field: str, minimum: int = 0) -> int:
    """A whole number no smaller than ``minimum``."""
    if isinstance(value, bool) or not isinstance(value, int):
        raise StatsError(f"{field} must be a whole number, got {value!r}", field=field)
    if value < minimum:
        raise StatsError(f"{field} must be at least {minimum}, got {value}", field=field)
    return value
