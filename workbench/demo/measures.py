"""Monthly measure series for the demo: from the inspection's baseline towards the target,
with noise, improving but (mostly) not there yet.

* 101 abandonment: 21.9 % (year ending March 2024) towards the NPCC aim of under 5 %.
* MASH medium-risk DA backlog: 268 cases (the top of the report's 162-268) towards 120.
* Offenders per offender manager: 63:1 towards 50:1, a limit the force enters (the report's
  text drops the APP figure, so the demo does not invent one).
* High-risk share of managed offenders: 26 % towards under 20 %.
* Use-of-force recording: forms as a share of the incidents the report estimates should have
  been recorded, 8,341 of 17,270 (48.3 %), towards 90 %.
"""

from __future__ import annotations

import math
import random
from dataclasses import dataclass
from datetime import date

from workbench.demo.extracts import add_months, check_period


@dataclass(frozen=True)
class MeasureSeries:
    name: str
    unit: str
    baseline: float
    target: float
    direction: str  # "lower" or "higher" is better
    points: tuple[tuple[date, float], ...]
    afi: str  # key in afis.AFI_PHRASES
    baseline_label: str = ""


@dataclass(frozen=True)
class _Plan:
    name: str
    unit: str
    baseline: float
    target: float
    direction: str
    reach: float  # share of the gap to the target closed by the last month
    noise: float  # standard deviation of the monthly wobble
    decimals: int
    afi: str
    baseline_label: str


_PLANS = (
    _Plan("101 non-emergency call abandonment rate", "%", 21.9, 5.0, "lower", 0.72, 1.1, 1,
          "abandonment", "21.9% (year ending 31 March 2024)"),
    _Plan("MASH medium-risk domestic abuse backlog", "cases", 268, 120, "lower", 0.75, 7, 0,
          "mash", "162 to 268 cases during the inspection"),
    _Plan("Offenders per offender manager", ":1", 63, 50, "lower", 0.7, 0.8, 1,
          "offender_ratio", "63:1 at the time of the inspection"),
    _Plan("High-risk offenders as a share of caseload", "%", 26, 20, "lower", 0.6, 0.6, 1,
          "offender_ratio", "26% of managed offenders"),
    _Plan("Use-of-force forms as a share of estimated incidents", "%", 48.3, 90, "higher", 0.55, 2.0, 1,
          "use_of_force", "8,341 recorded of about 17,270 (year ending 31 March 2023)"),
)


def measure_series(start: date, months: int = 12, seed: int = 2024) -> list[MeasureSeries]:
    """One point per month (the first of the month) from ``start``, for each demo measure.

    The path closes the gap to the target along a saturating curve, so early months improve
    fastest; noise never carries a value past its target or below zero.
    """
    check_period(start, months)
    rng = random.Random(seed)
    first = date(start.year, start.month, 1)
    out = []
    for plan in _PLANS:
        rate = -math.log(1 - plan.reach) / months
        points = []
        for m in range(months):
            progress = 1 - math.exp(-rate * (m + 1))
            value = plan.baseline + (plan.target - plan.baseline) * progress + rng.gauss(0, plan.noise)
            beyond = value < plan.target if plan.direction == "lower" else value > plan.target
            if beyond:
                value = plan.target + (plan.baseline - plan.target) * 0.02
            value = max(0.0, round(value, plan.decimals))
            points.append((add_months(first, m), float(value)))
        out.append(MeasureSeries(plan.name, plan.unit, float(plan.baseline), float(plan.target), plan.direction,
                                 tuple(points), plan.afi, plan.baseline_label))
    return out
