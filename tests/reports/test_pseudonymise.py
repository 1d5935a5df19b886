from __future__ import annotations

import re

import pytest
from hypothesis import given
from hypothesis import strategies as st

from workbench.reports.pseudonymise import (
    PseudonymError,
    new_pseudonym_key,
    pseudonymise_ref,
    suppress_small,
)

KEY_A = bytes(range(32))
KEY_B = bytes(range(1, 33))


def test_known_value_is_hmac_sha256_base32():
    import base64
    import hashlib
    import hmac

    expected = base64.b32encode(hmac.new(KEY_A, b"CR/12345/24", hashlib.sha256).digest())[:12]
    assert pseudonymise_ref("CR/12345/24", KEY_A) == "CASE-" + expected.decode()


def test_shape_and_stability():
    p = pseudonymise_ref("CR/12345/24", KEY_A)
    assert re.fullmatch(r"CASE-[A-Z2-7]{12}", p)
    assert pseudonymise_ref("CR/12345/24", KEY_A) == p
    assert pseudonymise_ref("  cr/12345/24 ", KEY_A) == p  # normalised
    assert pseudonymise_ref("CR/12345/25", KEY_A) != p
    assert pseudonymise_ref("CR/12345/24", KEY_B) != p
    assert pseudonymise_ref("CR/12345/24", KEY_A, prefix="LOG-").startswith("LOG-")
    assert "12345" not in p


def test_new_keys_are_random_and_long_enough():
    a, b = new_pseudonym_key(), new_pseudonym_key()
    assert len(a) == 32 and a != b
    assert pseudonymise_ref("X1", a) != pseudonymise_ref("X1", b)


@given(st.lists(st.text(min_size=1, max_size=20).filter(lambda s: s.strip()), min_size=2, max_size=50, unique_by=lambda s: " ".join(s.split()).upper()))
def test_distinct_refs_get_distinct_pseudonyms(refs):
    out = {pseudonymise_ref(r, KEY_A) for r in refs}
    assert len(out) == len(refs)


@pytest.mark.parametrize(
    "ref,key,prefix,field",
    [
        ("", KEY_A, "CASE-", "ref"),
        ("   ", KEY_A, "CASE-", "ref"),
        ("A1", b"short", "CASE-", "key"),
        ("A1", KEY_A, "case", "prefix"),
        (123, KEY_A, "CASE-", "ref"),
    ],
)
def test_bad_inputs_raise_with_field(ref, key, prefix, field):
    with pytest.raises(PseudonymError) as info:
        pseudonymise_ref(ref, key, prefix=prefix)
    assert info.value.field == field


def test_suppress_small_rule():
    assert [suppress_small(n, 5) for n in range(0, 7)] == [0, "<5", "<5", "<5", "<5", 5, 6]
    assert suppress_small(1, 0) == 1
    assert suppress_small(1, 1) == 1
    assert suppress_small(2, 3) == "<3"
    assert suppress_small(10_000, 10) == 10_000


@pytest.mark.parametrize("count,min_cell", [(-1, 5), (2.0, 5), (True, 5), (3, -1), (3, "5")])
def test_suppress_small_rejects_bad_numbers(count, min_cell):
    with pytest.raises(PseudonymError):
        suppress_small(count, min_cell)
