"""Suggesting the column mapping from the extract's names *and* contents.

Names first (``population_mapping.suggest_mapping``: key, label, aliases, fuzzy). Then, for a
field still unmapped, the contents of the first rows: a column whose values are almost all
date-times fits a date-time field, one whose values are the field's choices fits a choice field.
Among fitting columns a shared word with the field's names decides ("First unit on scene" →
arrival, whose aliases include "On Scene"). Time fields whose order the template's rules imply
(call before dispatch before arrival) are matched to the remaining time columns by their typical
values when that is the only way to pair them. Each suggestion says why it was made; a column the
user gave that is the one the names and contents suggest keeps the suggestion's reason (a re-check
with the mapping as shown does not turn every reason into "chosen").
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

import pyarrow as pa
import pyarrow.compute as pc

from workbench.importers.population_checks import time_orders
from workbench.importers.population_columns import normalise
from workbench.importers.population_mapping import suggest_mapping
from workbench.importers.population_source import detect_layout, head_rows, iter_batches, xlsx_rows_batch
from workbench.templates.schema import Field, Template

SAMPLE_ROWS = 500
FIT = 0.9  # share of the sampled non-blank values that must fit the field's type
_WORD = re.compile(r"[a-z]{4,}")
_COMMON = {"date", "time", "datetime", "first", "number", "reference", "type", "code", "name", "incident",
           "resource", "given", "recorded"}


@dataclass(frozen=True)
class MappingSuggestion:
    mapping: dict[str, str | None]  # field key -> column (None: not mapped)
    reasons: dict[str, str]  # field key -> why this column ("its name", "its contents …")
    headers: tuple[str, ...]
    samples: dict[str, tuple[str, ...]]  # column -> first few non-blank values, to show
    #: column -> (distinct non-blank values, non-blank values) among the first rows
    distinct: dict[str, tuple[int, int]] = field(default_factory=dict)


def _stems(*names: str) -> set[str]:
    words: set[str] = set()
    for name in names:
        words.update(w[:5] for w in _WORD.findall(str(name).casefold()) if w not in _COMMON)
    return words


def _sample(path: Path, headers: tuple[str, ...], dates: list[str]) -> dict[str, pa.Array]:
    layout = detect_layout(path)
    head = head_rows(path, layout)
    if head is not None:  # an XLSX: its first rows were read with its layout (no second read)
        batch = xlsx_rows_batch(head[:SAMPLE_ROWS], layout, list(headers), set(dates), layout.header_row)
        return {k: v.slice(0, SAMPLE_ROWS) for k, v in batch.columns.items()}
    for batch in iter_batches(path, layout, list(headers), dates, block_size=256 * 1024):
        return {k: v.slice(0, SAMPLE_ROWS) for k, v in batch.columns.items()}
    return {h: pa.array([], pa.string()) for h in headers}


def _fit(field: Field, values: pa.Array) -> tuple[float, str | None]:
    """(share of non-blank sampled values that fit the field, their median canonical value)."""
    n = normalise(field, values)
    present = pc.sum(pc.invert(n.blank)).as_py() or 0
    if not present or n.bad is None:
        return 0.0, None
    good = pc.and_(pc.invert(n.blank), pc.invert(n.bad))
    share = (pc.sum(good).as_py() or 0) / present
    kept = sorted(v for v in n.values.filter(good).to_pylist() if v is not None)
    return share, kept[len(kept) // 2] if kept else None


def suggest_columns(path: str | Path, template: Template,
                    given: Mapping[str, str | None] | None = None) -> MappingSuggestion:
    """The mapping to propose for ``path``: names, then contents; ``given`` (a user's choices) wins.

    A given column that is the one the names and contents would suggest keeps that reason; only a
    field the user set otherwise is "chosen" (or "left unmapped")."""
    path = Path(path)
    layout = detect_layout(path)
    headers = tuple(layout.headers)
    sample = _sample(path, headers, [])
    mapping, reasons = _suggest(headers, sample, template, given)
    if given:
        own, own_reasons = _suggest(headers, sample, template, None)
        for key, column in given.items():
            if (column or None) == own.get(key) and key in own_reasons:
                reasons[key] = own_reasons[key]
            elif (column or None) == own.get(key):
                reasons.pop(key, None)  # unmapped, as the names and contents left it
    samples = {h: tuple(v for v in sample.get(h, pa.array([], pa.string())).to_pylist()[:40] if v)[:3]
               for h in headers}
    return MappingSuggestion(mapping, reasons, headers, samples, _distinct(headers, sample))


def _distinct(headers: tuple[str, ...], sample: dict[str, pa.Array]) -> dict[str, tuple[int, int]]:
    out = {}
    for h in headers:
        values = [str(v).strip() for v in sample.get(h, pa.array([], pa.string())).to_pylist() if v is not None]
        values = [v for v in values if v]
        out[h] = (len({v.casefold() for v in values}), len(values))
    return out


def _suggest(headers: tuple[str, ...], sample: dict[str, pa.Array], template: Template,
             given: Mapping[str, str | None] | None) -> tuple[dict[str, str | None], dict[str, str]]:
    mapping = suggest_mapping(headers, template)
    reasons = {k: f"its name matches “{v}”" for k, v in mapping.items() if v}
    for key, column in (given or {}).items():
        mapping[key] = column or None
        reasons[key] = "chosen" if column else "left unmapped"
    used = {c for c in mapping.values() if c}
    free = [h for h in headers if h not in used]
    open_fields = [f for f in template.fields if mapping.get(f.key) is None and f.key not in (given or {})
                   and f.type in ("datetime", "date", "choice")]
    fits: dict[str, dict[str, tuple[float, str | None]]] = {}
    for f in open_fields:
        fits[f.key] = {}
        for column in free:
            share, median = _fit(f, sample.get(column, pa.array([], pa.string())))
            if share >= FIT:
                fits[f.key][column] = (share, median)
    # 1. a fitting column that shares a word with the field's names
    for f in open_fields:
        stems = _stems(f.key, f.label, *f.aliases)
        named = [c for c in fits[f.key] if c not in used and stems & _stems(c)]
        if len(named) == 1:
            column = named[0]
            mapping[f.key], used = column, used | {column}
            reasons[f.key] = (f"its contents: {fits[f.key][column][0]:.0%} of the first rows are "
                              f"{_kind(f)}, and its name shares a word with “{f.label}”")
    # 2. a choice field with exactly one column of its choices
    for f in open_fields:
        if mapping.get(f.key) is None and f.type == "choice":
            left = [c for c in fits[f.key] if c not in used]
            if len(left) == 1:
                mapping[f.key], used = left[0], used | {left[0]}
                reasons[f.key] = f"its contents: the values are {', '.join(f.choices[:4])}…"
    # 3. time fields in the order the rules imply, paired with the time columns by their typical values
    _by_order(template, mapping, reasons, fits, used)
    return mapping, reasons


def _kind(f: Field) -> str:
    return {"datetime": "dates and times", "date": "dates", "choice": "one of its choices"}.get(f.type, f.type)


def _by_order(template: Template, mapping: dict[str, str | None], reasons: dict[str, str],
              fits: dict[str, dict[str, tuple[float, str | None]]], used: set[str]) -> None:
    orders = time_orders(template)
    keys = list(dict.fromkeys(k for o in orders for k in (o.earlier, o.later)))
    if not keys:
        return
    rank = {k: sum(1 for o in orders if o.later == k) for k in keys}  # how many times come before it
    open_keys = [k for k in keys if mapping.get(k) is None and k in fits]
    if not open_keys:
        return
    columns = set()
    for k in open_keys:
        columns |= {c for c in fits[k] if c not in used}
    if len(columns) != len(open_keys) or any(set(fits[k]) - used != columns for k in open_keys):
        return  # not one unambiguous way to pair them
    medians = {c: fits[open_keys[0]][c][1] or "" for c in columns}
    if len(set(medians.values())) != len(medians):
        return
    for key, column in zip(sorted(open_keys, key=lambda k: rank[k]), sorted(columns, key=lambda c: medians[c]), strict=True):
        mapping[key] = column
        used.add(column)
        label = template.field(key).label
        reasons[key] = (f"its contents: date-times that typically come in the place of “{label}” "
                        "(the template's rules put these times in order, e.g. the call before the arrival) — check it")
