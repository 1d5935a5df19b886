"""Measures: KPIs with a baseline (often a figure the report cites), a target and data points."""

from __future__ import annotations

import math
import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from typing import Protocol

from sqlalchemy import select

from workbench.errors import InputError, NotFoundError
from workbench.services.access import require
from workbench.store.models import Finding, KeyFigure, Measure, MeasurePoint
from workbench.store.uow import UnitOfWork, check_version, writes

MEASURABLE = ("percentage", "proportion", "ratio", "count", "range")


@dataclass(frozen=True)
class Proposal:
    figure_position: int
    name: str
    unit: str
    baseline: float | None
    baseline_label: str
    target: float | None
    direction: str


@dataclass(frozen=True)
class PointInfo:
    period: date
    value: float
    note: str


@dataclass(frozen=True)
class MeasureInfo:
    id: int
    version: int
    finding_id: int | None
    finding_ref: str | None
    name: str
    unit: str
    baseline: float | None
    baseline_label: str
    target: float | None
    direction: str
    status: str
    points: tuple[PointInfo, ...]

    @property
    def latest(self) -> PointInfo | None:
        return self.points[-1] if self.points else None


def _fmt(v: float) -> str:
    return f"{v:,.1f}".rstrip("0").rstrip(".") if v != int(v) else f"{int(v):,}"


class Figure(Protocol):
    """A key figure as the report parser gives it or as the workspace stores it."""

    @property
    def kind(self) -> str: ...
    @property
    def value(self) -> float | None: ...
    @property
    def numerator(self) -> int | None: ...
    @property
    def denominator(self) -> int | None: ...
    @property
    def low(self) -> float | None: ...
    @property
    def high(self) -> float | None: ...
    @property
    def unit(self) -> str | None: ...
    @property
    def label(self) -> str: ...
    @property
    def missing_in_source(self) -> bool: ...


#: words that make a figure one the force wants lower: a backlog, a delay, crimes not recorded …
_LOWER_IS_BETTER = re.compile(
    r"\b(backlog|abandon\w*|delay\w*|wait\w*|overdue|outstanding|late|missed|unrecorded|not recorded|"
    r"under-?record\w*|fewer than .{0,40}should|should have been recorded|repeat\w*|re-?offend\w*|"
    r"complaints?|withdraw\w*|cancell?ed|failed|failure\w*|breach\w*|errors?|no further action|"
    r"outcome 1[4-6]|evidential difficulties|victims? did not support|injur\w*|harmed|deaths?|died|"
    r"assault\w*|disproportionat\w*|outliers?|vacanc\w*|sickness|absences?|exceed\w*)\b", re.IGNORECASE)


def _worse_when_higher(f: Figure) -> bool:
    """Whether the figure's own label or sentence says it counts something the force wants fewer of."""
    return bool(_LOWER_IS_BETTER.search(f"{f.label or ''} {getattr(f, 'sentence', '') or ''}"))


def proposals(figures: Sequence[Figure]) -> list[Proposal]:
    """Measures a finding's figures suggest: each measurable figure as a baseline, with the
    finding's stated target (same unit) when there is one. Figures the source garbled are skipped."""
    targets = [f for f in figures if f.kind == "target" and f.value is not None
               and not f.missing_in_source]
    out = []
    for pos, f in enumerate(figures):
        kind = f.kind
        if kind not in MEASURABLE or f.missing_in_source:
            continue
        value, unit, label = f.value, "", ""
        if kind == "proportion":
            num, den = f.numerator, f.denominator
            if not den or num is None:
                continue
            value, unit, label = round(100.0 * num / den, 1), "%", f"{num} of {den}"
        elif kind == "percentage":
            unit, label = "%", f"{_fmt(value)}%" if value is not None else ""
        elif kind == "ratio":
            unit, label = ":1", f"{_fmt(value)}:1" if value is not None else ""
        elif kind == "range":
            low, high = f.low, f.high
            value = high if value is None else value
            unit, label = "count", f"{_fmt(low)} to {_fmt(high)}" if low is not None and high is not None else ""
        else:
            unit, label = "count", _fmt(value) if value is not None else ""
        if value is None:
            continue
        target = next((t.value for t in targets if (t.unit == "percent") == (unit == "%")), None)
        direction = ("lower" if target < value else "higher") if target is not None else (
            "lower" if kind in ("ratio", "range") or _worse_when_higher(f) else "higher")
        name = (f.label or label or kind).strip()
        out.append(Proposal(pos, name[:1].upper() + name[1:], unit, value, label, target, direction))
    return out


def propose_from_figures(uow: UnitOfWork, finding: Finding) -> int:
    figures = uow.session.scalars(
        select(KeyFigure).where(KeyFigure.finding_id == finding.id).order_by(KeyFigure.position)).all()
    made = 0
    for p in proposals(figures):
        m = Measure(finding_id=finding.id, figure_id=figures[p.figure_position].id, name=p.name, unit=p.unit,
                    baseline=p.baseline, baseline_label=p.baseline_label, target=p.target,
                    direction=p.direction, status="proposed")
        uow.session.add(m)
        uow.session.flush()
        uow.log("measure", m.id, "propose", None, {"name": m.name, "baseline": m.baseline, "target": m.target})
        made += 1
    return made


def _info(uow: UnitOfWork, m: Measure) -> MeasureInfo:
    f = uow.session.get(Finding, m.finding_id) if m.finding_id else None
    pts = uow.session.scalars(select(MeasurePoint).where(MeasurePoint.measure_id == m.id)
                              .order_by(MeasurePoint.period))
    return MeasureInfo(m.id, m.version, m.finding_id, f.ref if f else None, m.name, m.unit, m.baseline,
                       m.baseline_label, m.target, m.direction, m.status,
                       tuple(PointInfo(p.period, p.value, p.note) for p in pts))


def _get(uow: UnitOfWork, measure_id: int) -> Measure:
    m = uow.session.get(Measure, measure_id)
    if m is None:
        raise NotFoundError(f"no measure with id {measure_id}", "see workbench measures list")
    return m


def list_measures(uow: UnitOfWork, finding_id: int | None = None, include_discarded: bool = False
                  ) -> list[MeasureInfo]:
    require(uow.actor, "read")
    q = select(Measure).order_by(Measure.finding_id, Measure.id)
    if finding_id is not None:
        q = q.where(Measure.finding_id == finding_id)
    if not include_discarded:
        q = q.where(Measure.status != "discarded")
    return [_info(uow, m) for m in uow.session.scalars(q)]


def create_measure(uow: UnitOfWork, name: str, unit: str, baseline: float | None, target: float | None,
                   direction: str, finding_id: int | None = None, baseline_label: str = "") -> MeasureInfo:
    require(uow.actor, "findings.edit")
    if direction not in ("higher", "lower"):
        raise InputError(f"direction must be 'higher' or 'lower' (better), not '{direction}'")
    if not name.strip():
        raise InputError("a measure needs a name")
    m = Measure(finding_id=finding_id, name=name.strip(), unit=unit, baseline=baseline, target=target,
                direction=direction, baseline_label=baseline_label, status="confirmed")
    uow.session.add(m)
    uow.session.flush()
    uow.log("measure", m.id, "create", None, {"name": m.name, "baseline": baseline, "target": target})
    return _info(uow, m)


def update_measure(uow: UnitOfWork, measure_id: int, expected_version: int | None = None,
                   **changes: object) -> MeasureInfo:
    """Confirm, edit or discard a measure (status: proposed | confirmed | discarded)."""
    require(uow.actor, "findings.edit")
    m = _get(uow, measure_id)
    check_version(m, expected_version, f"measure {m.name}")
    allowed = {"name", "unit", "baseline", "baseline_label", "target", "direction", "status"}
    if set(changes) - allowed:
        raise InputError(f"cannot change {', '.join(sorted(set(changes) - allowed))} of a measure")
    if "status" in changes and changes["status"] not in ("proposed", "confirmed", "discarded"):
        raise InputError("status must be proposed, confirmed or discarded")
    if "direction" in changes and changes["direction"] not in ("higher", "lower"):
        raise InputError("direction must be higher or lower")
    if "name" in changes:
        changes["name"] = str(changes["name"] or "").strip()
        if not changes["name"]:
            raise InputError("a measure needs a name", "say what is counted, e.g. '101 calls abandoned'")
    if "unit" in changes:
        unit = changes["unit"] = str(changes["unit"] or "").strip()
        if len(unit) > MAX_UNIT:
            raise InputError(f"the unit of measure '{m.name}' is longer than {MAX_UNIT} characters",
                             "use %, :1, count or a short word such as 'days'")
    for key in ("baseline", "target"):
        if key in changes:
            changes[key] = _number(changes[key], f"the {key} of measure '{m.name}'", optional=True)
    changes = {k: v for k, v in changes.items() if getattr(m, k) != v}
    if not changes:
        return _info(uow, m)
    before = {k: getattr(m, k) for k in changes}
    for k, v in changes.items():
        setattr(m, k, v)
    uow.session.flush()
    uow.log("measure", m.id, "update", before, dict(changes))
    return _info(uow, m)


MAX_UNIT = 40


def _number(value: object, what: str, optional: bool = False) -> float | None:
    if value is None and optional:
        return None
    try:
        number = float(value)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        raise InputError(f"{what} must be a number, not '{value}'", "type digits, e.g. 12.5") from None
    if not math.isfinite(number):
        raise InputError(f"{what} must be a finite number, not '{value}'", "type digits, e.g. 12.5")
    return number


def _point(uow: UnitOfWork, m: Measure, period: date) -> MeasurePoint:
    p = uow.session.scalar(select(MeasurePoint).where(MeasurePoint.measure_id == m.id, MeasurePoint.period == period))
    if p is None:
        raise NotFoundError(f"measure '{m.name}' has no value for {period:%d %b %Y}; nothing was changed",
                            "see workbench measures list for the recorded periods")
    return p


@writes
def update_point(uow: UnitOfWork, measure_id: int, period: date, value: float, note: str = "",
                 new_period: date | None = None) -> MeasureInfo:
    """Correct one recorded value (its value, note or period). Moving it onto a period that
    already has a value is refused, so nothing is overwritten by a correction."""
    require(uow.actor, "findings.edit")
    m = _get(uow, measure_id)
    p = _point(uow, m, period)
    value = float(_number(value, f"the value of '{m.name}' for {period:%b %Y}"))  # type: ignore[arg-type]
    target = new_period or period
    if target != period and uow.session.scalar(select(MeasurePoint.id).where(
            MeasurePoint.measure_id == m.id, MeasurePoint.period == target)) is not None:
        raise InputError(f"measure '{m.name}' already has a value for {target:%d %b %Y}; nothing was changed",
                         "edit that value instead, or remove it first")
    before = {"period": p.period, "value": p.value, "note": p.note}
    text = str(note or "").strip()
    after = {"period": target, "value": value, "note": text}
    if before == after:
        return _info(uow, m)
    p.period, p.value, p.note = target, value, text
    uow.session.flush()
    uow.log("measure", m.id, "update-value", before, after)
    return _info(uow, m)


@writes
def remove_point(uow: UnitOfWork, measure_id: int, period: date) -> MeasureInfo:
    """Remove one recorded value; the log keeps what it was."""
    require(uow.actor, "findings.edit")
    m = _get(uow, measure_id)
    p = _point(uow, m, period)
    before = {"period": p.period, "value": p.value, "note": p.note}
    uow.session.delete(p)
    uow.session.flush()
    uow.log("measure", m.id, "remove-value", before, None)
    return _info(uow, m)


def record_point(uow: UnitOfWork, measure_id: int, period: date, value: float, note: str = "") -> MeasureInfo:
    """Add or replace the value for one period (e.g. a month)."""
    require(uow.actor, "findings.edit")
    m = _get(uow, measure_id)
    value = float(_number(value, f"the value of '{m.name}' for {period:%b %Y}"))  # type: ignore[arg-type]
    if m.status == "discarded":
        raise InputError(f"measure '{m.name}' was discarded", "confirm it again before recording values")
    p = uow.session.scalar(select(MeasurePoint).where(MeasurePoint.measure_id == m.id,
                                                      MeasurePoint.period == period))
    before = None if p is None else {"value": p.value}
    if p is None:
        uow.session.add(MeasurePoint(measure_id=m.id, period=period, value=value, note=note))
    else:
        p.value, p.note = value, note
    uow.session.flush()
    uow.log("measure", m.id, "record", before, {"period": period, "value": value})
    return _info(uow, m)
