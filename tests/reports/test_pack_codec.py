"""A pack's canonical JSON built in pieces is the text one `json.dumps` gives, byte for byte."""

from __future__ import annotations

import json

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from workbench.reports import pack_codec

scalars = st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=8)
values = st.recursive(
    scalars,
    lambda inner: st.lists(inner, max_size=12) | st.dictionaries(st.text(max_size=6), inner, max_size=6)
    | st.tuples(inner, inner),
    max_leaves=80,
)


def _reference(value: object) -> str:
    return json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False)


@pytest.mark.parametrize(("slice_", "depth"), [(256, 6), (2, 2), (1, 0), (3, 1)])
def test_pieces_make_the_same_text(slice_: int, depth: int) -> None:
    """Small slices and depths take every branch apart."""
    saved = pack_codec._SLICE, pack_codec._DEPTH
    pack_codec._SLICE, pack_codec._DEPTH = slice_, depth
    try:
        check()
    finally:
        pack_codec._SLICE, pack_codec._DEPTH = saved


@settings(max_examples=150, deadline=None)
@given(value=values)
def check(value: object) -> None:
    assert pack_codec.canonical_text(value) == _reference(value)


def test_odd_keys_and_a_long_list_of_records() -> None:
    odd = {"é": 1, "a": [1.5, None, "\u2028"], "b": {"z": (1, 2), "y": []}, "": {}}
    assert pack_codec.canonical_text(odd) == _reference(odd)
    records = [{"case": f"NC-{i}", "answer": i % 3 == 0, "note": "x" * (i % 7)} for i in range(5_000)]
    assert pack_codec.canonical_text({"rows": records}) == _reference({"rows": records})
    assert pack_codec.canonical_text({1: "int key"}) == _reference({1: "int key"})  # not taken apart
