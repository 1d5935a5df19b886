"""Evidence, actions, self-assessments and certificates from the command line, run as users would."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from tests.cli.passphrases import PASSPHRASES, RITA_PASS, ROB_PASS, main_as
from workbench.reports.signing import certificate_fingerprint
from workbench.store.location import WorkspaceLocation

SAMPLES = Path(__file__).resolve().parents[2] / "samples"


@pytest.fixture
def ws(location: WorkspaceLocation, monkeypatch, capsys) -> list[str]:
    """A workspace (SQLite file or PostgreSQL database) with the 2018 report, an officer and two reviewers."""
    w = (["--workspace", str(location.path)] if location.path is not None
         else ["--db", location.url.render_as_string(hide_password=False)])
    assert run(w, "ann.admin", "init") == 0
    assert run(w, "ann.admin", "import-report", str(SAMPLES / "peel-2018-norfolk-effectiveness.txt")) == 0
    assert run(w, "ann.admin", "users", "add", "olly.officer", "--role", "officer", "--passphrase-stdin",
               stdin=PASSPHRASES["olly.officer"] + "\n", monkeypatch=monkeypatch) == 0
    for name, pw in (("rita.reviewer", RITA_PASS), ("rob.reviewer", ROB_PASS)):
        assert run(w, "ann.admin", "users", "add", name, "--role", "reviewer", "--passphrase-stdin",
                   "--name", name.split(".")[0].title() + " Reviewer", stdin=pw + "\n", monkeypatch=monkeypatch) == 0
    capsys.readouterr()
    return w


def run(ws: list[str], user: str, *args: str, stdin: str | None = None, monkeypatch=None) -> int:
    """As `user`, with their passphrase (WORKBENCH_PASSPHRASE, or --passphrase-stdin's first line)."""
    return main_as([*args, *ws, "--user", user], stdin)


def out_json(capsys) -> Any:
    return json.loads(capsys.readouterr().out)


def test_evidence_add_list_export(ws, tmp_path: Path, capsys) -> None:
    src = tmp_path / "dip-sample.csv"
    src.write_bytes(b"case,compliant\n1,yes\n2,no\n")
    copy = tmp_path / "again.csv"
    copy.write_bytes(src.read_bytes())
    assert run(ws, "olly.officer", "evidence", "add", str(src), "--title", "Dip sample", "--date", "2024-05-31",
               "--source", "Niche", "--finding", "AFI 1", "--finding", "AFI 3", "--json") == 0
    added = out_json(capsys)
    assert added["evidence_date"] == "2024-05-31" and added["finding_refs"] == ["AFI 1", "AFI 3"]
    assert added["media_type"] == "text/csv" and added["classification"] == "OFFICIAL-SENSITIVE"
    assert run(ws, "olly.officer", "evidence", "add", str(copy), "--title", "Same file") == 0
    capsys.readouterr()
    assert run(ws, "olly.officer", "evidence", "list", "--json") == 0
    rows = out_json(capsys)
    assert len(rows) == 2 and {r["sha256"] for r in rows} == {added["sha256"]}
    assert run(ws, "olly.officer", "evidence", "list", "--finding", "AFI 3", "--json") == 0
    assert [r["id"] for r in out_json(capsys)] == [added["id"]]
    out = tmp_path / "exported.csv"
    assert run(ws, "olly.officer", "evidence", "export", str(added["id"]), str(out)) == 0
    assert out.read_bytes() == src.read_bytes() and "SHA-256 verified" in capsys.readouterr().out
    assert run(ws, "olly.officer", "evidence", "unlink", str(added["id"]), "--finding", "AFI 1") == 0
    assert "linked to: AFI 3" in capsys.readouterr().out


def test_actions_add_list_update(ws, capsys) -> None:
    assert run(ws, "olly.officer", "actions", "add", "AFI 2", "--title", "Allocation policy review",
               "--owner", "DI Shaw", "--due", "2001-01-31") == 0
    assert "action 1 added to AFI 2" in capsys.readouterr().out
    assert run(ws, "olly.officer", "actions", "list", "--json") == 0
    [row] = out_json(capsys)
    assert (row["overdue"], row["owner"], row["due_date"]) == (True, "DI Shaw", "2001-01-31")
    assert run(ws, "olly.officer", "actions", "update", "1", "--status", "done", "--note", "policy issued") == 0
    capsys.readouterr()
    assert run(ws, "olly.officer", "actions", "list", "--finding", "AFI 2", "--json") == 0
    [row] = out_json(capsys)
    assert row["overdue"] is False and row["completed_on"] and row["progress_note"] == "policy issued"
    assert run(ws, "olly.officer", "actions", "update", "1") == 2
    assert "nothing to change" in capsys.readouterr().err


def test_assessment_review_round_trip(ws, tmp_path: Path, capsys, monkeypatch) -> None:
    text = tmp_path / "narrative.txt"
    text.write_text("Supervision recorded at 7 and 28 days in 52 of 60 files.\n", encoding="utf-8")
    assert run(ws, "rita.reviewer", "assessment", "save", "AFI 3", "--narrative-file", str(text),
               "--proposed-status", "pending sign-off", "--readiness", "partly ready") == 0
    assert run(ws, "rita.reviewer", "assessment", "submit", "AFI 3") == 0
    capsys.readouterr()
    # four-eyes: the preparer cannot approve, even as a reviewer
    assert run(ws, "rita.reviewer", "assessment", "approve", "AFI 3", "--passphrase-stdin",
               stdin=RITA_PASS + "\n", monkeypatch=monkeypatch) == 2
    assert "four-eyes" in capsys.readouterr().err
    assert run(ws, "rob.reviewer", "assessment", "approve", "AFI 3", "--passphrase-stdin",
               stdin=RITA_PASS + "\n", monkeypatch=monkeypatch) == 2
    err = capsys.readouterr().err  # rob cannot even be rob with rita's passphrase
    assert "wrong passphrase for rob.reviewer" in err and "Traceback" not in err
    assert run(ws, "rob.reviewer", "assessment", "return", "AFI 3", "--comment", "") == 2
    capsys.readouterr()
    assert run(ws, "rob.reviewer", "assessment", "approve", "AFI 3", "--comment", "Well evidenced",
               "--passphrase-stdin", stdin=ROB_PASS + "\n", monkeypatch=monkeypatch) == 0
    assert "signed off by rob.reviewer (prepared by rita.reviewer)" in capsys.readouterr().out
    assert run(ws, "olly.officer", "assessment", "show", "AFI 3", "--json") == 0
    shown = out_json(capsys)
    assert shown["state"] == "approved" and shown["readiness"] == "partly ready"
    assert [(h["reviewer"], h["decision"], h["comment"]) for h in shown["history"]] == [
        ("rob.reviewer", "approved", "Well evidenced")]
    assert run(ws, "olly.officer", "findings", "--json") == 0
    assert {f["ref"]: f["status"] for f in out_json(capsys)}["AFI 3"] == "pending sign-off"
    assert run(ws, "olly.officer", "assessment", "save", "AFI 3", "--narrative", "edit") == 2
    assert "assessment reopen" in capsys.readouterr().err
    assert run(ws, "olly.officer", "assessment", "reopen", "AFI 3") == 0
    assert run(ws, "olly.officer", "assessment", "list") == 0
    assert "draft" in capsys.readouterr().out
    assert run(ws, "ann.admin", "log", "show", "--json") == 0
    logged = out_json(capsys)
    actions_logged = [(e["actor"], e["action"]) for e in logged if e["entity"] == "assessment"]
    assert ("rob.reviewer", "approve") in actions_logged
    assert ("user", "rob.reviewer", "sign-in-refused") in [(e["entity"], e["entity_id"], e["action"]) for e in logged]


def test_certificate_create_show_export_import(ws, tmp_path: Path, capsys, monkeypatch) -> None:
    assert run(ws, "rita.reviewer", "certificate", "show") == 2
    assert "no signing certificate yet" in capsys.readouterr().err
    assert run(ws, "rita.reviewer", "certificate", "create", "--passphrase-stdin",
               stdin=RITA_PASS + "\n", monkeypatch=monkeypatch) == 0
    assert "O=Norfolk Constabulary" in capsys.readouterr().out
    assert run(ws, "olly.officer", "certificate", "show", "--reviewer", "rita.reviewer", "--json") == 0
    info = out_json(capsys)
    pem = tmp_path / "rita.pem"
    assert run(ws, "olly.officer", "certificate", "export", str(pem), "--reviewer", "rita.reviewer") == 0
    assert certificate_fingerprint(pem.read_bytes()) == info["fingerprint"]
    assert info["fingerprint"] in capsys.readouterr().out

    from workbench.reports.signing import create_reviewer_certificate

    p12 = tmp_path / "rob.p12"
    p12.write_bytes(create_reviewer_certificate("Rob Reviewer", "Norfolk PKI", "file secret", key_type="ec"))
    assert run(ws, "rob.reviewer", "certificate", "import", str(p12), "--passphrase-stdin",
               stdin=f"{ROB_PASS}\nfile secret\n", monkeypatch=monkeypatch) == 0
    assert "imported certificate" in capsys.readouterr().out
    assert run(ws, "olly.officer", "certificate", "import", str(p12), "--passphrase-stdin",
               stdin=PASSPHRASES["olly.officer"] + "\ny\n", monkeypatch=monkeypatch) == 2
    assert "may not" in capsys.readouterr().err


BAD_INPUT = [
    (["evidence", "add", "{tmp}/missing.pdf", "--title", "X"], "does not exist"),
    (["evidence", "add", "{tmp}/e.txt", "--title", "X", "--finding", "AFI 99"], "no finding 'AFI 99'"),
    (["evidence", "export", "99", "{tmp}/out.bin"], "no evidence with id 99"),
    (["actions", "add", "AFI 1", "--title", "  "], "needs a title"),
    (["actions", "update", "7", "--status", "done"], "no action with id 7"),
    (["assessment", "submit", "AFI 1"], "has no self-assessment yet"),
    (["assessment", "save", "AFI 1", "--narrative-file", "{tmp}/nothing.txt", "--proposed-status", "in progress"],
     "cannot read the narrative"),
    (["certificate", "export", "{tmp}/c.pem", "--reviewer", "rob.reviewer"], "no signing certificate yet"),
]


def test_bad_input_exits_2_with_one_clear_message(ws, tmp_path, capsys) -> None:
    (tmp_path / "e.txt").write_text("evidence")
    for argv, message in BAD_INPUT:
        assert run(ws, "olly.officer", *[a.format(tmp=tmp_path) for a in argv]) == 2, argv
        err = capsys.readouterr().err
        assert err.startswith("workbench: error: ") and message in err and "Traceback" not in err, (argv, err)
    assert sorted(p.name for p in tmp_path.iterdir() if p.name != "w.sqlite" and "sqlite" not in p.name) == ["e.txt"]
