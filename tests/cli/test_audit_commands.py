"""The audit commands run as a user would: sizing, planning, drawing, recording, scoring, readiness."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.cli.passphrases import main_as as main  # with the --user's passphrase
from tests.services.audit_population import R2023, answer_cases, incident_rows, quick_rows, write_csv
from workbench.store.location import sqlite_location
from workbench.store.workspace import Workspace

USER = "ann.admin"


@pytest.mark.parametrize("args, expected", [
    (["--confidence", "0.95", "--tolerable", "0.05", "--expected", "0"], 59),
    (["--confidence", "0.95", "--tolerable", "0.05", "--expected", "0.01"], 93),
    (["--confidence", "0.95", "--tolerable", "0.10", "--expected", "0"], 29),
    (["--confidence", "0.90", "--tolerable", "0.05", "--expected", "0"], 45),
    (["--confidence", "0.90", "--tolerable", "0.10", "--expected", "0.02"], 38),
    (["--confidence", "0.95", "--tolerable", "0.05", "--expected", "0", "--population", "100"], 45),
])
def test_sample_size_reproduces_the_published_tables(args, expected, capsys) -> None:
    assert main(["sample-size", *args]) == 0
    out = capsys.readouterr().out
    assert out.splitlines()[0] == str(expected)
    assert main(["sample-size", *args, "--json"]) == 0
    assert json.loads(capsys.readouterr().out)["sample_size"] == expected


def test_sample_size_refuses_impossible_rates(capsys) -> None:
    assert main(["sample-size", "--tolerable", "0.05", "--expected", "0.07"]) == 2
    assert "expected must be at least 0 and below the tolerable rate" in capsys.readouterr().err


@pytest.fixture
def ws_args(tmp_path: Path, capsys) -> list[str]:
    path = str(tmp_path / "w.sqlite")
    args = ["--workspace", path, "--user", USER]
    assert main(["init", *args]) == 0
    assert main(["import-report", str(R2023), *args]) == 0
    capsys.readouterr()
    return args


def run(args: list[str], *command: str) -> int:
    return main([*command, *args])


def test_attendance_audit_end_to_end(ws_args, tmp_path, capsys) -> None:
    extract = write_csv(tmp_path / "incidents.csv", quick_rows(600))
    assert run(ws_args, "audit", "new", "--template", "response-attendance", "--title", "Attendance audit",
               "--finding", "AFI 5", "--baseline-figure", "AFI 5", "--size", "82", "--reserve", "4",
               "--target", "0.75") == 0
    out = capsys.readouterr().out
    assert "audit 1 planned" in out and "baseline 49 of 82" in out and "target 75 %" in out
    assert run(ws_args, "audit", "population", "1", str(extract)) == 0
    out = capsys.readouterr().out
    assert "600 rows, 600 distinct cases" in out and "incident_ref" in out and "← Incident Number" in out
    assert "ready to draw" in out
    assert run(ws_args, "audit", "draw", "1", str(extract), "--seed", "4242") == 0
    out = capsys.readouterr().out
    assert "drew 82 cases and 4 reserves" in out and "seed 4242" in out
    assert run(ws_args, "audit", "verify-draw", "1", str(extract)) == 0
    assert capsys.readouterr().out.startswith("SAME: ")
    assert run(ws_args, "audit", "evaluate", "1") == 0
    assert "82 yes, 0 no" in capsys.readouterr().out

    ws = Workspace.open(sqlite_location(Path(ws_args[1])))
    try:
        answer_cases(ws, USER, 1, compliant=49)
    finally:
        ws.close()
    assert run(ws_args, "score", "1", "--json") == 0
    score = json.loads(capsys.readouterr().out)
    est = score["estimate"]
    assert (score["compliant"], score["complete"]) == (49, 82)
    assert [round(est[k] * 100, 1) for k in ("point", "low", "high")] == [59.8, 48.9, 69.7]
    assert "no clear change" in score["comparison"] and score["rag"] == "red"
    assert run(ws_args, "score", "1") == 0
    out = capsys.readouterr().out
    assert "case compliance: 49 of 82 complete cases compliant; 59.8 % [48.9 %, 69.7 %]" in out
    assert "RAG (target 75 %, lower bound rule): RED" in out

    assert run(ws_args, "audit", "show", "1", "--json") == 0
    shown = json.loads(capsys.readouterr().out)
    first, last = shown["cases"][0]["ref"], shown["cases"][81]["ref"]
    assert shown["audit"]["seed"] == 4242 and len(shown["cases"]) == 86
    assert run(ws_args, "audit", "record", "1", first, "thrive_recorded", "maybe") == 2
    assert "'maybe' is not an answer to a yes / no / not applicable question" in capsys.readouterr().err
    assert run(ws_args, "audit", "record", "1", first, "attended_within_target", "no") == 2
    assert "computed" in capsys.readouterr().err
    assert run(ws_args, "audit", "record", "1", first, "attended_within_target", "no", "--override",
               "--comment", "arrival keyed before the unit was on scene") == 0
    assert capsys.readouterr().out.strip() == f"{first} attended_within_target: no"
    assert run(ws_args, "audit", "unusable", "1", last, "--reason", "log not found") == 0
    assert f"{last} set aside (log not found); replaced by" in capsys.readouterr().out
    assert run(ws_args, "score", "1", "--json") == 0
    score = json.loads(capsys.readouterr().out)
    assert (score["compliant"], score["complete"], score["incomplete"], score["unusable"]) == (48, 81, 1, 1)

    assert run(ws_args, "readiness", "AFI 5", "--json") == 0
    (ready,) = json.loads(capsys.readouterr().out)
    assert ready["rating"] == "not ready" and ready["reasons"][0].startswith(
        "Attendance audit round 1: 48 of 81, 59.3 % [48.4 %, 69.3 %] vs target 75 %: red:")
    assert run(ws_args, "audit", "list") == 0
    assert "AFI 5" in capsys.readouterr().out

    edited = incident_rows(600, seed=11)
    assert run(ws_args, "audit", "verify-draw", "1", str(write_csv(tmp_path / "other.csv", edited))) == 1
    assert capsys.readouterr().out.startswith("DIFFERENT: other.csv does not hold the rows the sample was drawn from")


def test_population_report_names_rows_and_columns(ws_args, tmp_path, capsys) -> None:
    rows = incident_rows(100)
    rows[2][3] = "32/10/2024 10:00"
    path = write_csv(tmp_path / "bad.csv", rows)
    assert run(ws_args, "audit", "new", "--template", "response-attendance", "--title", "A", "--size", "10") == 0
    capsys.readouterr()
    assert run(ws_args, "audit", "population", "1", str(path), "--map", "district=", "--json") == 1
    report = json.loads(capsys.readouterr().out)
    assert report["ok"] is False and report["problems"][0]["row"] == 4
    assert report["problems"][0]["column"] == "Arrived" and "district" not in report["mapping"]
    assert run(ws_args, "audit", "draw", "1", str(path)) == 2
    err = capsys.readouterr().err
    assert "1 problem, so nothing was drawn: row 4, column 'Arrived' ('32/10/2024 10:00')" in err
    assert run(ws_args, "audit", "population", "1", str(path), "--map", "nonsense") == 2
    assert "is not FIELD=COLUMN" in capsys.readouterr().err


def test_templates_list_and_import(ws_args, tmp_path, capsys) -> None:
    assert run(ws_args, "templates", "list") == 0
    out = capsys.readouterr().out
    assert "response-attendance" in out and "da-risk-assessment" in out
    custom = tmp_path / "custom.toml"
    custom.write_text('key = "custom"\nversion = 1\nname = "Custom"\n[[fields]]\nkey = "ref"\nlabel = "Ref"\n'
                      'type = "text"\nreference = true\n[[criteria]]\nkey = "ok"\nquestion = "OK?"\n'
                      'answer = "yes_no_na"\ncritical = true\n', encoding="utf-8")
    assert run(ws_args, "templates", "import", str(custom)) == 0
    assert capsys.readouterr().out.startswith("stored custom version 1")
    assert run(ws_args, "templates", "import", str(custom)) == 0
    assert "already stored, unchanged" in capsys.readouterr().out
    custom.write_text(custom.read_text().replace("OK?", "All OK?"), encoding="utf-8")
    assert run(ws_args, "templates", "import", str(custom)) == 2
    assert "new version number" in capsys.readouterr().err


def test_invalid_rows_are_excluded_with_a_reason_and_templates_show(ws_args, tmp_path, capsys) -> None:
    rows = incident_rows(200)
    rows[2][3] = "32/10/2024 10:00"
    rows[5][1], rows[5][2], rows[5][3] = "14/03/2024 10:00", "14/03/2024 10:01", "14/03/2024 09:00"
    path = write_csv(tmp_path / "bad.csv", rows)
    assert run(ws_args, "audit", "new", "--template", "response-attendance", "--title", "A", "--size", "10") == 0
    capsys.readouterr()
    assert run(ws_args, "audit", "population", "1", str(path)) == 1
    out = capsys.readouterr().out
    assert "row 7, column 'Arrived': is before Call received" in out and "--exclude-invalid" in out
    assert run(ws_args, "audit", "draw", "1", str(path), "--exclude-invalid") == 2
    assert "needs a reason" in capsys.readouterr().err
    extra = tmp_path / "more.csv"
    extra.write_text("row,reason\n20,test incident\n", encoding="utf-8")
    assert run(ws_args, "audit", "draw", "1", str(path), "--exclude-invalid", "--reason", "bad times",
               "--exclusions", str(extra), "--seed", "4") == 0
    out = capsys.readouterr().out
    assert ("Left out of the population before the draw: 2 rows that failed the validation checks (bad times); "
            "row 20 (test incident).") in out
    assert run(ws_args, "audit", "verify-draw", "1", str(path)) == 0
    assert run(ws_args, "audit", "show", "1") == 0
    assert "2 rows that failed the validation checks (bad times)" in capsys.readouterr().out

    assert run(ws_args, "templates", "show", "response-attendance") == 0
    out = capsys.readouterr().out
    assert "call_time" in out and "Call received" in out and "attended_within_target" in out
    assert "computed (minutes within target) from Call received" in out
    assert run(ws_args, "templates", "show", "response-attendance", "--json") == 0
    shown = json.loads(capsys.readouterr().out)
    assert [f["key"] for f in shown["fields"]][:2] == ["incident_ref", "call_time"]
    assert run(ws_args, "templates", "show", "nope") == 2
    assert "known templates" in capsys.readouterr().err
