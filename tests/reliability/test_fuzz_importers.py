"""Every importer, fed mutated genuine files, returns or raises a WorkbenchError: never a traceback.

Bounded in time (max_examples per target, no deadline on slow machines); ``benchmarks/fuzz.py``
runs the same targets for longer and prints inputs tried and failures per importer.
"""

from __future__ import annotations

import tempfile
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.reliability.fuzz_targets import TARGETS, check, mutate, mutate_zip

EXAMPLES = {"report": 60, "population-csv": 60, "population-xlsx": 40, "fieldwork-workbook": 40,
            "template": 60, "bundle": 30, "trust-file": 40}
mutations = st.lists(st.tuples(st.integers(0, 2**31), st.integers(0, 11), st.binary(min_size=0, max_size=6)),
                     min_size=1, max_size=6)


@pytest.mark.parametrize("name", sorted(TARGETS))
def test_mutated_input_never_crashes_the_importer(name: str) -> None:
    target = TARGETS[name]
    seeds = target.seeds()

    @settings(max_examples=EXAMPLES[name], deadline=None, derandomize=True, database=None,
              suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
    @given(st.integers(0, len(seeds) - 1), st.integers(0, len(target.suffixes) - 1), mutations)
    def one(seed: int, suffix: int, muts):
        data = (mutate_zip if target.zipped else mutate)(seeds[seed], muts)
        with tempfile.TemporaryDirectory() as folder:
            crash = check(target, data, Path(folder), target.suffixes[suffix])
        assert crash is None or crash is False, f"{name}: {type(crash).__name__}: {crash}"

    one()


@pytest.mark.parametrize("name", sorted(TARGETS))
def test_the_genuine_seeds_are_read(name: str, tmp_path: Path) -> None:
    """The seeds themselves import (except the deliberately hostile ones), so fuzzing starts from real files."""
    target = TARGETS[name]
    data = target.seeds()[0]
    path = tmp_path / f"seed{target.suffixes[0]}"
    path.write_bytes(data)
    assert target.run(path) is not None
