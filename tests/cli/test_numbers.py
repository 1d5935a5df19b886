"""Every number a command takes is checked before anything runs: a huge id is a usage error saying
why, not an overflow deep in the database driver."""
from __future__ import annotations

import argparse

import pytest

from workbench.cli import main as cli
from workbench.cli.numbers import LARGEST, LARGEST_SEED, seed_number, whole_number


@pytest.mark.parametrize("argv", [
    ["score", "99999999999999999999"], ["audit", "show", str(LARGEST + 1)], ["pack", "submit", "1" + "0" * 30],
    ["log", "show", "--limit", "-1"], ["bundle", "out.zip", "--pack", "9" * 25],
])
def test_numbers_out_of_range_are_usage_errors(argv, capsys, tmp_path) -> None:
    with pytest.raises(SystemExit) as stop:
        cli(["--workspace", str(tmp_path / "none.sqlite"), *argv])
    assert stop.value.code == 2
    err = capsys.readouterr().err
    assert "too large" in err or "negative" in err
    assert "Traceback" not in err


def test_whole_number() -> None:
    assert whole_number(" 42 ") == 42 and whole_number(str(LARGEST)) == LARGEST == 2**31 - 1  # PostgreSQL INTEGER
    assert seed_number(str(LARGEST_SEED)) == LARGEST_SEED
    with pytest.raises(argparse.ArgumentTypeError):
        whole_number(str(LARGEST + 1))
    for bad in ("1_000", "4.5", "", "x"):
        with pytest.raises(argparse.ArgumentTypeError):
            whole_number(bad)
