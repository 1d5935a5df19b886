"""Redraw samples with the code printed in docs/sampling.md (section 3.8), standard library only.

The code is read from the document itself and run on its own: it imports nothing from the
workbench, so if the document and the selection module ever disagree, this test fails.
"""

from __future__ import annotations

import random
import re
from pathlib import Path

import pytest

from workbench.stats import SamplingPlan, draw

DOC = Path(__file__).resolve().parents[2] / "docs" / "sampling.md"


@pytest.fixture(scope="module")
def recipe() -> dict:
    text = DOC.read_text(encoding="utf-8")
    section = text[text.index("### 3.8 Redrawing a sample yourself"):]
    found = re.search(r"```python\n(.*?)```", section, re.S)
    assert found is not None, "the documented redraw code block"
    code = found.group(1)
    assert "workbench" not in code  # written from the document alone
    namespace: dict = {}
    exec(compile(code, str(DOC), "exec"), namespace)  # noqa: S102 - our own document
    return namespace


def _refs(count: int, seed: int) -> list[str]:
    rng = random.Random(seed)
    refs = {f"{rng.choice(['NC', 'CUS', 'Ä'])}-{rng.randrange(10**6):06d}/{rng.choice('abcé')}" for _ in range(count)}
    return sorted(refs)


def _ours(rows, method, size, reserve, seed, allocation="proportional"):
    result = draw(rows, SamplingPlan(method, size, reserve, allocation), seed)
    return [p.ref for p in result.selected], [p.ref for p in result.reserves]


@pytest.mark.parametrize("seed", [1, 77, 2**53 - 1])
def test_simple_sample(recipe, seed):
    refs = _refs(500, seed % 1000)
    rng = random.Random(seed)
    shuffled = refs[:]
    rng.shuffle(shuffled)
    assert recipe["simple_sample"](refs, seed, 40, 6) == _ours([(r, None) for r in shuffled], "simple", 40, 6, seed)


@pytest.mark.parametrize(("seed", "n", "size"), [(5, 5476, 46), (31, 97, 10), (2405, 300, 299)])
def test_systematic_sample(recipe, seed, n, size):
    refs = _refs(n, seed)
    reserve = min(5, len(refs) - size)
    assert recipe["systematic_sample"](refs, seed, size, reserve) == _ours(
        [(r, None) for r in reversed(refs)], "systematic", size, reserve, seed)


STRATA = {
    "proportional with small strata": ({"High": 30, "Medium": 80, "Standard": 250, "tiny": 1, "two": 2}, 40, 12),
    "reserves need at least one each": ({"A": 500, "B": 3, "C": 4}, 20, 4),
    "case-sensitive names": ({"Norwich": 60, "norwich": 5, "(blank)": 9}, 15, 6),
}


@pytest.mark.parametrize("name", STRATA)
@pytest.mark.parametrize("allocation", ["proportional", "equal"])
def test_stratified_sample_with_reserves(recipe, name, allocation):
    sizes, size, reserve = STRATA[name]
    rows = []
    for i, (stratum, count) in enumerate(sizes.items()):
        rows += [(ref, stratum) for ref in _refs(count * 3, i + 10)[:count]]
    refs = {r for r, _ in rows}
    assert len(refs) == len(rows)
    random.Random(3).shuffle(rows)
    expected = _ours(rows, "stratified", size, reserve, 2405, allocation)
    assert recipe["stratified_sample"](rows, 2405, size, reserve, allocation) == expected
    assert len(expected[1]) == reserve
