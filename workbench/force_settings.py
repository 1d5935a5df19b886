"""Force settings: the typed, validated policy values a force enters once per workspace.

Audit rules read their targets and thresholds from here (attendance targets by grade and
area, the clock start, MARAC thresholds ...).  The workspace stores ``to_dict()`` as JSON and
reads it back with ``from_dict()``, which names the offending setting when a value is wrong.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass, field, fields
from types import MappingProxyType
from typing import Any

from workbench.errors import WorkbenchError

CLOCK_STARTS = ("call", "dispatch")
RAG_RULES = ("lower_bound", "point_estimate", "upper_bound")

#: Settings that audit rules may name as a threshold (``threshold_setting`` / ``hours_setting``).
NUMERIC_RULE_SETTINGS = (
    "marac_tick_threshold",
    "marac_repeat_incidents",
    "marac_repeat_window_months",
    "da_supervisor_review_hours",
    "crime_recording_hours",
    "offender_caseload_limit",
)


class SettingsError(WorkbenchError, ValueError):
    """A force setting is missing, unknown or out of range; ``setting`` names it."""

    def __init__(self, setting: str, problem: str) -> None:
        self.setting = setting
        self.problem = problem
        super().__init__(f"force setting '{setting}': {problem}")


def _freeze_targets(targets: Mapping[str, Mapping[str, int]]) -> Mapping[str, Mapping[str, int]]:
    return MappingProxyType({g: MappingProxyType(dict(a)) for g, a in targets.items()})


_DEFAULT_TARGETS = {"emergency": {"urban": 15, "rural": 20}, "priority": {"urban": 60, "rural": 60}}


@dataclass(frozen=True)
class ForceSettings:
    """Force-wide settings with the defaults a new workspace starts from.

    ``attendance_targets`` maps call grade -> area -> minutes (keys lower case).
    ``offender_caseload_limit`` and ``high_risk_share_limit`` (percent) have no built-in
    default: the force must enter them (the published APP figure is not reproduced here).
    ``offender_visit_interval_days`` maps risk level -> days between home visits; empty
    until the force enters its own policy.
    """

    force_name: str = ""
    marking: str = "OFFICIAL-SENSITIVE"
    attendance_targets: Mapping[str, Mapping[str, int]] = field(
        default_factory=lambda: _freeze_targets(_DEFAULT_TARGETS)
    )
    clock_start: str = "call"
    marac_tick_threshold: int = 14
    marac_repeat_incidents: int = 3
    marac_repeat_window_months: int = 12
    da_supervisor_review_hours: int = 24
    crime_recording_hours: int = 24
    offender_caseload_limit: int | None = None
    high_risk_share_limit: float | None = None
    offender_visit_interval_days: Mapping[str, int] = field(
        default_factory=lambda: MappingProxyType({})
    )
    default_rag_rule: str = "lower_bound"
    evidence_max_file_mb: int = 200

    def __post_init__(self) -> None:
        _validate(self)
        for name in ("force_name", "marking"):  # printed on packs: no stray spaces (a name of spaces is none)
            object.__setattr__(self, name, " ".join(getattr(self, name).split()))
        object.__setattr__(self, "attendance_targets", _freeze_targets(self.attendance_targets))
        object.__setattr__(
            self,
            "offender_visit_interval_days",
            MappingProxyType(dict(self.offender_visit_interval_days)),
        )

    def attendance_target(self, grade: str, area: str | None) -> int | None:
        """Minutes allowed for ``grade`` in ``area`` (case-insensitive); None when not set.

        With no area, a grade whose areas all share one target (e.g. priority 60/60) still
        has a target.
        """
        by_area = self.attendance_targets.get(table_key(grade))
        if by_area is None:
            return None
        if area is not None and table_key(area) in by_area:
            return by_area[table_key(area)]
        if area is None and len(set(by_area.values())) == 1:
            return next(iter(by_area.values()))
        return None

    def numeric(self, name: str) -> int | float | None:
        """The value of a numeric setting that rules may name as a threshold."""
        if name not in NUMERIC_RULE_SETTINGS:
            raise SettingsError(name, f"not a threshold setting; use one of {', '.join(NUMERIC_RULE_SETTINGS)}")
        return getattr(self, name)

    def to_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {}
        for f in fields(self):
            value = getattr(self, f.name)
            if f.name == "attendance_targets":
                value = {g: dict(a) for g, a in value.items()}
            elif isinstance(value, Mapping):
                value = dict(value)
            out[f.name] = value
        return out

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> ForceSettings:
        """Build settings from stored JSON; missing keys take their default."""
        if not isinstance(data, Mapping):
            raise SettingsError("(all)", f"expected a mapping of settings, got {type(data).__name__}")
        known = {f.name for f in fields(cls)}
        for name in data:
            if name not in known:
                raise SettingsError(str(name), f"unknown setting; known settings are {', '.join(sorted(known))}")
        return cls(**dict(data))


def table_key(text: str) -> str:
    """A key of a settings table (grade, area, risk level) as stored: lower case, single spaces."""
    return " ".join(str(text).split()).lower()


def _is_int(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def _check_int(name: str, value: Any, low: int, high: int | None = None, optional: bool = False) -> None:
    if value is None and optional:
        return
    if isinstance(value, str) and not value.strip():
        raise SettingsError(name, "is empty; type a whole number")
    if not _is_int(value):
        raise SettingsError(name, f"expected a whole number, got {value!r}")
    if value < low or (high is not None and value > high):
        bound = f"between {low} and {high}" if high is not None else f"at least {low}"
        raise SettingsError(name, f"must be {bound}, got {value}")


def _validate(s: ForceSettings) -> None:
    if not isinstance(s.force_name, str):
        raise SettingsError("force_name", f"expected text, got {s.force_name!r}")
    if not isinstance(s.marking, str) or not s.marking.strip():
        raise SettingsError("marking", "must be non-empty text, e.g. 'OFFICIAL-SENSITIVE'")
    if not isinstance(s.attendance_targets, Mapping):
        raise SettingsError("attendance_targets", "expected a table of grade -> area -> minutes")
    for grade, by_area in s.attendance_targets.items():
        if isinstance(grade, str) and not grade.strip():
            raise SettingsError("attendance_targets", "the call grade is empty; type the grade, e.g. emergency "
                                "or priority")
        if not isinstance(grade, str) or grade != table_key(grade):
            raise SettingsError("attendance_targets", f"grade {grade!r} must be lower-case text")
        if not isinstance(by_area, Mapping) or not by_area:
            raise SettingsError(f"attendance_targets.{grade}", "expected a table of area -> minutes")
        for area, minutes in by_area.items():
            if isinstance(area, str) and not area.strip():
                raise SettingsError(f"attendance_targets.{grade}", "the area is empty; type the area name, "
                                    "e.g. urban or rural")
            if not isinstance(area, str) or area != table_key(area):
                raise SettingsError(f"attendance_targets.{grade}", f"area {area!r} must be lower-case text")
            _check_int(f"attendance_targets.{grade}.{area}", minutes, 1, 7 * 24 * 60)
    if s.clock_start not in CLOCK_STARTS:
        raise SettingsError("clock_start", f"must be one of {', '.join(CLOCK_STARTS)}, got {s.clock_start!r}")
    _check_int("marac_tick_threshold", s.marac_tick_threshold, 1, 27)
    _check_int("marac_repeat_incidents", s.marac_repeat_incidents, 1)
    _check_int("marac_repeat_window_months", s.marac_repeat_window_months, 1, 120)
    _check_int("da_supervisor_review_hours", s.da_supervisor_review_hours, 1, 24 * 31)
    _check_int("crime_recording_hours", s.crime_recording_hours, 1, 24 * 31)
    _check_int("offender_caseload_limit", s.offender_caseload_limit, 1, optional=True)
    share = s.high_risk_share_limit
    if share is not None:
        if isinstance(share, bool) or not isinstance(share, (int, float)) or not math.isfinite(share):
            raise SettingsError("high_risk_share_limit", f"expected a percentage, got {share!r}")
        if not 0 < share <= 100:
            raise SettingsError("high_risk_share_limit", f"must be a percentage above 0 and at most 100, got {share}")
    if not isinstance(s.offender_visit_interval_days, Mapping):
        raise SettingsError("offender_visit_interval_days", "expected a table of risk level -> days")
    for level, days in s.offender_visit_interval_days.items():
        if isinstance(level, str) and not level.strip():
            raise SettingsError("offender_visit_interval_days", "the risk level is empty; type the risk level, "
                                "e.g. high or very high")
        if not isinstance(level, str) or level != table_key(level):
            raise SettingsError("offender_visit_interval_days", f"risk level {level!r} must be lower-case text")
        _check_int(f"offender_visit_interval_days.{level}", days, 1, 3660)
    if s.default_rag_rule not in RAG_RULES:
        raise SettingsError("default_rag_rule", f"must be one of {', '.join(RAG_RULES)}, got {s.default_rag_rule!r}")
    _check_int("evidence_max_file_mb", s.evidence_max_file_mb, 1, 100_000)
