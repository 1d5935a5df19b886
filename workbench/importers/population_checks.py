"""Plausibility checks of an extract's rows: times that must come in order (a call before the
dispatch, the dispatch before the arrival, an arrest before its use-of-force form).

The pairs come from the template's computed rules, so a custom template gets the same checks
for its own fields: a rule that measures from one field's time to another's needs the second
not to be before the first.
"""

from __future__ import annotations

from dataclasses import dataclass

import pyarrow as pa
import pyarrow.compute as pc

from workbench.importers.population_columns import Normalised
from workbench.templates.schema import Template

_ORDERED_FIELDS = {
    "minutes_within_target": (("call_field", "dispatch_field"), ("call_field", "arrival_field"),
                              ("dispatch_field", "arrival_field")),
    "within_hours": (("start_field", "end_field"),),
}


@dataclass(frozen=True)
class TimeOrder:
    """``later`` must not be before ``earlier`` (both template field keys)."""

    earlier: str
    later: str


def time_orders(template: Template) -> tuple[TimeOrder, ...]:
    """Every ordered pair of time fields the template's rules imply, once each."""
    types = {f.key: f.type for f in template.fields}
    found: dict[tuple[str, str], None] = {}
    for criterion in template.criteria:
        rule = criterion.rule
        if rule is None:
            continue
        for first, second in _ORDERED_FIELDS.get(rule.kind, ()):
            a, b = rule.get(first), rule.get(second)
            if a and b and a != b and types.get(a) in ("datetime", "date") and types.get(a) == types.get(b):
                found[(a, b)] = None
    return tuple(TimeOrder(a, b) for a, b in found)


def out_of_order(earlier: Normalised, later: Normalised) -> pa.Array:
    """True where both times are valid and the later one is before the earlier one.

    Canonical values are ISO text ("2024-03-14 14:02:00" or "2024-03-14"), so text order is time order.
    """
    valid = pc.and_(pc.invert(earlier.blank), pc.invert(later.blank))
    for n in (earlier, later):
        if n.bad is not None:
            valid = pc.and_(valid, pc.invert(n.bad))
        if n.time_missing is not None:  # a date without a time cannot be put in order with a time
            valid = pc.and_(valid, pc.invert(n.time_missing))
    before = pc.less(later.values, earlier.values)
    return pc.fill_null(pc.and_(valid, before), False)


def order_message(earlier_label: str, earlier_column: str) -> str:
    return f"is before {earlier_label} (column '{earlier_column}'); check the recorded times"
