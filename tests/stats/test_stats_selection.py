"""Reproducible, order-independent selection."""

from __future__ import annotations

import hmac
import json
import random
import re
from collections import Counter
from itertools import pairwise
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from workbench.stats import Draw, SamplingError, SamplingPlan, draw, new_seed
from workbench.stats.allocation import apportion
from workbench.stats.selection import _keyed_sha256, priority

DOC = Path(__file__).resolve().parents[2] / "docs" / "sampling.md"


def population(n: int, strata: dict[str, int] | None = None) -> list[tuple[str, str | None]]:
    if strata is None:
        return [(f"INC-{i:06d}", None) for i in range(n)]
    rows: list[tuple[str, str | None]] = []
    i = 0
    for name, size in strata.items():
        for _ in range(size):
            rows.append((f"CAD/{i:06d}", name))
            i += 1
    return rows


def refs(picks) -> list[str]:
    return [p.ref for p in picks]


@pytest.mark.parametrize("method", ["simple", "systematic", "stratified"])
def test_row_order_does_not_matter(method):
    rows = population(0, {"north": 700, "south": 250, "east": 50})
    shuffled = rows[:]
    random.Random(7).shuffle(shuffled)
    plan = SamplingPlan(method, 40, reserve=8)
    first, second = draw(rows, plan, 4242), draw(reversed(shuffled), plan, 4242)
    assert first.selected == second.selected
    assert first.reserves == second.reserves
    assert first.strata == second.strata


@pytest.mark.parametrize("method", ["simple", "systematic", "stratified"])
def test_different_seed_gives_different_sample(method):
    rows = population(0, {"north": 700, "south": 250, "east": 50})
    plan = SamplingPlan(method, 40)
    assert set(refs(draw(rows, plan, 1).selected)) != set(refs(draw(rows, plan, 2).selected))


def test_simple_sample_is_the_smallest_priorities():
    rows = population(500)
    result = draw(rows, SamplingPlan("simple", 10, reserve=5), 99)
    ranked = sorted((r for r, _ in rows), key=lambda r: hmac.new(b"99", r.encode(), "sha256").digest())
    assert refs(result.selected) == ranked[:10]
    assert refs(result.reserves) == ranked[10:15]
    assert [p.order for p in result.selected] == list(range(1, 11))
    assert [p.order for p in result.reserves] == list(range(1, 6))
    assert result.population_size == 500 and result.seed == 99


def test_fast_hmac_matches_the_standard_library():
    digest = _keyed_sha256(b"9007199254740991")
    for ref in ["", "INC-1", "ünïcödé/ref", "x" * 300]:
        expected = hmac.digest(b"9007199254740991", ref.encode("utf-8"), "sha256")
        assert digest(ref.encode("utf-8")) == expected
        assert priority(b"9007199254740991", ref) == int.from_bytes(expected, "big")


def test_stratified_proportional_allocation_by_hand():
    rows = population(0, {"north": 700, "south": 250, "east": 50})
    result = draw(rows, SamplingPlan("stratified", 20, reserve=10), 5)
    # sample quotas 20 * (700, 250, 50) / 1000 = 14, 5, 1 exactly
    assert {h: a.sample for h, a in result.strata.items()} == {"east": 1, "north": 14, "south": 5}
    assert {h: a.population for h, a in result.strata.items()} == {"east": 50, "north": 700, "south": 250}
    # reserve quotas 7, 2.5, 0.5: floors 7, 2, 0; the one left goes to south (tie on .5,
    # south is larger); then east takes one from the stratum most above quota (south)
    assert {h: a.reserve for h, a in result.strata.items()} == {"east": 1, "north": 7, "south": 2}
    counts = Counter(p.stratum for p in result.selected)
    assert counts == {"north": 14, "south": 5, "east": 1}
    assert Counter(p.stratum for p in result.reserves) == {"north": 7, "south": 2, "east": 1}
    assert [p.stratum for p in result.selected] == sorted(p.stratum or "" for p in result.selected)


def test_largest_remainder_and_minimum_one():
    # quotas 9, 0.95, 0.05 -> 9, 1, 0; east then takes one from north -> 8, 1, 1
    assert apportion(10, {"n": 900, "s": 95, "e": 5}, {"n": 900, "s": 95, "e": 5}) == {
        "n": 8, "s": 1, "e": 1,
    }
    # fewer cases than strata: no minimum, plain largest remainder -> 2, 0, 0
    assert apportion(2, {"n": 900, "s": 95, "e": 5}, {"n": 900, "s": 95, "e": 5}) == {
        "n": 2, "s": 0, "e": 0,
    }


def test_equal_allocation_respects_stratum_size():
    rows = population(0, {"north": 900, "south": 95, "east": 5})
    result = draw(rows, SamplingPlan("stratified", 20, allocation="equal"), 11)
    # 20/3 each -> 7, 7, 6 but east has only 5; the 15 left split 8 / 7 (tie -> larger stratum)
    assert {h: a.sample for h, a in result.strata.items()} == {"east": 5, "north": 8, "south": 7}
    assert result.strata["east"].reserve == 0


def test_reserves_are_disjoint_and_from_the_same_stratum():
    rows = population(0, {"a": 30, "b": 20, "c": 10})
    result = draw(rows, SamplingPlan("stratified", 12, reserve=9), 2024)
    assert not set(refs(result.selected)) & set(refs(result.reserves))
    stratum_of = dict(rows)
    for pick in result.selected + result.reserves:
        assert stratum_of[pick.ref] == pick.stratum
    for name, alloc in result.strata.items():
        sample = [p for p in result.selected if p.stratum == name]
        spare = [p for p in result.reserves if p.stratum == name]
        assert (len(sample), len(spare)) == (alloc.sample, alloc.reserve)


def test_reserves_are_limited_to_what_is_left():
    result = draw(population(12), SamplingPlan("simple", 10, reserve=5), 3)
    assert len(result.selected) == 10 and len(result.reserves) == 2
    whole = draw(population(12), SamplingPlan("simple", 12, reserve=5), 3)
    assert len(whole.selected) == 12 and whole.reserves == ()


def test_systematic_spacing():
    rows = population(1000)
    result = draw(rows, SamplingPlan("systematic", 10, reserve=3), 77)
    positions = [int(p.ref[4:]) for p in result.selected]
    assert [b - a for a, b in pairwise(positions)] == [100] * 9
    assert 0 <= positions[0] < 100
    assert not set(refs(result.selected)) & set(refs(result.reserves))
    uneven = draw(population(1003), SamplingPlan("systematic", 7), 77)
    positions = [int(p.ref[4:]) for p in uneven.selected]
    # interval 1003 / 7 = 143.29: steps of 143 or 144
    assert {b - a for a, b in pairwise(positions)} <= {143, 144}
    assert len(positions) == 7 and positions[-1] < 1003


def test_systematic_orders_by_utf8_bytes():
    rows = [("b", None), ("A", None), ("é", None), ("a", None)]
    result = draw(rows, SamplingPlan("systematic", 4), 1)
    assert refs(result.selected) == ["A", "a", "b", "é"]


def test_large_population_and_progress():
    calls = []
    rows = population(200_000)
    result = draw(iter(rows), SamplingPlan("simple", 385, reserve=40), new_seed(),
                  progress=lambda done, total: calls.append((done, total)))
    assert len(result.selected) == 385 and len(result.reserves) == 40
    assert calls[0] == (10_000, None) and calls[-1] == (200_000, None)
    sized = []
    draw(rows[:25_000], SamplingPlan("simple", 5), 1, progress=lambda d, t: sized.append(t))
    assert set(sized) == {25_000}


def test_progress_can_cancel():
    def stop(done, total):
        raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        draw(population(20_000), SamplingPlan("simple", 5), 1, progress=stop)


def test_new_seed_survives_json_and_excel():
    for _ in range(200):
        seed = new_seed()
        assert 0 < seed < 2**53
        assert int(float(seed)) == seed
        assert json.loads(json.dumps(seed)) == seed
    assert len({new_seed() for _ in range(50)}) == 50


@pytest.mark.parametrize(
    ("rows", "plan", "words"),
    [
        ([], SamplingPlan("simple", 1), "population is empty"),
        ([("A", None), ("B", None), ("A", None)], SamplingPlan("simple", 1), "row 3: case reference 'A' appears more than once"),
        (population(5), SamplingPlan("simple", 6), r"sample size \(6\) is larger than the population \(5 cases\)"),
        ([("A", "x"), ("B", None)], SamplingPlan("stratified", 1), "row 2: case 'B' has no stratum"),
        ([("A", "x"), ("B", "")], SamplingPlan("stratified", 1), "row 2: case 'B' has no stratum"),
        ([("A", "x")], SamplingPlan("stratified", 1, strata=("x", "y")), r"strata with no rows.*'y'"),
        ([("A", "z")], SamplingPlan("stratified", 1, strata=("x",)), "stratum 'z', which the plan does not list"),
        ([("", None)], SamplingPlan("simple", 1), "reference is missing"),
        ([(5, None)], SamplingPlan("simple", 1), "reference is missing or not text"),
        (["A"], SamplingPlan("simple", 1), "expected \\(reference, stratum\\)"),
        ([("\ud800", None)], SamplingPlan("simple", 1), "not valid Unicode"),
    ],
)
def test_bad_populations_are_refused(rows, plan, words):
    with pytest.raises(SamplingError, match=words):
        draw(rows, plan, 1)


@pytest.mark.parametrize(
    ("kwargs", "words"),
    [({"size": 0}, "at least 1"), ({"size": -3}, "at least 1"), ({"reserve": -1}, "reserve"),
     ({"method": "cluster"}, "unknown method"), ({"allocation": "neyman"}, "unknown allocation"),
     ({"strata": ("a",)}, "only be listed for a stratified")],
)
def test_bad_plans_are_refused(kwargs, words):
    with pytest.raises(SamplingError, match=words):
        SamplingPlan(**({"method": "simple", "size": 5} | kwargs))


@pytest.mark.parametrize("seed", [0, -1, 2**53, 1.5, True, "12"])
def test_bad_seeds_are_refused(seed):
    with pytest.raises(SamplingError, match="seed"):
        draw(population(3), SamplingPlan("simple", 1), seed)


def doc_snippet() -> dict:
    text = DOC.read_text(encoding="utf-8")
    blocks = re.findall(r"```python\n(.*?)```", text, flags=re.S)
    assert len(blocks) == 1
    namespace: dict = {}
    exec(compile(blocks[0], str(DOC), "exec"), namespace)  # noqa: S102 - our own document
    return namespace


def test_documented_snippet_redraws_the_same_sample():
    snippet = doc_snippet()
    rows = population(0, {"grade 1": 400, "grade 2": 333, "grade 3": 71})
    all_refs = [r for r, _ in rows]
    seed = 8_675_309

    simple = draw(rows, SamplingPlan("simple", 25, reserve=5), seed)
    assert snippet["simple_sample"](all_refs, seed, 25, 5) == (
        refs(simple.selected), refs(simple.reserves),
    )

    stratified = draw(rows, SamplingPlan("stratified", 30, reserve=6), seed)
    assert snippet["stratified_sample"](rows, seed, 30, 6) == (
        refs(stratified.selected), refs(stratified.reserves),
    )

    systematic = draw(rows, SamplingPlan("systematic", 17, reserve=4), seed)
    assert snippet["systematic_sample"](all_refs, seed, 17, 4) == (
        refs(systematic.selected), refs(systematic.reserves),
    )


alphabet = st.text(alphabet=st.characters(codec="utf-8"), min_size=1, max_size=12)


@settings(max_examples=60, deadline=None)
@given(
    st.lists(st.tuples(alphabet, st.sampled_from(["a", "b", "c"])), min_size=3, max_size=60,
             unique_by=lambda row: row[0]),
    st.sampled_from(["simple", "systematic", "stratified"]),
    st.integers(min_value=1, max_value=2**53 - 1),
    st.randoms(use_true_random=False),
    st.data(),
)
def test_any_population_any_order(rows, method, seed, rng, data):
    size = data.draw(st.integers(min_value=1, max_value=len(rows)))
    reserve = data.draw(st.integers(min_value=0, max_value=10))
    plan = SamplingPlan(method, size, reserve)
    shuffled = rows[:]
    rng.shuffle(shuffled)
    first: Draw = draw(rows, plan, seed)
    assert draw(shuffled, plan, seed) == first
    chosen = refs(first.selected)
    assert len(chosen) == size == len(set(chosen))
    assert not set(chosen) & set(refs(first.reserves))
    assert len(first.reserves) == min(reserve, len(rows) - size)
    if method == "stratified":
        assert sum(a.sample for a in first.strata.values()) == size
        if size >= len(first.strata):
            assert all(a.sample >= 1 for a in first.strata.values())


def _ranked(rows, plan, seed):
    import pyarrow as pa

    from workbench.stats.selection import draw_ranked, keyed_digests

    refs = [r for r, _ in rows]
    digests = keyed_digests(seed, [r.encode("utf-8") for r in refs])
    strata = pa.array([s for _, s in rows], pa.string()) if any(s is not None for _, s in rows) else None
    return draw_ranked(pa.array(refs, pa.string()), strata, pa.array(digests, pa.binary(32)), plan, seed)


@settings(max_examples=80, deadline=None)
@given(
    st.lists(st.tuples(alphabet, st.sampled_from(["a", "b", "c", "é"])), min_size=3, max_size=80,
             unique_by=lambda row: row[0]),
    st.sampled_from(["simple", "systematic", "stratified", "equal"]),
    st.booleans(),
    st.integers(min_value=1, max_value=2**53 - 1),
    st.data(),
)
def test_the_ranked_draw_picks_what_the_streamed_draw_picks(rows, method, with_strata, seed, data):
    """The scan's keyed draw (Arrow sort) and the streaming draw (heaps) agree on every population."""
    size = data.draw(st.integers(min_value=1, max_value=len(rows)))
    reserve = data.draw(st.integers(min_value=0, max_value=12))
    plan = SamplingPlan("stratified" if method == "equal" else method, size, reserve,
                        "equal" if method == "equal" else "proportional")
    if not with_strata and plan.method != "stratified":
        rows = [(r, None) for r, _ in rows]
    assert _ranked(rows, plan, seed) == draw(rows, plan, seed)


def test_the_ranked_draw_refuses_what_the_streamed_draw_refuses():
    rows = [("A", "x"), ("B", "y"), ("C", "x")]
    for plan in (SamplingPlan("simple", 4), SamplingPlan("stratified", 2, strata=("x",)),
                 SamplingPlan("stratified", 2, strata=("x", "y", "z"))):
        with pytest.raises(SamplingError):
            draw(rows, plan, 5)
        with pytest.raises(SamplingError):
            _ranked(rows, plan, 5)
