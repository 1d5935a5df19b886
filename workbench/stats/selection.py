"""Reproducible, row-order-independent sample selection.

Every case reference gets a priority HMAC-SHA256(key = seed as decimal ASCII,
message = reference as UTF-8), read as a big-endian 256-bit number. A simple random
sample is the references with the smallest priorities; a stratified sample does the
same within each stratum; a systematic sample walks the references sorted by their
UTF-8 bytes from a start derived from the seed. docs/sampling.md describes how to
redraw a sample with nothing but hashlib/hmac.
"""

from __future__ import annotations

import hashlib
import heapq
import hmac
import secrets
from collections.abc import Callable, Iterable, Sized
from dataclasses import dataclass, field
from typing import Any, Literal

from workbench.progress import Progress
from workbench.stats.allocation import apportion
from workbench.stats.errors import SamplingError

Method = Literal["simple", "systematic", "stratified"]
Allocation = Literal["proportional", "equal"]
Row = tuple[str, "str | None"]

SEED_LIMIT = 2**53  # seeds stay exact in JSON numbers and Excel cells
_PROGRESS_EVERY = 10_000


@dataclass(frozen=True, slots=True)
class SamplingPlan:
    """How to draw: method, sample size, reserve list size and stratum allocation.

    ``strata`` (stratified plans only, optional) lists the strata the plan expects;
    every one must have rows and no row may fall outside them.
    """

    method: Method
    size: int
    reserve: int = 0
    allocation: Allocation = "proportional"
    strata: tuple[str, ...] = ()

    def __post_init__(self) -> None:
        if self.method not in ("simple", "systematic", "stratified"):
            raise SamplingError(
                f"unknown method {self.method!r}; use simple, systematic or stratified",
                field="method",
            )
        if isinstance(self.size, bool) or not isinstance(self.size, int) or self.size < 1:
            raise SamplingError(
                f"sample size must be a whole number of at least 1, got {self.size!r}",
                field="size",
            )
        if isinstance(self.reserve, bool) or not isinstance(self.reserve, int) or self.reserve < 0:
            raise SamplingError(
                f"reserve must be a whole number of at least 0, got {self.reserve!r}",
                field="reserve",
            )
        if self.allocation not in ("proportional", "equal"):
            raise SamplingError(
                f"unknown allocation {self.allocation!r}; use proportional or equal",
                field="allocation",
            )
        if self.strata and self.method != "stratified":
            raise SamplingError("strata can only be listed for a stratified plan", field="strata")
        if len(set(self.strata)) != len(self.strata) or any(not s for s in self.strata):
            raise SamplingError(
                f"strata must be distinct non-empty names, got {list(self.strata)!r}",
                field="strata",
            )


@dataclass(frozen=True, slots=True)
class Pick:
    """A drawn case. ``order`` is its 1-based position in its list (sample or reserves)."""

    ref: str
    stratum: str | None
    order: int


@dataclass(frozen=True, slots=True)
class StratumAllocation:
    population: int
    sample: int
    reserve: int


@dataclass(frozen=True, slots=True)
class Draw:
    """The sample, the reserve list and (stratified plans) the allocation per stratum.

    Stratified draws list picks by stratum name, then priority; a replacement for an
    unusable case is the first unused reserve of the same stratum. Reserves may be
    fewer than planned when the population has too few rows left.
    """

    selected: tuple[Pick, ...]
    reserves: tuple[Pick, ...]
    strata: dict[str, StratumAllocation]
    seed: int
    plan: SamplingPlan
    population_size: int = field(default=0)


def new_seed() -> int:
    """A fresh random seed, 0 < seed < 2**53."""
    return secrets.randbelow(SEED_LIMIT - 1) + 1


def seed_key(seed: int) -> bytes:
    if isinstance(seed, bool) or not isinstance(seed, int) or not 0 < seed < SEED_LIMIT:
        raise SamplingError(
            f"seed must be a whole number between 1 and {SEED_LIMIT - 1}, got {seed!r}",
            field="seed",
        )
    return str(seed).encode("ascii")


def priority(key: bytes, ref: str) -> int:
    """HMAC-SHA256(key, ref as UTF-8) as a big-endian integer; smaller is drawn first."""
    return int.from_bytes(hmac.digest(key, ref.encode("utf-8"), "sha256"), "big")


def _keyed_sha256(key: bytes) -> Callable[[bytes], bytes]:
    """HMAC-SHA256 under ``key`` (RFC 2104) with the padded key states computed once.

    Same bytes as hmac.digest(key, msg, "sha256"), about twice as fast per call.
    """
    padded = (hashlib.sha256(key).digest() if len(key) > 64 else key).ljust(64, b"\0")
    inner = hashlib.sha256(bytes(b ^ 0x36 for b in padded))
    outer = hashlib.sha256(bytes(b ^ 0x5C for b in padded))

    def digest(msg: bytes) -> bytes:
        first = inner.copy()
        first.update(msg)
        second = outer.copy()
        second.update(first.digest())
        return second.digest()

    return digest


def draw(
    population: Iterable[tuple[str, str | None]],
    plan: SamplingPlan,
    seed: int,
    progress: Progress | None = None,
) -> Draw:
    """Draw ``plan.size`` cases and up to ``plan.reserve`` reserves from ``population``.

    ``population`` yields (case reference, stratum or None). The result depends only
    on the set of rows, the plan and the seed, never on the row order. Memory: a
    heap of size + reserve per stratum plus the set of references (for duplicate
    detection); systematic plans also hold the references to sort them.
    ``progress(done, total)`` is called every 10,000 rows; an exception it raises
    stops the draw.
    """
    key = seed_key(seed)
    digest = _keyed_sha256(key)
    total = len(population) if isinstance(population, Sized) else None
    keep = plan.size + plan.reserve
    stratified = plan.method == "stratified"
    wanted = set(plan.strata)
    seen: set[str] = set()
    heaps: dict[str | None, list[tuple[int, str, str | None]]] = {}
    counts: dict[str | None, int] = {}
    rows: list[tuple[str, str | None]] = []
    done = 0
    for done, item in enumerate(population, start=1):
        ref, stratum = _row(item, done)
        if ref in seen:
            raise SamplingError(
                f"row {done}: case reference {ref!r} appears more than once; "
                "remove the duplicate from the extract",
                field="ref", row=done,
            )
        seen.add(ref)
        if stratified:
            if stratum is None or stratum == "":
                raise SamplingError(
                    f"row {done}: case {ref!r} has no stratum, but the plan is stratified; "
                    "fill in the stratum column or use a simple plan",
                    field="stratum", row=done,
                )
            if wanted and stratum not in wanted:
                raise SamplingError(
                    f"row {done}: case {ref!r} is in stratum {stratum!r}, which the plan "
                    f"does not list ({sorted(wanted)!r}); add it to the plan or filter the extract",
                    field="stratum", row=done,
                )
        group = stratum if stratified else None
        counts[group] = counts.get(group, 0) + 1
        heap = heaps.get(group)
        if heap is None:
            heap = heaps[group] = []
        rank = -int.from_bytes(digest(ref.encode("utf-8")), "big")
        if len(heap) < keep:
            heapq.heappush(heap, (rank, ref, stratum))
        elif rank > heap[0][0]:
            heapq.heapreplace(heap, (rank, ref, stratum))
        if plan.method == "systematic":
            rows.append((ref, stratum))
        if progress is not None and done % _PROGRESS_EVERY == 0:
            progress(done, total)
    if progress is not None:
        progress(done, total)
    if done == 0:
        raise SamplingError("the population is empty: there are no cases to draw from",
                            field="population")
    if plan.size > done:
        raise SamplingError(
            f"the sample size ({plan.size}) is larger than the population ({done} cases); "
            "reduce the sample size",
            field="size",
        )
    missing = sorted(wanted - set(counts))
    if missing:
        raise SamplingError(
            f"the plan asks for strata with no rows in the population: {missing!r}",
            field="strata",
        )
    ranked = {g: [(ref, st) for _, ref, st in sorted(h, reverse=True)] for g, h in heaps.items()}
    reserve = min(plan.reserve, done - plan.size)
    if plan.method == "simple":
        chosen = ranked[None]
        return _result(chosen[: plan.size], chosen[plan.size : plan.size + reserve], {},
                       seed, plan, done)
    if plan.method == "systematic":
        return _systematic(rows, ranked[None], reserve, key, seed, plan)
    # stratified rows always carry a stratum, so every key here is a str
    return _stratified(ranked, counts, reserve, seed, plan, done)  # type: ignore[arg-type]


def _row(item: Any, row_no: int) -> tuple[str, str | None]:
    try:
        ref, stratum = item
    except (TypeError, ValueError):
        raise SamplingError(
            f"row {row_no}: expected (reference, stratum), got {item!r}", row=row_no
        ) from None
    if not isinstance(ref, str) or not ref:
        raise SamplingError(
            f"row {row_no}: the case reference is missing or not text ({ref!r})",
            field="ref", row=row_no,
        )
    if stratum is not None and not isinstance(stratum, str):
        raise SamplingError(
            f"row {row_no}: the stratum of case {ref!r} is not text ({stratum!r})",
            field="stratum", row=row_no,
        )
    try:
        ref.encode("utf-8")
    except UnicodeEncodeError:
        raise SamplingError(
            f"row {row_no}: case reference {ref!r} is not valid Unicode text",
            field="ref", row=row_no,
        ) from None
    return ref, stratum


def _picks(items: Iterable[tuple[str, str | None]]) -> tuple[Pick, ...]:
    return tuple(Pick(ref, stratum, i) for i, (ref, stratum) in enumerate(items, start=1))


def _result(
    selected: list[Row], reserves: list[Row], strata: dict[str, StratumAllocation],
    seed: int, plan: SamplingPlan, size: int,
) -> Draw:
    return Draw(_picks(selected), _picks(reserves), strata, seed, plan, size)


def _systematic(
    rows: list[Row], ranked: list[Row], reserve: int, key: bytes, seed: int, plan: SamplingPlan
) -> Draw:
    """Every (N/n)-th reference in UTF-8 byte order from a seed-derived start.

    With D = HMAC-SHA256(key, b"") as an integer and M = 2**256, the i-th pick
    (i = 0..n-1) is at index N * (D + i * M) // (n * M) of the sorted references.
    Code-point order of str equals the UTF-8 byte order, so sorted() is enough.
    Reserves are the unselected references with the smallest priorities.
    """
    rows.sort()
    big_n, n = len(rows), plan.size
    start = int.from_bytes(hmac.digest(key, b"", "sha256"), "big")
    span = 2**256
    selected = [rows[big_n * (start + i * span) // (n * span)] for i in range(n)]
    taken = {ref for ref, _ in selected}
    reserves = [item for item in ranked if item[0] not in taken][:reserve]
    return _result(selected, reserves, {}, seed, plan, big_n)


def _stratified(
    ranked: dict[str, list[Row]], counts: dict[str, int], reserve: int, seed: int,
    plan: SamplingPlan, size: int,
) -> Draw:
    names = sorted(counts)
    weights = {h: (counts[h] if plan.allocation == "proportional" else 1) for h in names}
    sample = apportion(plan.size, weights, counts, counts)
    spare = {h: counts[h] - sample[h] for h in names}
    extra = apportion(reserve, weights, spare, counts)
    selected: list[Row] = []
    reserves: list[Row] = []
    strata: dict[str, StratumAllocation] = {}
    for h in names:
        chosen = ranked[h]
        selected.extend(chosen[: sample[h]])
        reserves.extend(chosen[sample[h] : sample[h] + extra[h]])
        strata[h] = StratumAllocation(counts[h], sample[h], extra[h])
    return _result(selected, reserves, strata, seed, plan, size)


def keyed_digests(seed: int, refs: Iterable[bytes]) -> list[bytes]:
    """HMAC-SHA256(seed, ref) of each UTF-8 reference: the priorities of ``draw``, as 32-byte values.

    One C call chain per reference: the standard library has no batch HMAC, and the copied pad
    states are faster than ``hmac.digest`` (which sets up OpenSSL's HMAC each call).
    """
    digest = _keyed_sha256(seed_key(seed))
    return [digest(ref) for ref in refs]


def draw_ranked(refs, strata, digests, plan: SamplingPlan, seed: int) -> Draw:
    """The draw of ``draw`` from a population already keyed: the same picks for the same rows.

    ``refs`` (distinct, non-empty), ``strata`` (or None) and ``digests`` (``keyed_digests`` under
    ``seed``, 32 bytes each) are Arrow arrays of the same length; the ranking is done by Arrow's
    sort (big-endian bytes sort as the integers ``draw`` compares), with no per-row Python step.
    """
    import pyarrow as pa
    import pyarrow.compute as pc

    seed_key(seed)
    done = len(refs)
    stratified = plan.method == "stratified"
    if done == 0:
        raise SamplingError("the population is empty: there are no cases to draw from", field="population")
    if plan.size > done:
        raise SamplingError(
            f"the sample size ({plan.size}) is larger than the population ({done} cases); reduce the sample size",
            field="size")
    keep = plan.size + plan.reserve
    table = pa.table({"ref": refs, "digest": digests,
                      "stratum": strata if strata is not None else pa.nulls(done, pa.string())})
    counts: dict[str | None, int] = {}
    ranked: dict[str | None, list[Row]] = {}
    if stratified:
        if strata is None or pc.any(pc.or_(pc.is_null(strata), pc.equal(strata, ""))).as_py():
            raise SamplingError("a case has no stratum, but the plan is stratified; fill in the stratum column "
                                "or use a simple plan", field="stratum")
        values = pc.value_counts(strata)
        counts = dict(zip(values.field("values").to_pylist(), values.field("counts").to_pylist(), strict=True))
        present = {s for s in counts if s is not None}  # every one (a null stratum is refused above)
        wanted = set(plan.strata)
        outside = sorted(present - wanted) if wanted else []
        if outside:
            raise SamplingError(f"cases are in stratum {outside[0]!r}, which the plan does not list "
                                f"({sorted(wanted)!r}); add it to the plan or filter the extract", field="stratum")
        missing = sorted(wanted - present)
        if missing:
            raise SamplingError(f"the plan asks for strata with no rows in the population: {missing!r}",
                                field="strata")
        for name in counts:
            group = table.filter(pc.equal(table["stratum"], name))
            ranked[name] = _top(group, keep)
    else:
        counts[None] = done
        ranked[None] = _top(table, keep)
    reserve = min(plan.reserve, done - plan.size)
    if plan.method == "simple":
        chosen = ranked[None]
        return _result(chosen[: plan.size], chosen[plan.size : plan.size + reserve], {}, seed, plan, done)
    if plan.method == "systematic":
        order = pc.sort_indices(table, sort_keys=[("ref", "ascending")])
        big_n, n = done, plan.size
        start = int.from_bytes(hmac.digest(seed_key(seed), b"", "sha256"), "big")
        span = 2**256
        at = pa.array([big_n * (start + i * span) // (n * span) for i in range(n)], pa.int64())
        picked = table.take(pc.take(order, at))
        selected: list[Row] = list(zip(picked["ref"].to_pylist(), picked["stratum"].to_pylist(), strict=True))
        taken = {ref for ref, _ in selected}
        reserves = [item for item in ranked[None] if item[0] not in taken][:reserve]
        return _result(selected, reserves, {}, seed, plan, big_n)
    return _stratified(ranked, counts, reserve, seed, plan, done)  # type: ignore[arg-type]


def _top(table, keep: int) -> list[Row]:
    """The ``keep`` rows with the smallest digests, smallest first (ties: the larger reference
    first, as ``draw``'s heap of negated priorities orders them)."""
    import pyarrow.compute as pc

    order = pc.sort_indices(table, sort_keys=[("digest", "ascending"), ("ref", "descending")])
    top = table.take(order.slice(0, keep))
    return list(zip(top["ref"].to_pylist(), top["stratum"].to_pylist(), strict=True))
