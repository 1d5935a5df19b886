"""What a draw needs from the scan, so that a check and a draw read the extract once.

Given the draw's seed, the scan keys every case as it reads it (``stats.keyed_digests``: the
HMAC-SHA256 priority the draw ranks by) and keeps, per group the draw ranks within (a stratum
of a stratified plan, else the whole extract), the raw cells of the rows with the smallest
priorities so far (``keep`` of them: more than the sample and its reserves need). After the
draw, the sampled cases' fields come from those rows; when a pick is not among them (a plan
bigger than ``keep``, or a systematic draw, whose picks do not follow the priorities) the
caller reads the extract again for them, so the result never depends on ``keep``.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import pyarrow as pa
import pyarrow.compute as pc

from workbench.importers.population_columns import Normalised, normalise
from workbench.stats.selection import keyed_digests
from workbench.templates.schema import Field, Template


@dataclass(frozen=True)
class PopulationKeys:
    """The sampleable cases of a scan, in file order: each distinct reference's first valid row."""

    seed: int
    refs: pa.Array  # string
    strata: pa.Array | None  # string ('(blank)' for an empty value), None when not stratifying
    digests: pa.Array  # binary(32): HMAC-SHA256(seed, reference)
    rows: pa.Array  # int64 spreadsheet row numbers
    candidates: pa.Table | None  # row, group and the raw cell of each mapped field


def digest_array(seed: int, refs: pa.Array) -> pa.Array:
    """The priorities of a batch of references (null references get the digest of "")."""
    values = pc.cast(pc.fill_null(refs, ""), pa.binary()).to_pylist()
    joined = b"".join(keyed_digests(seed, values))
    return pa.Array.from_buffers(pa.binary(32), len(values), [None, pa.py_buffer(joined)])


class Candidates:
    """Per group, the raw rows with the ``keep`` smallest priorities seen so far."""

    def __init__(self, keep: int, columns: list[str]) -> None:
        self.keep = keep
        self.columns = columns
        self.table: pa.Table | None = None
        self._pending: list[pa.Table] = []
        self._pending_rows = 0

    def add(self, rows: pa.Array, digests: pa.Array, groups: pa.Array | None, raws: list[pa.Array],
            refs: pa.Array) -> None:
        present = pc.is_valid(refs)
        data = {"row": rows, "digest": digests,
                "group": groups if groups is not None else pa.nulls(len(rows), pa.string())}
        data.update({f"raw:{name}": raw for name, raw in zip(self.columns, raws, strict=True)})
        batch = pa.table(data).filter(present)
        self._pending.append(batch)
        self._pending_rows += len(batch)
        if self._pending_rows > 8 * self.keep + 65_536:
            self._prune()

    def _prune(self) -> None:
        parts = ([self.table] if self.table is not None else []) + self._pending
        self._pending, self._pending_rows = [], 0
        if not parts:
            return
        table = pa.concat_tables(parts).combine_chunks()
        groups = table["group"]
        kept = []
        names = pc.unique(groups).to_pylist()
        for name in names:
            part = table if len(names) == 1 else table.filter(
                pc.is_null(groups) if name is None else pc.fill_null(pc.equal(groups, name), False))
            order = pc.sort_indices(part, sort_keys=[("digest", "ascending"), ("row", "ascending")])
            kept.append(part.take(order.slice(0, self.keep)))
        self.table = pa.concat_tables(kept).combine_chunks() if kept else table.slice(0, 0)

    def result(self) -> pa.Table | None:
        self._prune()
        return self.table


def sampled_fields(keys: PopulationKeys | None, template: Template, fields: list[Field], ref: Field,
                   picked: set[str], json_values) -> dict[str, dict[str, Any]] | None:
    """The fields of the picked cases from the scan's candidate rows, or None when one is missing."""
    if keys is None or keys.candidates is None or not picked:
        return None
    wanted = pa.array(sorted(picked), pa.string())
    rows = keys.rows.filter(pc.fill_null(pc.is_in(keys.refs, value_set=wanted), False))
    table = keys.candidates
    found = table.filter(pc.fill_null(pc.is_in(table["row"], value_set=rows), False))
    if len(rows) != len(wanted) or len(found) != len(wanted):
        return None
    picked_norm: dict[str, Normalised] = {f.key: normalise(f, found[f"raw:{f.key}"].combine_chunks())
                                          for f in fields}
    columns = {k: json_values(template.field(k), n) for k, n in picked_norm.items()}
    out: dict[str, dict[str, Any]] = {}
    for i, value in enumerate(picked_norm[ref.key].values.to_pylist()):
        case: dict[str, Any] = {f.key: None for f in template.fields}
        for key, values in columns.items():
            case[key] = values[i]
        out[value] = case
    return out
