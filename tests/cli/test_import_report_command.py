"""import-report on the command line: --dry-run shows each finding beside its source text,
--encoding gives the text file's encoding, --corrections applies a user's corrections."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.cli.passphrases import main_as


def run(argv: list[str]) -> int:
    """`workbench ARGV` as the `--user` named, with their passphrase (as a script gives it)."""
    return main_as(argv)

CORPUS = Path(__file__).resolve().parents[3] / "shared" / "reports"
pytestmark = pytest.mark.skipif(not CORPUS.is_dir(), reason="the shared reports corpus is not beside the repository")


def _init(tmp_path: Path) -> str:
    ws = str(tmp_path / "w.sqlite")
    assert run(["init", "--workspace", ws, "--user", "ann.admin"]) == 0
    return ws


def test_dry_run_shows_findings_beside_their_source(tmp_path: Path, capsys) -> None:
    ws = _init(tmp_path)
    capsys.readouterr()
    assert run(["import-report", str(CORPUS / "gloucestershire-2024-letter-pdfcopy.txt"), "--dry-run",
                "--workspace", ws, "--user", "ann.admin"]) == 0
    out = capsys.readouterr().out
    assert "#1 CoC 1" in out and "#2 CoC 1 R1" in out
    assert "inspectorate status: Closed (09 December 2024)" in out
    assert "source, line" in out and "| The constabulary needs to improve the time it takes" in out
    assert "deadline: 6 months — within six months" in out
    assert "duration: 10 seconds" in out
    assert "dry run: nothing was written" in out


def test_encoding_option_and_corrections_file(tmp_path: Path, capsys) -> None:
    ws = _init(tmp_path)
    path = CORPUS / "staffordshire-2022-accelerated-coc-cp1252.txt"
    capsys.readouterr()
    assert run(["import-report", str(path), "--dry-run", "--json", "--workspace", ws, "--user", "ann.admin"]) == 0
    detected = json.loads(capsys.readouterr().out)
    assert any("read as Windows-1252" in w for w in detected["warnings"])
    fixes = tmp_path / "fixes.json"
    fixes.write_text(json.dumps([{"op": "title", "key": "#2", "value": "Call handlers record triage"},
                                 {"op": "drop", "key": "#3"}]))
    assert run(["import-report", str(path), "--encoding", "cp1252", "--corrections", str(fixes), "--json",
                "--workspace", ws, "--user", "ann.admin"]) == 0
    done = json.loads(capsys.readouterr().out)
    assert not any("read as" in w for w in done["warnings"])
    assert [(f["ref"], f["title"]) for f in done["added"]][1:] == [("CoC 1 R1", "Call handlers record triage")]
    assert len(done["added"]) == 2 and len(done["corrections"]) == 2
    bad = tmp_path / "bad.json"
    bad.write_text('{"op": "title"}')
    assert run(["import-report", str(path), "--corrections", str(bad), "--workspace", ws, "--user", "ann.admin"]) != 0
    assert "must hold a JSON list" in capsys.readouterr().err
