"""`workbench register import-tracker`: the mapping and the preview printed, nothing written without
--yes, then the import; --json like the other commands; a bad file is an error, never a traceback."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.cli.passphrases import PASSPHRASES, main_as
from tests.register.tracker_files import messy_tracker

SAMPLES = Path(__file__).resolve().parents[2] / "samples"


@pytest.fixture
def ws(tmp_path: Path, capsys) -> list[str]:
    w = ["--workspace", str(tmp_path / "w.sqlite")]
    assert main_as(["init", *w, "--user", "ann.admin"]) == 0
    assert main_as(["import-report", str(SAMPLES / "peel-2018-norfolk-effectiveness.txt"), *w,
                    "--user", "ann.admin"]) == 0
    assert main_as(["users", "add", "olly.officer", "--role", "officer", "--passphrase-stdin", *w,
                    "--user", "ann.admin"], PASSPHRASES["olly.officer"] + "\n") == 0
    capsys.readouterr()
    return w


def run(ws: list[str], *args: str) -> int:
    return main_as(["register", "import-tracker", *args, *ws, "--user", "olly.officer"])


def test_preview_then_import_then_reimport(ws, capsys) -> None:
    sample = str(SAMPLES / "force-tracker.csv")
    assert run(ws, sample) == 0
    out = capsys.readouterr().out
    assert "header on row 3" in out and "Governance board" in out and "kept as a note" in out
    assert "UPDATE  AFI 2" in out and "CREATE  CDI 1" in out
    assert "2 to create, 3 to update" in out and "nothing was imported" in out
    assert main_as(["register", "list", *ws, "--user", "olly.officer", "--json"]) == 0
    assert len(json.loads(capsys.readouterr().out)) == 1  # still only the report: nothing written
    assert run(ws, sample, "--yes") == 0
    assert "imported force-tracker.csv: 2 created, 3 updated" in capsys.readouterr().out
    assert main_as(["register", "history", "PEEL 2018 / AFI 3", *ws, "--user", "olly.officer", "--json"]) == 0
    history = json.loads(capsys.readouterr().out)
    assert history["force_status"] == "pending sign-off"
    assert any("Dip sample" in h["comment"] or "Supervision reviews" in h["comment"] for h in history["history"])
    assert run(ws, sample, "--yes", "--json") == 0
    done = json.loads(capsys.readouterr().out)["imported"]
    assert (done["created"], done["updated"], done["unchanged"]) == (0, 0, 5)


def test_map_sheet_and_status_options(ws, tmp_path: Path, capsys) -> None:
    path = messy_tracker(tmp_path / "tracker.xlsx")
    assert run(ws, str(path), "--sheet", "Tracker", "--map", "Evidence held=update", "--map", "Latest update=note",
               "--status", "Parked=in progress", "--json") == 0
    preview = json.loads(capsys.readouterr().out)["preview"]
    fields = {c["name"]: c["field"] for c in preview["columns"]}
    assert fields["Evidence held"] == "update" and fields["Latest update"] == ""
    r1 = next(r for r in preview["rows"] if r["reference"] == "R1")
    assert r1["status_steps"] == ["in progress"]
    assert preview["counts"]["conflict"] == 3  # R2 twice, CDI 1 without its text (AFI 1 is in one source here)


@pytest.mark.parametrize("args, message", [
    (["--map", "Nope=owner"], "no column 'Nope'"),
    (["--map", "Ref=colour"], "'colour' is not a field"),
    (["--status", "Parked=frozen"], "not on the force's status line"),
    (["--sheet", "Actions"], "its sheets are: Tracker, Notes"),
])
def test_wrong_options_are_errors_with_the_fix(ws, tmp_path: Path, capsys, args, message) -> None:
    path = messy_tracker(tmp_path / "tracker.xlsx")
    assert run(ws, str(path), *args) == 2
    err = capsys.readouterr().err
    assert message in err and "Traceback" not in err


def test_a_hostile_file_is_an_error_naming_it(ws, tmp_path: Path, capsys) -> None:
    bad = tmp_path / "tracker.xlsx"
    bad.write_bytes(b"PK\x03\x04 junk")
    assert run(ws, str(bad), "--yes") == 2
    err = capsys.readouterr().err
    assert str(bad) in err and "not a readable Excel workbook" in err and "Traceback" not in err
