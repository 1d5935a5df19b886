"""Statistics for the workbench: sample sizes, intervals, estimates, agreement, selection.

Pure functions, no I/O. See docs/sampling.md for the formulae and the selection
algorithm.
"""

from __future__ import annotations

from workbench.stats.agreement import (
    GradeAgreement,
    agreement_rate,
    cohen_kappa,
    grade_agreement,
    kappa_with_interval,
)
from workbench.stats.errors import SamplingError, StatsError
from workbench.stats.estimates import StratifiedDesign, StratumCount, stratified_design, stratified_estimate
from workbench.stats.exact import clopper_pearson, hypergeometric_lower
from workbench.stats.intervals import Interval, newcombe_difference, wilson_interval
from workbench.stats.selection import (
    Draw,
    Pick,
    SamplingPlan,
    StratumAllocation,
    draw,
    new_seed,
)
from workbench.stats.sizing import attribute_sample_size, precision_sample_size

__all__ = [
    "Draw",
    "GradeAgreement",
    "Interval",
    "Pick",
    "SamplingError",
    "SamplingPlan",
    "StatsError",
    "StratumAllocation",
    "StratifiedDesign",
    "StratumCount",
    "agreement_rate",
    "attribute_sample_size",
    "clopper_pearson",
    "cohen_kappa",
    "draw",
    "grade_agreement",
    "hypergeometric_lower",
    "kappa_with_interval",
    "new_seed",
    "newcombe_difference",
    "precision_sample_size",
    "stratified_design",
    "stratified_estimate",
    "wilson_interval",
]
