"""At least 50 SIGKILLs across writing commands: no corruption, no lost commit, no leftover file."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from tests.reliability.kills import KINDS, run_kills

KILLS = 50


@pytest.mark.skipif(not hasattr(os, "fork"), reason="the kill test forks writers (POSIX)")
def test_sigkill_in_the_middle_of_writing_commands_leaves_no_damage_and_no_debris(tmp_path: Path) -> None:
    report = run_kills(tmp_path / "kills", KILLS)
    assert report.kills >= KILLS and set(report.by_kind) == set(KINDS)
    assert report.integrity == "ok"
    assert report.chain_ok, report.chain_problem
    assert report.lost_commits == set() and report.reported_commits <= report.stored_commits
    assert report.leftovers == [] and report.broken_files == []
    assert not any((tmp_path / "kills").glob("**/.workbench-partial"))
