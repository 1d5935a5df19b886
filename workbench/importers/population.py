"""Population import: validate an incident/crime extract, fingerprint it, and read cases.

Memory stays bounded: rows are streamed in batches (see ``population_source``); only the
reference column (compact Arrow strings, ~20 bytes a row) is kept whole, to find
duplicates and count strata at the end.

The fingerprint is independent of row order: each row's canonical values (template field
order, joined with U+001F) are hashed with SHA-256, the 32-byte row hashes are sorted, and the
fingerprint is SHA-256("population-v2|<field keys>|<rows>|" + the sorted hashes)
(``FINGERPRINT_SCHEME``).  Shuffled rows give the same fingerprint; any changed cell gives a
different one; unlike the earlier sum of row hashes modulo 2**256 ("population-v1", still
computed so audits drawn under it stay verifiable) it cannot be matched by choosing rows
whose hashes add up.
"""

from __future__ import annotations

import hashlib
from collections.abc import Collection, Iterator, Mapping
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.compute as pc

from workbench.force_settings import ForceSettings
from workbench.importers.population_checks import order_message, out_of_order, time_orders
from workbench.importers.population_columns import NO_TIME_MESSAGE, Normalised, normalise
from workbench.importers.population_keys import Candidates, PopulationKeys, digest_array, sampled_fields
from workbench.importers.population_mapping import normalise_name, suggest_mapping
from workbench.importers.population_model import (
    BLANK_STRATUM,
    MAX_PROBLEMS,
    DuplicateReference,
    PopulationError,
    PopulationScan,
    RowProblem,
)
from workbench.importers.population_source import Batch, Layout, detect_layout, iter_batches
from workbench.progress import Progress
from workbench.templates.schema import Field, Template

__all__ = [
    "DuplicateReference",
    "PopulationError",
    "PopulationScan",
    "RowProblem",
    "cases_from_scan",
    "iter_keys",
    "normalise_name",
    "read_cases",
    "read_headers",
    "scan_population",
    "suggest_mapping",
]

_MOD = 1 << 256
FINGERPRINT_SCHEME = "population-v2"
_SEP = "\x1f"


def read_headers(path: str | Path) -> list[str]:
    """Column names of a CSV or XLSX extract (title lines above the header are skipped)."""
    return list(detect_layout(path).headers)


class _Plan:
    """A checked mapping: which columns to read for which fields."""

    def __init__(self, path: Path, template: Template, mapping: Mapping[str, str | None],
                 stratify_by: str | None, layout: Layout, excluded_rows: Collection[int] = ()) -> None:
        self.path, self.template, self.layout = path, template, layout
        self.excluded = pa.array(sorted({int(r) for r in excluded_rows}), pa.int64())
        known = {f.key for f in template.fields}
        for key in mapping:
            if key not in known:
                raise PopulationError(f"template '{template.key}' has no such field", path=path, field=key)
        headers = set(layout.headers)
        self.columns: dict[str, str] = {}
        for f in template.fields:
            column = mapping.get(f.key)
            if column is None or column == "":
                continue
            if column not in headers:
                raise PopulationError(
                    f"column mapped to field '{f.key}' is not in the file; its columns are: "
                    f"{', '.join(layout.headers)}",
                    path=path, column=column, field=f.key,
                )
            self.columns[f.key] = column
        ref = template.reference_field
        if ref.key not in self.columns:
            raise PopulationError(
                "the reference field is not mapped to a column; map it to the case reference column",
                path=path, field=ref.key,
            )
        self.ref = ref
        self.stratum: Field | None = None
        if stratify_by is not None:
            if stratify_by not in known:
                raise PopulationError(f"template '{template.key}' has no such field to stratify by",
                                      path=path, field=stratify_by)
            if stratify_by not in self.columns:
                raise PopulationError("the stratification field is not mapped to a column",
                                      path=path, field=stratify_by)
            self.stratum = template.field(stratify_by)
        self.fields = [f for f in template.fields if f.key in self.columns]

    def batches(self, fields: list[Field], on_bad_row=None, progress: Progress | None = None,
                block_size: int | None = None) -> Iterator[Batch]:
        cols = [self.columns[f.key] for f in fields]
        dates = [self.columns[f.key] for f in fields if f.type in ("date", "datetime")]
        kwargs = {"block_size": block_size} if block_size else {}
        batches = iter_batches(self.path, self.layout, cols, dates, on_bad_row, progress, **kwargs)
        return batches if len(self.excluded) == 0 else (self._without_excluded(b) for b in batches)

    def _without_excluded(self, batch: Batch) -> Batch:
        """The batch less the rows excluded by number (recorded exclusions, each with its reason)."""
        keep = pc.invert(pc.is_in(batch.rows, value_set=self.excluded))
        if pc.all(keep).as_py():
            return batch
        return Batch(batch.rows.filter(keep), {k: v.filter(keep) for k, v in batch.columns.items()})

    def checks(self, fields: list[Field], raws: list[pa.Array], normals: list[Normalised]):
        """Every per-row check of a batch: (mask, raw values, column, field key, message)."""
        out = []
        for f, raw, n in zip(fields, raws, normals, strict=True):
            column = self.columns[f.key]
            if f.required:
                out.append((n.blank, raw, column, f.key, "required value is empty"))
            if n.bad is not None:
                out.append((n.bad, raw, column, f.key, n.message))
            if n.time_missing is not None:
                out.append((n.time_missing, raw, column, f.key, NO_TIME_MESSAGE))
        index = {f.key: i for i, f in enumerate(fields)}
        for order in time_orders(self.template):
            if order.earlier in index and order.later in index:
                a, b = index[order.earlier], index[order.later]
                earlier = self.template.field(order.earlier)
                out.append((out_of_order(normals[a], normals[b]), raws[b], self.columns[order.later], order.later,
                            order_message(earlier.label, self.columns[order.earlier])))
        return out

    def invalid(self, fields: list[Field], raws: list[pa.Array], normals: list[Normalised]) -> pa.Array:
        """True for the rows that fail any check."""
        mask = pa.repeat(pa.scalar(False), len(raws[0]) if raws else 0)
        for found, *_ in self.checks(fields, raws, normals):
            mask = pc.or_(mask, pc.fill_null(found, False))
        return mask


def _plan(path: str | Path, template: Template, mapping: Mapping[str, str | None],
          stratify_by: str | None = None, excluded_rows: Collection[int] = ()) -> _Plan:
    path = Path(path)
    suffix = path.suffix.lower()
    layout = detect_layout(path)
    if suffix in (".xlsx", ".xlsm") and layout.kind != "xlsx":
        raise PopulationError("the file is named .xlsx but is not a workbook", path=path)
    return _Plan(path, template, mapping, stratify_by, layout, excluded_rows)


def _not_blank_rows(normals: list[Normalised]) -> pa.Array:
    keep = pc.invert(normals[0].blank)
    for n in normals[1:]:
        keep = pc.or_(keep, pc.invert(n.blank))
    return keep


class _Problems:
    def __init__(self) -> None:
        self.items: list[RowProblem] = []
        self.total = 0

    def add(self, problem: RowProblem) -> None:
        self.total += 1
        if len(self.items) < MAX_PROBLEMS:
            self.items.append(problem)

    def add_mask(self, mask: pa.Array, rows: pa.Array, raw: pa.Array, column: str, field: str,
                 message: str, batch_items: list[RowProblem]) -> None:
        count = pc.sum(mask).as_py() or 0
        if not count:
            return
        room = MAX_PROBLEMS - len(self.items) - len(batch_items)
        if room > 0:
            where = pc.indices_nonzero(mask).slice(0, room)
            for row, value in zip(pc.take(rows, where).to_pylist(), pc.take(raw, where).to_pylist(), strict=True):
                batch_items.append(RowProblem(row, column, field, (value or "").strip()[:200], message))
        self.total += count


def scan_population(
    path: str | Path,
    template: Template,
    mapping: Mapping[str, str | None],
    stratify_by: str | None = None,
    settings: ForceSettings | None = None,
    progress: Progress | None = None,
    *,
    exclude_invalid: bool = False,
    excluded_rows: Collection[int] = (),
    seed: int | None = None,
    keep: int = 0,
    keep_per_stratum: bool = False,
    _block_size: int | None = None,
) -> PopulationScan:
    """Validate the extract and fingerprint it, streaming (bounded memory).

    ``progress(done, total)`` is called per batch (bytes for CSV, rows for XLSX); an exception
    it raises (e.g. cancellation) propagates.

    ``excluded_rows`` (spreadsheet row numbers) are left out before anything is read from them.
    With ``exclude_invalid`` every row that fails a check (and every unreadable or repeated row)
    is left out of the population instead of blocking it: its problems stay in the report and
    its number in ``excluded_rows``; only problems no row exclusion can cure (an unmapped
    required field, an empty file) still make the scan not ok.

    With a draw's ``seed`` the scan also keys every case for that draw (``scan.keys``) and keeps
    the raw rows of the ``keep`` cases with the smallest priorities (per stratum with
    ``keep_per_stratum``), so that the draw and the sampled cases' fields need no second read
    (``population_keys``).
    """
    plan = _plan(path, template, mapping, stratify_by, excluded_rows)
    problems = _Problems()
    fields = plan.fields
    ref_index = fields.index(plan.ref)
    ref_chunks: list[pa.Array] = []
    row_chunks: list[pa.Array] = []
    stratum_chunks: list[pa.Array] = []
    total_hash = 0
    row_hashes: list[pa.Array] = []
    rows = 0
    left_out: list[pa.Array] = []  # row numbers excluded because they failed a check
    blocking = 0  # problems no row exclusion cures
    # the period the extract covers: first and last value of its first date field
    dated = next((i for i, f in enumerate(fields) if f.type in ("date", "datetime")), None)
    span: list[str] = []
    digest_chunks: list[pa.Array] = []
    candidates = Candidates(keep, [f.key for f in fields]) if seed is not None and keep > 0 else None

    def bad_row(row: int | None, message: str) -> None:
        problems.add(RowProblem(row, None, None, "", message))
        if row is not None and row >= 0:
            left_out.append(pa.array([row], pa.int64()))

    for f in template.fields:
        if f.required and f.key not in plan.columns:
            problems.add(RowProblem(None, None, f.key, "", f"required field '{f.label}' is not mapped to a column"))
            blocking += 1
    for batch in plan.batches(fields, bad_row, progress, _block_size):
        raws = [batch.columns[plan.columns[f.key]] for f in fields]
        normals = [normalise(f, raw) for f, raw in zip(fields, raws, strict=True)]
        keep = _not_blank_rows(normals)
        if not pc.all(keep).as_py():
            raws = [r.filter(keep) for r in raws]
            normals = [normalise(f, raw) for f, raw in zip(fields, raws, strict=True)]
            batch = Batch(batch.rows.filter(keep), {})
        if len(batch.rows) == 0:
            continue
        found: list[RowProblem] = []
        invalid = pa.repeat(pa.scalar(False), len(batch.rows))
        for mask, raw, column, key, message in plan.checks(fields, raws, normals):
            problems.add_mask(mask, batch.rows, raw, column, key, message, found)
            invalid = pc.or_(invalid, pc.fill_null(mask, False))
        found.sort(key=lambda p: p.row or 0)
        problems.items.extend(found)
        if exclude_invalid and pc.any(invalid).as_py():
            left_out.append(batch.rows.filter(invalid))
            keep = pc.invert(invalid)
            raws = [r.filter(keep) for r in raws]
            normals = [normalise(f, raw) for f, raw in zip(fields, raws, strict=True)]
            batch = Batch(batch.rows.filter(keep), {})
            if len(batch.rows) == 0:
                continue
        elif not exclude_invalid:
            blocking += pc.sum(invalid).as_py() or 0
        rows += len(batch.rows)
        if dated is not None:
            span = _span(span, normals[dated])
        summed, hashes = _hash_rows([n.values for n in normals])
        total_hash = (total_hash + summed) % _MOD
        row_hashes.append(hashes)
        ref_chunks.append(normals[ref_index].values)
        row_chunks.append(batch.rows)
        group = None
        if plan.stratum is not None:
            group = pc.fill_null(normals[fields.index(plan.stratum)].values, BLANK_STRATUM)
            stratum_chunks.append(pc.dictionary_encode(group))
        if seed is not None:
            digest_chunks.append(digest_array(seed, normals[ref_index].values))
            if candidates is not None:
                candidates.add(batch.rows, digest_chunks[-1], group if keep_per_stratum else None, raws,
                               normals[ref_index].values)

    if rows == 0:
        if left_out:
            raise PopulationError(
                f"every data row fails a check ({problems.total:,} problem(s), e.g. "
                f"{_first_problem(problems.items)}), so excluding the invalid rows leaves nothing to sample",
                path=plan.path)
        raise PopulationError(
            f"no data rows below the header (row {plan.layout.header_row})", path=plan.path,
            row=plan.layout.header_row,
        )
    duplicates, duplicate_total, repeat_mask = _duplicates(ref_chunks, row_chunks)
    for dup in duplicates:
        for later in dup.rows[1:]:
            problems.add(RowProblem(later, plan.columns[plan.ref.key], plan.ref.key, dup.reference,
                                    f"reference {dup.reference} repeats row {dup.rows[0]}"))
    extra = duplicate_total - sum(len(d.rows) - 1 for d in duplicates)
    problems.total += max(extra, 0)
    if exclude_invalid and duplicate_total:
        left_out.append(pa.concat_arrays(row_chunks).filter(repeat_mask))
    elif not exclude_invalid:
        blocking += duplicate_total
    excluded = sorted(set(pa.concat_arrays(left_out).to_pylist())) if left_out else []
    refs = pa.concat_arrays(ref_chunks)
    sampleable = pc.and_(pc.is_valid(refs), pc.invert(repeat_mask))
    cases = pc.sum(sampleable).as_py() or 0
    strata: dict[str, int] = {}
    chosen = None
    if plan.stratum is not None:
        chosen = pa.chunked_array(stratum_chunks).filter(sampleable)
        counts = pc.value_counts(pc.cast(chosen, pa.string()))
        strata = {v: c for v, c in zip(counts.field("values").to_pylist(), counts.field("counts").to_pylist(), strict=True)}
        strata = dict(sorted(strata.items()))
    keys = None
    if seed is not None:
        keys = PopulationKeys(
            seed, refs.filter(sampleable),
            pc.cast(chosen, pa.string()).combine_chunks() if chosen is not None else None,
            pa.concat_arrays(digest_chunks).filter(sampleable), pa.concat_arrays(row_chunks).filter(sampleable),
            candidates.result() if candidates is not None else None)
    field_list = ",".join(f.key for f in fields)
    fingerprint_v1 = hashlib.sha256(f"population-v1|{field_list}|{rows}|{total_hash:064x}".encode()).hexdigest()
    return PopulationScan(
        rows=rows,
        fingerprint=_sorted_fingerprint(field_list, rows, row_hashes),
        fingerprint_v1=fingerprint_v1,
        strata=strata,
        problems=tuple(sorted(problems.items[:MAX_PROBLEMS], key=lambda p: (p.row is None, p.row or 0))),
        problem_total=problems.total,
        duplicates=duplicates,
        ok=(blocking if exclude_invalid else problems.total) == 0,
        cases=cases,
        duplicate_total=duplicate_total,
        header_row=plan.layout.header_row,
        file_kind=plan.layout.kind,
        warnings=_rule_warnings(plan, settings or ForceSettings()),
        mapping=dict(plan.columns),
        excluded_rows=tuple(excluded),
        blocking=blocking if exclude_invalid else problems.total,
        date_field=fields[dated].key if dated is not None and span else "",
        date_span=(span[0], span[1]) if span else None,
        keys=keys,
    )


def _span(span: list[str], normal: Normalised) -> list[str]:
    """``span`` (first, last) widened by the valid values of one batch of a date field."""
    values = normal.values if normal.bad is None else normal.values.filter(pc.invert(pc.fill_null(normal.bad, True)))
    if len(values) == 0 or values.null_count == len(values):
        return span
    got = pc.min_max(values)
    lo, hi = got["min"].as_py(), got["max"].as_py()
    return [min(span[0], lo), max(span[1], hi)] if span else [lo, hi]


def _first_problem(items: list[RowProblem]) -> str:
    if not items:
        return "rows that cannot be read"
    p = items[0]
    return (f"row {p.row}" if p.row is not None else "") + (f", column '{p.column}'" if p.column else "") + \
        f": {p.message}"


def _sorted_fingerprint(field_list: str, rows: int, chunks: list[pa.Array]) -> str:
    """SHA-256 over the scheme, field keys, row count and the row hashes in sorted order."""
    digest = hashlib.sha256(f"{FINGERPRINT_SCHEME}|{field_list}|{rows}|".encode())
    hashes = pa.concat_arrays(chunks) if chunks else pa.array([], pa.binary(32))
    ordered = pc.take(hashes, pc.sort_indices(hashes))
    ordered = pa.concat_arrays([ordered]) if ordered.offset else ordered
    data = ordered.buffers()[1]
    if data is not None:
        digest.update(memoryview(data)[: 32 * len(ordered)])
    return digest.hexdigest()


def _hash_rows(columns: list[pa.Array]) -> tuple[int, pa.Array]:
    """(sum of the SHA-256 of each row's canonical text, the row hashes as 32-byte values)."""
    joined = pc.binary_join_element_wise(*columns, _SEP, null_handling="replace", null_replacement="")
    sha = hashlib.sha256
    digests = [sha(text).digest() for text in pc.cast(joined, pa.binary()).to_pylist()]
    total = sum(map(int.from_bytes, digests))  # big-endian (the default since Python 3.11)
    hashes = pa.Array.from_buffers(pa.binary(32), len(digests), [None, pa.py_buffer(b"".join(digests))])
    return total, hashes


def _duplicates(ref_chunks: list[pa.Array], row_chunks: list[pa.Array]):
    """Repeated references, found by sorting (lighter on memory than a hash table of all)."""
    refs = pa.concat_arrays(ref_chunks) if ref_chunks else pa.array([], pa.string())
    rows = pa.concat_arrays(row_chunks) if row_chunks else pa.array([], pa.int64())
    no_repeats = pa.repeat(pa.scalar(False), len(refs))
    present = refs.drop_null()
    ordered = pc.take(present, pc.sort_indices(present))
    if len(ordered) < 2:
        return (), 0, no_repeats
    same_as_next = pc.equal(ordered.slice(1), ordered.slice(0, len(ordered) - 1))
    if not pc.any(same_as_next).as_py():
        return (), 0, no_repeats
    repeated = pc.unique(ordered.slice(1).filter(same_as_next))
    mask = pc.fill_null(pc.is_in(refs, value_set=repeated), False)
    grouped: dict[str, list[int]] = {}
    for ref, row in zip(refs.filter(mask).to_pylist(), rows.filter(mask).to_pylist(), strict=True):
        grouped.setdefault(ref, []).append(row)
    first_rows = pa.array(sorted(r[0] for r in grouped.values()), pa.int64())
    repeat_mask = pc.and_(mask, pc.invert(pc.is_in(rows, value_set=first_rows)))
    dups = sorted((DuplicateReference(ref, tuple(r)) for ref, r in grouped.items()), key=lambda d: d.rows[0])
    total = sum(len(d.rows) - 1 for d in dups)
    return tuple(dups[:MAX_PROBLEMS]), total, repeat_mask


def _rule_warnings(plan: _Plan, settings: ForceSettings) -> tuple[str, ...]:
    """Computed criteria that cannot be evaluated because an input field is not mapped."""
    notes = []
    for criterion in plan.template.criteria:
        rule = criterion.rule
        if rule is None:
            continue
        needed = list(rule.field_keys())
        if rule.kind == "minutes_within_target":
            unused = "call_field" if settings.clock_start == "dispatch" else "dispatch_field"
            needed = [k for k in needed if k != rule.get(unused)]
        missing = [k for k in needed if k not in plan.columns]
        if missing:
            names = {f.key: f.label for f in plan.template.fields}
            labels = [f"“{names.get(k, k)}”" for k in missing]
            notes.append(f"the computed criterion “{criterion.question}” cannot be worked out: "
                         + (f"{labels[0]} is" if len(labels) == 1 else f"{', '.join(labels[:-1])} and {labels[-1]} are")
                         + " not mapped to a column")
    return tuple(notes)


def iter_keys(
    path: str | Path,
    template: Template,
    mapping: Mapping[str, str | None],
    stratify_by: str | None = None,
    *,
    exclude_invalid: bool = False,
    excluded_rows: Collection[int] = (),
) -> Iterator[tuple[str, str | None]]:
    """Yield ``(reference, stratum)`` once per distinct non-empty reference, in file order.

    A repeated reference yields only its first row.  The stratum is the canonical value of
    the ``stratify_by`` field ('(blank)' when empty), or None when not stratifying.
    Exclusions are those of ``scan_population``.
    """
    plan = _plan(path, template, mapping, stratify_by, excluded_rows)
    fields = [plan.ref] + ([plan.stratum] if plan.stratum and plan.stratum is not plan.ref else [])
    seen: set[str] = set()
    for batch in _valid_batches(plan, fields, exclude_invalid):
        refs = normalise(plan.ref, batch.columns[plan.columns[plan.ref.key]]).values.to_pylist()
        if plan.stratum is None:
            strata: list[str | None] = [None] * len(refs)
        else:
            values = normalise(plan.stratum, batch.columns[plan.columns[plan.stratum.key]]).values
            strata = pc.fill_null(values, BLANK_STRATUM).to_pylist()
        for ref, stratum in zip(refs, strata, strict=True):
            if ref is not None and ref not in seen:
                seen.add(ref)
                yield ref, stratum


def read_cases(
    path: str | Path,
    template: Template,
    mapping: Mapping[str, str | None],
    refs: set[str],
    *,
    exclude_invalid: bool = False,
    excluded_rows: Collection[int] = (),
) -> dict[str, dict[str, Any]]:
    """Fields of the rows whose reference is in ``refs`` (first row per reference).

    Values are JSON-safe: datetimes as ISO text (date only when no time was given), dates
    as ``yyyy-mm-dd``, numbers as int/float, choices as their template label, unmapped or
    empty fields as None; a value that failed validation is returned as its trimmed text.
    """
    plan = _plan(path, template, mapping, None, excluded_rows)
    wanted = pa.array(sorted({str(r).strip() for r in refs}), pa.string())
    out: dict[str, dict[str, Any]] = {}
    if len(wanted) == 0:
        return out
    fields = plan.fields
    for batch in _valid_batches(plan, fields, exclude_invalid):
        ref_values = normalise(plan.ref, batch.columns[plan.columns[plan.ref.key]]).values
        mask = pc.fill_null(pc.is_in(ref_values, value_set=wanted), False)
        if not pc.any(mask).as_py():
            continue
        picked = {f.key: normalise(f, batch.columns[plan.columns[f.key]].filter(mask)) for f in fields}
        columns = {k: _json_values(plan.template.field(k), n) for k, n in picked.items()}
        for i, ref in enumerate(picked[plan.ref.key].values.to_pylist()):
            if ref in out:
                continue
            case: dict[str, Any] = {f.key: None for f in template.fields}
            for key, values in columns.items():
                case[key] = values[i]
            out[ref] = case
        if len(out) == len(wanted):
            break
    return out


def cases_from_scan(scan: PopulationScan, template: Template, refs: set[str]) -> dict[str, dict[str, Any]] | None:
    """``read_cases`` for ``refs`` from the rows a keyed scan kept, or None when one of them was not
    kept (the caller then reads the extract with ``read_cases``)."""
    fields = [f for f in template.fields if f.key in scan.mapping]
    return sampled_fields(scan.keys, template, fields, template.reference_field, {str(r).strip() for r in refs},
                          _json_values)


def _valid_batches(plan: _Plan, fields: list[Field], exclude_invalid: bool) -> Iterator[Batch]:
    """Batches of ``fields``; with ``exclude_invalid``, less the rows that fail a check (as in a scan)."""
    if not exclude_invalid:
        yield from plan.batches(fields)
        return
    every = plan.fields
    for batch in plan.batches(every):
        raws = [batch.columns[plan.columns[f.key]] for f in every]
        normals = [normalise(f, raw) for f, raw in zip(every, raws, strict=True)]
        keep = pc.invert(plan.invalid(every, raws, normals))
        wanted = {plan.columns[f.key] for f in fields}
        columns = {k: v.filter(keep) for k, v in batch.columns.items() if k in wanted}
        yield Batch(batch.rows.filter(keep), columns)


def _json_values(field: Field, n: Normalised) -> list[Any]:
    values = n.values.to_pylist()
    bad = n.bad.to_pylist() if n.bad is not None else [False] * len(values)
    if field.type == "number":
        return [None if v is None else (v if b else (float(v) if "." in v else int(v))) for v, b in zip(values, bad, strict=True)]
    if field.type == "datetime" and n.time_missing is not None:
        no_time = n.time_missing.to_pylist()
        return [
            v if v is None or b else (v[:10] if t else v.replace(" ", "T", 1))
            for v, b, t in zip(values, bad, no_time, strict=True)
        ]
    return values
