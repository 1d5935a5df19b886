"""The register from the command line: a thematic recommendation and a revisit letter, both status
lines to closure, the PCC's response, what needs attention."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.cli.passphrases import PASSPHRASES, RITA_PASS, main_as

SAMPLES = Path(__file__).resolve().parents[2] / "samples"


@pytest.fixture
def ws(tmp_path: Path, capsys) -> list[str]:
    w = ["--workspace", str(tmp_path / "w.sqlite")]
    assert run(w, "ann.admin", "init") == 0
    assert run(w, "ann.admin", "import-report", str(SAMPLES / "peel-2018-norfolk-effectiveness.txt")) == 0
    assert main_as(["users", "add", "olly.officer", "--role", "officer", "--passphrase-stdin", *w,
                    "--user", "ann.admin"], PASSPHRASES["olly.officer"] + "\n") == 0
    assert main_as(["users", "add", "rita.reviewer", "--role", "reviewer", "--passphrase-stdin", *w,
                    "--user", "ann.admin"], RITA_PASS + "\n") == 0
    capsys.readouterr()
    return w


def run(ws: list[str], user: str, *args: str) -> int:
    return main_as([*args, *ws, "--user", user])


def test_register_sources_and_move_a_finding_to_closure(ws, tmp_path: Path, capsys) -> None:
    assert run(ws, "olly.officer", "register", "add-source", "--type", "thematic", "--title",
               "Police response to VAWG", "--date", "2024-03-12", "--deadline", "2025-03-31") == 0
    assert "due by 07 May 2024" in capsys.readouterr().out
    assert run(ws, "olly.officer", "register", "add-source", "--type", "revisit_letter", "--title",
               "Revisit letter: crime recording", "--date", "2025-01-10", "--revisit-date", "2025-06-01") == 0
    assert run(ws, "olly.officer", "register", "add-finding", "Police response to VAWG", "--kind", "recommendation",
               "--ref", "Recommendation 3", "--text", "Chief constables should review DA risk assessments.",
               "--all-forces") == 0
    assert "applies to this force" in capsys.readouterr().out
    rec = "Thematic inspection / Recommendation 3"
    for line, to in (("force", "in progress"), ("inspectorate", "being progressed"), ("force", "pending sign-off")):
        assert run(ws, "olly.officer", "register", "move", rec, "--line", line, "--to", to, "--on", "2024-06-01") == 0
    assert run(ws, "olly.officer", "register", "move", rec, "--line", "force", "--to", "closed") == 2
    assert "only through the closure steps" in capsys.readouterr().err
    args = ("register", "propose-closure", rec, "--rationale", "Supervisors review every DA risk assessment",
            "--from", "2024-06-01", "--to", "2024-11-30", "--on", "2024-12-02")
    assert run(ws, "olly.officer", *args) == 2
    err = capsys.readouterr().err
    assert "without evidence" in err and "evidence add" in err and "Traceback" not in err
    proof = tmp_path / "dip.csv"
    proof.write_text("case,ok\n1,yes\n", encoding="utf-8")
    assert run(ws, "olly.officer", "evidence", "add", str(proof), "--title", "DA dip sample", "--finding", rec) == 0
    assert run(ws, "olly.officer", *args) == 0
    capsys.readouterr()
    assert run(ws, "olly.officer", "register", "closures", "--json") == 0
    assert [c["finding_ref"] for c in json.loads(capsys.readouterr().out)] == ["Recommendation 3"]
    assert run(ws, "rita.reviewer", "register", "authorise-closure", rec, "--by", "committee", "--on", "2025-01-15",
               "--basis", "Scrutiny committee minutes, item 6") == 0
    capsys.readouterr()
    assert run(ws, "olly.officer", "register", "history", rec, "--json") == 0
    st = json.loads(capsys.readouterr().out)
    assert (st["force_status"], st["inspectorate_status"], st["addressed_to"]) == (
        "closed", "being progressed", "all forces")
    assert [h["to_status"] for h in st["history"]] == [
        "awaiting allocation", "in progress", "being progressed", "pending sign-off", "proposed for closure", "closed"]
    assert st["closure"]["authorised_by"] == "committee"
    assert run(ws, "olly.officer", "register", "list", "--findings") == 0
    out = capsys.readouterr().out
    assert "Revisit letter" in out and "Thematic inspection" in out and "closed" in out


def test_pcc_response_and_attention(ws, capsys) -> None:
    assert run(ws, "olly.officer", "register", "add-source", "--type", "cdi", "--title", "CDI 2024",
               "--date", "2024-09-01") == 0
    capsys.readouterr()
    assert run(ws, "olly.officer", "attention", "--today", "2024-10-24", "--json") == 0
    items = json.loads(capsys.readouterr().out)
    pcc = [i for i in items if i["kind"] == "pcc_response"]
    assert [(i["urgency"], i["due"], i["record"]["entity"]) for i in pcc] == [("due", "2024-10-27", "source")]
    assert run(ws, "olly.officer", "register", "pcc-response", "CDI 2024", "--date", "2024-10-20",
               "--note", "published on the PCC's site") == 0
    capsys.readouterr()
    assert run(ws, "olly.officer", "attention", "--today", "2024-10-24") == 0
    assert "CDI 2024" not in capsys.readouterr().out
    assert run(ws, "olly.officer", "register", "pcc-response", "no such source", "--date", "2024-10-20") == 2
    assert "no source" in capsys.readouterr().err
